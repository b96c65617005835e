"""Bytes -> plain data with a position for every value."""
