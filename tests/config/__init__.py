"""Tests of klarsim.config."""
