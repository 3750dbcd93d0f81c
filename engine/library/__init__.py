"""The process library: drafts of bundles, their validation and comparison, and deployment."""
