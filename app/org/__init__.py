"""The organisation's reference data: sites, SLA policies and the rest of the desk's set-up."""
