"""The data layer's error, importable without loading SQLAlchemy (the window shows first)."""


class DatabaseError(Exception):
    """A database problem a person can act on (wrong path, damaged file, newer schema...)."""
