"""The maintenance schedule: recurring upkeep of systems, its occurrences and their windows."""
