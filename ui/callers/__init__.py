"""Caller directory dialogs: importing callers from a CSV file and merging duplicates."""
