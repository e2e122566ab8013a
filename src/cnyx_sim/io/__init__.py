"""Reading calibration data and writing run outputs (the only place that touches files)."""
