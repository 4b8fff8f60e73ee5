"""The Klarna case: the four reference scenarios, the demo that compares them, and the check
of the simulated figures against the published ones."""
