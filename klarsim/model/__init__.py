"""The parts of the simulated contact centre; ``klarsim.engine`` wires them together."""
