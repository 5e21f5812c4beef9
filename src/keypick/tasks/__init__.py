"""Tasks domain: crawl tasks, their per-keyword units, hits and event log."""
