"""The ticket editor page: its form, its header and the worklog timeline."""
