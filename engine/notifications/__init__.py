"""Notifications: reminders and escalations, the in-app inbox, and mail."""
