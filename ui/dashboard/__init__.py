"""The manager's dashboard page (:mod:`ui.dashboard.page`)."""
