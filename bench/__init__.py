"""Side-by-side HTTP benchmarks (``python -m bench``) and the scale run (``python -m bench.scale``)."""
