"""The engine's version: one place, read by the build (pyproject.toml) and by every result's provenance."""

__version__ = "0.1.0"
