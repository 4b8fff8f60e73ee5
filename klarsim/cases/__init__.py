"""Reference cases: ready-made studies built on the public API (the Klarna case)."""
