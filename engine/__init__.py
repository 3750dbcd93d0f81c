"""The rcjc engine: runs the 容错纠错 procedure on SpiffWorkflow with durable state."""
