"""The set-up assistant: a new database's first admin makes the desk their organisation's own,
one step at a time (:mod:`ui.settings.set_up_steps`, :mod:`app.org.first_run`).

The window opens it by itself while the database waits for its set-up, and Settings › Set-up
assistant… opens it again any time. Next writes the step in the background (the buttons wait,
the fields stay as typed, and a refusal is shown at its field) and records how far the
assistant got, so "Finish later" (or closing the window) loses nothing: the next start opens
it at the step after the last one written. Back only moves; every step stays editable.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.errors import ValidationError
from app.org.first_run import DONE, STEPS, SetUpState, reach_step, set_up_state
from ui.kit.errors import show_failure
from ui.kit.tasks import run_task
from ui.kit.widgets import MUTED, error_label, named
from ui.settings.set_up_steps import STEP_TYPES, NextStepsStep, Saved, Step


class SetUpAssistant(QDialog):
    """The assistant (object name ``setUpAssistant``); ``stepShown`` names each step shown,
    ``setUpFinished`` says the last one was written."""

    stepShown = Signal(str)
    setUpFinished = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "setUpAssistant", "Set up Switchboard")
        self.setWindowTitle("Set up Switchboard")
        self.context = context
        self._busy = False
        self.steps = [kind(context) for kind in STEP_TYPES]
        assert tuple(step.key for step in self.steps) == STEPS

        self.step_list = named(QLabel(self), "stepList", "Steps")
        self.step_list.setTextFormat(Qt.TextFormat.RichText)
        self.step_list.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.step_list.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 12)
        self.heading = named(QLabel(self), "stepHeading", "Step")
        self.heading.setStyleSheet("font-weight: 600; font-size: 15px;")
        self.intro = named(QLabel(self), "stepIntro", "What this step sets")
        self.intro.setWordWrap(True)
        self.intro.setStyleSheet(f"color: {MUTED};")
        self.stack = QStackedWidget(self)
        for step in self.steps:
            scroll = QScrollArea(self.stack)
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QScrollArea.Shape.NoFrame)
            scroll.setWidget(step)
            self.stack.addWidget(scroll)
        self.problem = error_label("setUpProblem")

        self.later_button = named(QPushButton("Finish &later", self), "finishLater")
        self.later_button.setToolTip("Close; the assistant opens here again at the next start")
        self.back_button = named(QPushButton("< &Back", self), "backButton")
        self.next_button = named(QPushButton("&Next >", self), "nextButton")
        self.later_button.clicked.connect(self.reject)
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        for button in (self.later_button, self.back_button):
            button.setAutoDefault(False)
        self.next_button.setDefault(True)  # Enter in a field moves on
        buttons = QHBoxLayout()
        buttons.addWidget(self.later_button)
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)

        right = QVBoxLayout()
        right.addWidget(self.heading)
        right.addWidget(self.intro)
        right.addWidget(self.stack, 1)
        right.addWidget(self.problem)
        body = QHBoxLayout()
        body.addWidget(self.step_list)
        body.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addLayout(buttons)
        self.resize(900, 640)

        self._enable(False)
        self.heading.setText("Reading what is set up so far…")
        engine = context.engine
        run_task(lambda: set_up_state(engine), self._loaded, self._failed, parent=self)

    # -- moving -------------------------------------------------------------------------------
    @property
    def index(self) -> int:
        return self.stack.currentIndex()

    @property
    def current(self) -> Step:
        return self.steps[self.index]

    def next(self) -> None:
        """Write this step in the background, then show the next one (or finish)."""
        if self._busy:
            return
        step = self.current
        self._say("")
        step.show_problems({})
        try:
            work = step.work()
        except ValidationError as problems:  # found before writing anything
            self._refused(problems)
            return
        last = self.index == len(self.steps) - 1
        following = DONE if last else self.steps[self.index + 1].key
        engine, me = self.context.engine, self.context.me

        def write() -> object:
            result = work() if work is not None else None
            if not (isinstance(result, Saved) and result.problem):  # the step is complete
                reach_step(engine, me, following)
            return result

        self._enable(False)
        self._busy = True
        run_task(write, self._written, self._write_failed, parent=self)

    def back(self) -> None:
        if self.index > 0 and not self._busy:
            self._say("")
            self._show(self.index - 1)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter in a list's cell only ends the edit there; elsewhere it moves on (Next)."""
        focus = QApplication.focusWidget()
        in_list = focus is not None and any(
            isinstance(widget, QAbstractItemView) for widget in _ancestors(focus)
        )
        if in_list and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            return
        super().keyPressEvent(event)

    # -- answers ------------------------------------------------------------------------------
    def _loaded(self, state: SetUpState) -> None:
        self._enable(True)
        for step in self.steps:
            step.load(state)
        self._show(STEPS.index(state.step))

    def _written(self, result: object) -> None:
        self._busy = False
        self._enable(True)
        problem = self.current.written(result)
        if problem:
            self.current.focus_first()
            self._say(problem)
            return
        if self.index == len(self.steps) - 1:
            self.setUpFinished.emit()
            self.accept()
            return
        self._show(self.index + 1)

    def _write_failed(self, error: Exception) -> None:
        self._busy = False
        self._enable(True)
        if isinstance(error, ValidationError):
            self._refused(error)
        else:
            self.current.focus_first()
            show_failure(error, self._say)

    def _refused(self, error: ValidationError) -> None:
        """Each problem at its field, and the keyboard at the first of them."""
        leftover = self.current.show_problems(error.problems)
        self._say("\n".join(leftover.values()) or "Not saved: see the fields marked.")
        self.current.focus_problem(next(iter(error.problems), ""))

    def _failed(self, error: Exception) -> None:
        self.heading.setText("The set-up cannot be read")
        show_failure(error, self._say)

    # -- showing ------------------------------------------------------------------------------
    def _show(self, index: int) -> None:
        self.stack.setCurrentIndex(index)
        step = self.steps[index]
        self.heading.setText(f"Step {index + 1} of {len(self.steps)}: {step.title}")
        self.intro.setText(step.intro)
        last = index == len(self.steps) - 1
        self.next_button.setText("&Finish" if last else "&Next >")
        self.back_button.setEnabled(index > 0)
        self.step_list.setText(
            "<br>".join(
                f"<b>▸ {s.title}</b>" if n == index else f"&nbsp;&nbsp;{s.title}"
                for n, s in enumerate(self.steps)
            )
        )
        if isinstance(step, NextStepsStep):
            step.shown()
        step.focus_first()
        self.stepShown.emit(step.key)

    def _enable(self, enabled: bool) -> None:
        self.next_button.setEnabled(enabled)
        self.back_button.setEnabled(enabled and self.index > 0)
        self.stack.setEnabled(enabled)

    def _say(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))


def _ancestors(widget: QWidget) -> list[QWidget]:
    found = []
    current: QWidget | None = widget
    while current is not None:
        found.append(current)
        current = current.parentWidget()
    return found


def open_assistant(
    context: AppContext, parent: QWidget, then: Callable[[], None]
) -> SetUpAssistant:
    """Open the assistant over ``parent``; ``then`` runs once the set-up is finished."""
    assistant = SetUpAssistant(context, parent)
    assistant.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    assistant.setUpFinished.connect(then)
    assistant.open()
    return assistant
