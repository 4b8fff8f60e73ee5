"""Tests of klarsim.results."""
