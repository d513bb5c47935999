"""The call desk page: taking a call, the caller card, quick-create and the call bar."""
