"""The Qt binding must not leak or over-release Python objects on the paths the program uses
all the time (a poll every two seconds emits a signal; every view calls data()). PySide6
6.12.0 fails these and crashes the interpreter within hours, hence the version pin."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, QStringListModel, Signal
from pytestqt.qtbot import QtBot

REPEAT = 2000
SLACK = 5


class _Emitter(QObject):
    value = Signal(object)


def test_emitting_python_singletons_keeps_their_reference_counts(qtbot: QtBot) -> None:
    emitter = _Emitter()
    received: list[object] = []
    emitter.value.connect(received.append)
    for singleton in (True, False, None):
        before = sys.getrefcount(singleton)
        for _ in range(REPEAT):
            emitter.value.emit(singleton)
        received.clear()
        assert abs(sys.getrefcount(singleton) - before) <= SLACK, singleton


def test_model_data_returning_none_keeps_its_reference_count(qtbot: QtBot) -> None:
    model = QStringListModel(["row"])
    index = model.index(0, 0)
    before = sys.getrefcount(None)
    for _ in range(REPEAT):
        index.data(1000)  # a role the model does not know: None
    assert abs(sys.getrefcount(None) - before) <= SLACK
