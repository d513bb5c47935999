"""Settings dialogs of the incident manager (the priority matrix)."""
