"""KeyPick's MCP server: the crawl, task, search, insights and platform tools over streamable HTTP and stdio."""
