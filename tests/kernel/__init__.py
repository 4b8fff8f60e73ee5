"""Tests of klarsim.kernel."""
