"""Staffing to a target: the iterative staffing algorithm, shift scheduling and capacity plans."""
