"""Official documents (公文): their content from case data, rendered as DOCX and PDF in the GB/T 9704 layout."""
