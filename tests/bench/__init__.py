"""Benchmarks (`make bench`): figures printed, not tests. Files here have no test_ prefix."""
