"""Helpers the tests and the benchmark share (plain Python, no pytest): ports, a private Virtuoso,
deskolemise."""
