"""Calls taken at the desk: the call records, and caller ids handed over by a softphone."""
