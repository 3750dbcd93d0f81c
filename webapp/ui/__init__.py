"""The server-rendered web UI for handlers, supervisors and process owners."""
