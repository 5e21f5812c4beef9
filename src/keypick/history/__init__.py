"""History domain: query, search, aggregate, export and clean up everything collected."""
