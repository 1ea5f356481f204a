"""The command line (Click): the one place that prints, exits, reads the clock and the
environment. `hotline` is `main`."""

from hotline_cli.cli.app import cli, main

__all__ = ["cli", "main"]
