"""The Problems page: problem records and the candidates repeat-incident detection finds.

Another page asks for a problem with a :class:`ProblemRequest` (through ``navigate`` with
the key "problems"); it is defined here, so asking does not load the page's modules."""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class ProblemRequest:
    """Show this problem on the Problems page."""

    problem_id: uuid.UUID
