"""The manager's attention list in the window: the rules evaluated in the background, the
desktop notification, the list on the dashboard and the rules' settings."""
