"""Docket: evidence-request campaigns for oversight bodies."""

__version__ = "0.1.0"
