"""What every page builds with: the widget kit, background tasks, the error path, paged tables."""
