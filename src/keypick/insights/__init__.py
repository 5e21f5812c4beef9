"""Insights over collected posts: keywords, sentiment, volume, engagement, duplicates, each claim cited."""
