"""Tests of klarsim.model.service."""
