"""klarsim's tests, one folder per package (tests/README.md: tiers and how to run them)."""
