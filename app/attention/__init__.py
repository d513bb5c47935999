"""Escalation to management: the rules a manager sets (rules), their evaluation by every
running Switchboard (evaluate), and the manager's attention list it fills (items)."""
