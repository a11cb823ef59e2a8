"""Participation reports for secretaries and committees."""
