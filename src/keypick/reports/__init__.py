"""Reports: Markdown and self-contained HTML from the insights, with an optional cited LLM summary."""
