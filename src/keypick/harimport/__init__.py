"""HAR import: ingest platform API responses saved from a browser (DevTools → Save all as HAR)."""
