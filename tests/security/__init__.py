"""Security promises checked across the whole app: headers, CSRF, limits, Markdown."""
