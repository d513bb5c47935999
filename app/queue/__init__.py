"""The ticket queue: its SQL query, the free-text filter and the saved views."""
