"""Scenario files: loading, merging and validating user-written YAML scenarios."""
