"""Tests of klarsim.plots."""
