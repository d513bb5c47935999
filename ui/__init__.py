"""PySide6 widgets, table models and dialogs. Imports app/ and models/, never the reverse."""
