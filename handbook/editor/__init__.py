"""Editors publish from the browser: drafts, publishing, revisions, history and diffs."""
