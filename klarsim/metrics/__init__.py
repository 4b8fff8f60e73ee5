"""Statistics: streaming recorders for the engine (no pandas) and tables built from them."""
