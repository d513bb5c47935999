"""The asset register page and its editor."""
