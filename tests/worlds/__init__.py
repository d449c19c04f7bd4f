"""Objects of the later apps for the personas worlds (tests/personas.py)."""
