"""The package version: the build backend and the User-Agent read it from here."""

__version__ = "0.1.0"
