"""Tests of klarsim.report."""
