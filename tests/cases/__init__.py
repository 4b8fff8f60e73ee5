"""Tests of klarsim.cases."""
