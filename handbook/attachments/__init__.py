"""Attachments: the signed originals (PDF, images) of a document, stored by content hash."""
