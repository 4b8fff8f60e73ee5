"""Tests of klarsim.experiments."""
