"""Auditable reanalysis of clinical-trial summary statistics."""

__version__ = "0.1.0"
