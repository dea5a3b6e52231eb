"""Aman: a self-hostable platform for a federation of national CERTs."""

__version__ = "0.1.0"
