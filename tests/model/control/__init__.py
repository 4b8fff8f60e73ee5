"""Tests of klarsim.model.control."""
