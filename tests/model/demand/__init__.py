"""Tests of klarsim.model.demand."""
