"""Processing of posts given in a request: clean, extract, transform, validate (/api/process)."""
