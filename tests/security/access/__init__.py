"""Declared access of the later apps, one module each (see matrix.py)."""
