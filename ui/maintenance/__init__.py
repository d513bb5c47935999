"""The maintenance calendar's page, its dialogs, and the notices every desk shows."""
