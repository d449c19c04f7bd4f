"""Interaction matrices between targets (cross-impact, METHODS.md section 4)."""
