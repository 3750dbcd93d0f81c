"""Benchmark of one 12-user-task case on raw SpiffWorkflow and through rcjc's service layer."""
