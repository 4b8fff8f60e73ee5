"""Which assumptions drive a scenario's answer, and how likely one plan beats another under them."""
