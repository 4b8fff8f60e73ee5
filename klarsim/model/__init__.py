"""The parts of the simulated contact centre; ``klarsim.sim.replication`` wires them together."""
