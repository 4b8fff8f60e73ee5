"""Tests of klarsim.metrics."""
