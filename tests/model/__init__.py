"""Tests of klarsim.model."""
