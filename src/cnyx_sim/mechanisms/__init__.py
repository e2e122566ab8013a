"""One module per ODD submodel. Pure functions of state arrays and typed parameters; no I/O."""
