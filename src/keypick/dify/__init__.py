"""Dify integration: flat tool endpoints with bounded waits, a Dify-ready OpenAPI document, External Knowledge API."""
