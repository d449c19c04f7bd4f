"""Engagement: the sustainability council's proposals and comments."""
