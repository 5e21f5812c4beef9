"""Content domain: the normalized model, its tables and its queries."""
