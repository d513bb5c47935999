"""Outside vendors: their support contracts, what those cover, and the tickets escalated to
them (with the pack and the e-mail that go with an escalation)."""
