"""Golden outputs: headline KPIs of every bundled scenario at a fixed seed."""
