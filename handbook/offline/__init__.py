"""Offline reading: the web app manifest, the service worker and what it keeps."""
