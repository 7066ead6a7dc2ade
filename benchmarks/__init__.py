"""Benchmarks of the engine, run on request (`python -m benchmarks.pay_lines`)."""
