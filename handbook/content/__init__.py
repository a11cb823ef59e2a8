"""The library: documents, their revisions and rendering, import from and export to content/."""
