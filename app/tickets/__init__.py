"""Tickets: the actions a person takes on one, how it reads, its workflow, SLA and priority."""
