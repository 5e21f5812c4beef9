"""Chinese full-text search: jieba segmentation, SQLite FTS5 or PostgreSQL tsvector, highlighting."""
