"""Files: what a file is (by its content), its cleaned name, and the stores that keep immutable blobs by SHA-256."""
