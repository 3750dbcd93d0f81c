"""Access: users, tokens, sessions and the one rule of who may see and do what, confidential data included."""
