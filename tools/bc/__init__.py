"""Backward-compatibility check of operator schemas (base branch vs. head)."""
