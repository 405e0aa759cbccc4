"""Side-by-side benchmarks (``python -m bench``); not part of the test run."""
