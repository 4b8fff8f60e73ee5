"""Tests of klarsim.sim."""
