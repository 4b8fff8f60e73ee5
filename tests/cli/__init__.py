"""Tests of klarsim.cli: the command line through typer's CliRunner."""
