"""Control: the dated timeline and the guardrails, acting on the model through its run-time
parameters."""
