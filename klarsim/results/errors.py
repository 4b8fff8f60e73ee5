"""The error every part of the results store raises for a folder it cannot write as asked."""

from __future__ import annotations


class OutputError(Exception):
    """The results folder cannot be written as asked (the CLI: exit code 2, one line)."""
