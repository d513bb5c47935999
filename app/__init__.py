"""Switchboard's use cases, CLI and composition root. No Qt here."""
