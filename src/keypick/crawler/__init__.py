"""The crawl engine: politeness, HTTP, and running tasks page by page."""
