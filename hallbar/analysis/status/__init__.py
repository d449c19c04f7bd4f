"""Status analysis (nulägesanalys): relevance and assessment of every target per year, prioritised targets."""
