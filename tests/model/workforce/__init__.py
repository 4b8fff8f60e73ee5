"""Tests of klarsim.model.workforce."""
