"""Model core: state arrays, typed parameters, random streams, Mesa model and agents (numpy + stdlib + mesa only)."""
