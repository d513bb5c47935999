"""The window every page lives in: start-up, the page registry, menus, the screen-pop channel."""
