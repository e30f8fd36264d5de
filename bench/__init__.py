"""Benchmarks: `make bench` (python -m bench) runs each one; figures go in bench/README.md."""
