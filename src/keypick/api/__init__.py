"""HTTP API: app factory, auth, error handling and the routers of each domain."""
