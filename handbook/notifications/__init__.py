"""Notifications to members, and the reminders secretaries send."""
