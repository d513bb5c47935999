"""The staff roster's views."""
