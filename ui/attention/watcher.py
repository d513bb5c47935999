"""The management escalation rules, evaluated by every running Switchboard: now and then,
off the GUI thread, :func:`app.attention.evaluate.evaluate` adds what the rules raise to the
manager's attention list (the database keeps each item once, however many desks evaluate).

For a manager the round also reads what waits on the list, and the items this window has
not told of yet are handed on (``arrived``) for the desktop notification: an item another
desk added is told here too, and each only once. The first round tells of everything
waiting, so a manager opening the window hears what came while they were away.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from ui.kit.rounds import Rounds

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from app.attention.items import AttentionEntry
    from app.context import AppContext

EVALUATE_MS = 60 * 1000  # a rule of minutes is late by a minute at most
FIRST_EVALUATION_MS = 0  # at once: light, and a manager should hear what waits


@dataclass(frozen=True)
class Evaluated:
    added: int  # items this round put on the list
    waiting: tuple[AttentionEntry, ...] | None  # what waits now, read for a manager only


def evaluate_round(engine: Engine, manager: bool) -> Evaluated:
    """One round: the rules evaluated, and for a manager what waits on the list."""
    from app.attention.evaluate import evaluate
    from app.attention.items import attention_list
    from models.clock import utcnow

    added = evaluate(engine, utcnow())
    return Evaluated(len(added), tuple(attention_list(engine)) if manager else None)


class AttentionWatcher(Rounds):
    raised = Signal(int)  # items new to this window are on the list: how many
    arrived = Signal(object)  # for a manager: the waiting items not told of before
    failure = "The management escalation rules could not be evaluated"

    def __init__(
        self, interval_ms: int, parent: QObject | None = None, first_ms: int = FIRST_EVALUATION_MS
    ) -> None:
        super().__init__("attentionWatcher", interval_ms, first_ms, parent)
        self._manager = False
        self._told: set[object] = set()

    def wanted(self, context: AppContext) -> bool:
        """Every desk evaluates; a manager's is also told what arrives."""
        from app.permissions import Action, context_may

        self._manager = context_may(context, Action.ACKNOWLEDGE_ATTENTION)
        return True

    def work(self, context: AppContext) -> Callable[[], Any]:
        engine, manager = context.engine, self._manager
        return lambda: evaluate_round(engine, manager)

    def finished(self, result: Evaluated) -> None:
        fresh = tuple(e for e in result.waiting or () if e.id not in self._told)
        self._told.update(e.id for e in fresh)
        if result.added or fresh:
            self.raised.emit(max(result.added, len(fresh)))
        if fresh:
            self.arrived.emit(fresh)
