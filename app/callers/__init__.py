"""Callers: lookup, the caller card, quick-create, CSV import, merging and phone numbers."""
