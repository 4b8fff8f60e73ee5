"""The parts of the simulated contact centre; ``klarsim.sim.assembly`` builds and wires them."""
