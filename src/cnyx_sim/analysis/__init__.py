"""Metrics and comparisons on run outputs."""
