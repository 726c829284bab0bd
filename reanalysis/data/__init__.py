"""Data layer: load and validate every input file into typed objects."""
