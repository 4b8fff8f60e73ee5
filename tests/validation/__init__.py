"""Validation: the engine against queueing theory (exact Erlang figures, directional effects)."""
