"""Reading: inboxes, case lists and views, the catalog of processes and the supervisors dashboard."""
