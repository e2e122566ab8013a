"""Observed-data handling: base-year (2021) data layer built from ``calibration/``."""
