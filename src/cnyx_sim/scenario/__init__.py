"""Scenario files: loading, merging and validating user-written YAML scenarios.

Three steps (``scenario.load``): parse (``yaml_io``: safe YAML, ``extends``), validate (``schema*`` with the
typed fields of ``types`` resolved against the calibration data, then ``checks``), build (``build``: the
core's parameters). docs/validation.md describes what each step refuses.
"""
