"""The Sites page: the offices the desk serves, and the editor of one.

The list (code, name, time zone, holidays) is on the left; the selected site's editor on the
right: what the site is (code, name, address, time zone, holiday country and region, phone
region), when it is open (:class:`~ui.settings.site_dialogs.HoursGrid`, split shifts allowed),
the days it is closed beyond its holidays, and its desk cover: how many people the roster
must put at its desk, band by band, with the on-call limit every site shares
(:class:`~ui.roster.cover_dialog.CoverDialog`). Everyone reads; managers and admins change
(:mod:`app.org.sites`, :mod:`app.roster.coverage`), and for everyone else the fields are
read-only and the buttons disabled, with the reason said on the page (Tab skips disabled
buttons, a tooltip needs a mouse). Problems are shown at their field; nothing is saved while
one remains.

A handful of sites is read whole; each read and write runs off the GUI thread.

The keyboard route: the list has the keyboard when the page opens; Enter on a site moves into
its editor (the code field), Ctrl+S saves, and each button has a mnemonic.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.errors import ValidationError
from app.org.sites import (
    ClosureRow,
    SiteDetail,
    SiteDraft,
    SiteRow,
    list_sites,
    range_text,
    remove_closure,
    save_site,
    site_detail,
)
from app.permissions import Action, context_may, refusal
from app.roster.desk_cover import DeskCover, desk_cover
from ui.kit.outcome import OutcomeLines
from ui.kit.remembered import remember_splitter
from ui.kit.tasks import StaleGuard, run_task
from ui.kit.widgets import (
    MUTED,
    key_action,
    named,
    read_only_table,
    show_message,
    signals_blocked,
)
from ui.roster.cover_dialog import CoverDialog, cover_text, limit_text
from ui.settings.site_dialogs import ClosureDialog
from ui.settings.site_fields import SiteFields
from ui.shell.pages import Page

HEADERS = ("Code", "Name", "Time zone", "Holidays")
CLOSURE_HEADERS = ("Days", "Reason")


def cells(row: SiteRow) -> tuple[str, ...]:
    return (row.code, row.name, row.timezone, row.holidays or "—")


class SitesPage(Page):
    """The list of sites and the editor of the selected one (object name ``sitesView``)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, "sitesView", "Sites")
        self._context = context
        self._may_manage = context_may(context, Action.MANAGE_SITES)
        self._may_hours = context_may(context, Action.CHANGE_BUSINESS_HOURS)
        self._rows: list[SiteRow] = []
        self._detail: SiteDetail | None = None  # the site in the editor; None for a new one
        self._shown_draft: SiteDraft | None = None  # the editor's fields as last filled in
        self._select_after: uuid.UUID | None = None
        self._cover: DeskCover | None = None  # the desk cover of the site in the editor
        self._reads, self._details, self._covers = StaleGuard(), StaleGuard(), StaleGuard()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        self.splitter = named(QSplitter(Qt.Orientation.Horizontal, self), "sitesSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self._build_list())
        self.splitter.addWidget(self._build_editor())
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([2 * 200, 3 * 200])  # until the person moves it
        remember_splitter(self.splitter, "sites")
        layout.addWidget(self.splitter, 1)
        self.setFocusProxy(self.table)
        self._build_keys()
        self._set_editable()
        self.refresh()

    # -- building -----------------------------------------------------------------------------
    def _build_list(self) -> QWidget:
        host = QWidget(self)
        self.table = read_only_table("sitesTable", "Sites", HEADERS)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.new_button = self._button("&New site", "newSite", self.new_site, Action.MANAGE_SITES)
        self.note = named(QLabel(self), "sitesNote", "Who may change sites")
        self.note.setWordWrap(True)
        self.note.setStyleSheet(f"color: {MUTED};")
        layout = QVBoxLayout(host)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(self.new_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.note)
        return host

    def _build_editor(self) -> QWidget:
        scroll = named(QScrollArea(self), "siteEditorScroll")
        scroll.setWidgetResizable(True)
        host = QWidget(scroll)
        host.setMaximumWidth(host.fontMetrics().horizontalAdvance("M") * 70)  # lines a glance reads
        layout = QVBoxLayout(host)
        layout.setContentsMargins(8, 0, 8, 0)
        self.title = named(QLabel("", host), "siteTitle", "Site")
        self.title.setStyleSheet("font-weight: 600; font-size: 14px;")
        layout.addWidget(self.title)
        self.fields = SiteFields(host)
        layout.addWidget(self.fields)
        layout.addWidget(self._build_closures(host))
        layout.addWidget(self._build_cover(host))
        self.save_button = self._button("Sav&e site", "saveSite", self.save, Action.MANAGE_SITES)
        self.save_button.setEnabled(self._may_manage or self._may_hours)
        self.outcome = OutcomeLines("site")
        self.problem_line, self.result_line = self.outcome.problem, self.outcome.result
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.problem_line)
        layout.addWidget(self.result_line)
        layout.addStretch(1)
        scroll.setWidget(host)
        return scroll

    def _build_closures(self, parent: QWidget) -> QWidget:
        box = QGroupBox("C&losures (beyond public holidays)", parent)
        self.closures = read_only_table("closuresTable", "Closures", CLOSURE_HEADERS)
        self.closures.setTabKeyNavigation(False)
        self.closures.horizontalHeader().setStretchLastSection(True)
        self.closures.setColumnWidth(
            0,
            self.closures.fontMetrics().horizontalAdvance("Thu 24 Dec 2026 – Fri 01 Jan 2027") + 24,
        )
        self.closures.setMinimumHeight(self.closures.fontMetrics().height() * 6)
        self.add_closure_button = self._button(
            "&Add closure…", "addClosure", self.add_closure, Action.CHANGE_BUSINESS_HOURS
        )
        self.remove_closure_button = self._button(
            "&Remove closure", "removeClosure", self.remove_closure, Action.CHANGE_BUSINESS_HOURS
        )
        self.closures_note = named(QLabel(box), "closuresNote", "About closures")
        self._closure_rows: tuple[ClosureRow, ...] = ()
        self.closures_note.setStyleSheet(f"color: {MUTED};")
        layout = QVBoxLayout(box)
        layout.addWidget(self.closures)
        row = QHBoxLayout()
        row.addWidget(self.add_closure_button)
        row.addWidget(self.remove_closure_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.closures_note)
        return box

    def _build_cover(self, parent: QWidget) -> QWidget:
        box = QGroupBox("Desk cover", parent)
        self.cover_label = named(QLabel(box), "coverSummary", "Desk cover")
        self.cover_label.setWordWrap(True)
        self.cover_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.cover_button = self._button(
            "Des&k cover…", "editCover", self.edit_cover, Action.EDIT_ROSTER
        )
        self.cover_note = named(QLabel(box), "coverNote", "About desk cover")
        self.cover_note.setWordWrap(True)
        self.cover_note.setStyleSheet(f"color: {MUTED};")
        layout = QVBoxLayout(box)
        layout.addWidget(self.cover_label)
        row = QHBoxLayout()
        row.addWidget(self.cover_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.cover_note)
        return box

    def _button(
        self, text: str, name: str, slot: Callable[[], None], action: Action
    ) -> QPushButton:
        """A button disabled, with the refusal as its tooltip, for whoever may not ``action``."""
        button = named(QPushButton(text, self), name, text.replace("&", "").rstrip("…"))
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        allowed = context_may(self._context, action)
        button.setEnabled(allowed)
        if not allowed:
            button.setToolTip(refusal(action))
        return button

    def _build_keys(self) -> None:
        key_action(self.table, (Qt.Key.Key_Return, Qt.Key.Key_Enter), self.focus_editor)
        key_action(self, (QKeySequence.StandardKey.Save,), self.save).setShortcutContext(
            Qt.ShortcutContext.WidgetWithChildrenShortcut
        )
        key_action(self.closures, (Qt.Key.Key_Delete,), self.remove_closure)

    def _set_editable(self) -> None:
        """Fields read-only, and the reason said, for whoever may not change them."""
        self.fields.set_editable(self._may_manage, self._may_hours)
        words = []
        if not self._may_manage:
            words.append(refusal(Action.MANAGE_SITES))
        if not self._may_hours:
            words.append(refusal(Action.CHANGE_BUSINESS_HOURS))
        show_message(self.note, " ".join(words) + (" You can read them here." if words else ""))

    # -- as a page of the window --------------------------------------------------------------
    def shown(self) -> None:
        self.refresh()
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def refresh(self) -> None:
        """Read the sites again (F5), keeping the selected one."""
        engine = self._context.engine
        run_task(
            lambda: list_sites(engine), self._read, self.outcome.failed, self, guard=self._reads
        )

    # -- public -------------------------------------------------------------------------------
    def current(self) -> SiteRow | None:
        row = self.table.currentRow()
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def focus_editor(self) -> None:
        self.fields.focus_first()

    def has_unsaved_changes(self) -> bool:
        """Whether the editor holds changes that are not saved."""
        return self._shown_draft is not None and self.draft() != self._shown_draft

    def may_leave(self) -> bool:
        return not self.has_unsaved_changes() or self.confirm_discard()

    def confirm_discard(self) -> bool:
        """Ask once whether the editor's unsaved changes may be thrown away."""
        answer = QMessageBox.question(
            self,
            "Discard changes?",
            f"{self.title.text()} has changes that are not saved. Discard them?",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Discard

    def new_site(self) -> None:
        """New site: an empty editor (open Monday to Friday 08:00-17:00) to fill in."""
        if not self._may_manage or not self.may_leave():
            return
        with signals_blocked(self.table.selectionModel()):
            self.table.setCurrentIndex(QModelIndex())
        self._details.drop_pending()
        self._show(None)
        self.focus_editor()

    def save(self) -> None:
        """Save the editor (Ctrl+S): a new site or the selected one."""
        if not (self._may_manage or self._may_hours):
            return
        draft = self.draft()
        site_id = self._detail.id if self._detail is not None else None
        engine, me = self._context.engine, self._context.me
        self.outcome.tell("", ok=True)
        self._problems({})
        self.save_button.setEnabled(False)
        run_task(
            lambda: save_site(engine, me, draft, site_id),
            lambda saved: self._saved(saved, draft),
            self._save_failed,
            self,
        )

    def draft(self) -> SiteDraft:
        """The editor's fields as the service takes them."""
        return self.fields.draft()

    def add_closure(self) -> None:
        """Add closure… : days the selected site is closed."""
        if not self._may_hours or self._detail is None:
            return
        site = self._detail
        dialog = ClosureDialog(self._context, site.id, site.draft.name, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._reread_site(dialog.summary()))
        dialog.open()

    def edit_cover(self) -> None:
        """Desk cover… : the selected site's minimums and the on-call limit."""
        site, cover = self._detail, self._cover
        if not context_may(self._context, Action.EDIT_ROSTER) or site is None or cover is None:
            return
        dialog = CoverDialog(self._context, site.id, site.draft.code, cover, self)
        self.outcome.open(dialog, lambda _site, message: self._reread_site(message))

    def remove_closure(self) -> None:
        """Remove closure (and Delete in the list): after asking."""
        closure = self._current_closure()
        if not self._may_hours or closure is None:
            return
        days = range_text(closure.first_day, closure.last_day)
        answer = QMessageBox.question(
            self,
            "Remove closure",
            f"Open the site again on {days}? Tickets already opened keep their due times.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        engine, me = self._context.engine, self._context.me
        run_task(
            lambda: remove_closure(engine, me, closure.id),
            lambda _none: self._reread_site(f"Open again on {days}."),
            self.outcome.failed,
            self,
        )

    # -- reading ------------------------------------------------------------------------------
    def _read(self, rows: list[SiteRow]) -> None:
        chosen = self.current()
        keep = self._select_after or (chosen.id if chosen else None)
        self._select_after = None
        self._rows = rows
        with signals_blocked(self.table.selectionModel()):
            self.table.setRowCount(len(rows))
            for number, row in enumerate(rows):
                for column, value in enumerate(cells(row)):
                    self.table.setItem(number, column, QTableWidgetItem(value))
            # The first site on the first read; later, none while a new one is being written.
            first = 0 if rows and not self.has_shown_content else -1
            at = next((n for n, row in enumerate(rows) if row.id == keep), first)
            if at >= 0:
                self.table.setCurrentCell(at, 0)
        if not self.has_unsaved_changes():  # reading again never throws edits away
            self._load_current()
        self.content_shown()

    def _current_changed(self, _current: QModelIndex, previous: QModelIndex) -> None:
        """Another site chosen: shown, unless that would lose edits the person keeps."""
        if self.may_leave():
            self._load_current()
            return
        with signals_blocked(self.table.selectionModel()):
            self.table.setCurrentIndex(previous)

    def _load_current(self) -> None:
        site = self.current()
        if site is None:
            if self._detail is not None or not self._may_manage:
                self._show(None)
            return
        engine = self._context.engine
        run_task(
            lambda: site_detail(engine, site.id),
            self._show,
            self.outcome.failed,
            self,
            guard=self._details,
        )
        run_task(
            lambda: desk_cover(engine, site.id),
            self._show_cover,
            self.outcome.failed,
            self,
            guard=self._covers,
        )

    def _show(self, detail: SiteDetail | None) -> None:
        """Put ``detail`` in the editor (an empty one for a new site)."""
        self._detail = detail
        draft = detail.draft if detail else SiteDraft(code="", name="", timezone="")
        self.title.setText(f"{draft.code} — {draft.name}" if detail else "New site")
        self.fields.set_draft(draft)  # a new site: open Monday to Friday 08:00-17:00
        self.fields.set_editable(self._may_manage, self._may_hours)
        self._fill_closures(detail.closures if detail else ())
        if detail is None:
            self._covers.drop_pending()
            self._show_cover(None)
        self._shown_draft = self.draft()

    def _fill_closures(self, closures: tuple[ClosureRow, ...]) -> None:
        self._closure_rows = closures
        self.closures.setRowCount(len(closures))
        for number, closure in enumerate(closures):
            values = (range_text(closure.first_day, closure.last_day), closure.reason)
            for column, value in enumerate(values):
                self.closures.setItem(number, column, QTableWidgetItem(value))
        has_site = self._detail is not None
        self.add_closure_button.setEnabled(self._may_hours and has_site)
        self.remove_closure_button.setEnabled(self._may_hours and bool(closures))
        show_message(
            self.closures_note,
            "Save the new site first, then add its closures."
            if not has_site
            else ("" if closures else "No closures: open on every working day but holidays."),
        )

    def _show_cover(self, cover: DeskCover | None) -> None:
        """The site's desk minimums in words and the on-call limit (None: a new site)."""
        self._cover = cover
        if cover is None:
            self.cover_label.setText("")
        else:
            bands = cover_text(cover.bands) or "No minimums: the roster shows no desk gaps here."
            self.cover_label.setText(
                f"{bands}\n{limit_text(cover.max_on_call_weeks)} (every site)."
            )
        may = context_may(self._context, Action.EDIT_ROSTER)
        self.cover_button.setEnabled(may and cover is not None)
        show_message(
            self.cover_note,
            "Save the new site first, then set its desk cover."
            if cover is None
            else ("" if may else refusal(Action.EDIT_ROSTER)),
        )

    def _current_closure(self) -> ClosureRow | None:
        row = self.closures.currentRow()
        rows = self._closure_rows
        return rows[row] if 0 <= row < len(rows) else None

    # -- writing ------------------------------------------------------------------------------
    def _saved(self, site_id: uuid.UUID, draft: SiteDraft) -> None:
        self.save_button.setEnabled(True)
        self.outcome.tell(f"Saved {draft.code.strip().upper()}.", ok=True)
        self._select_after = site_id
        self._shown_draft = None  # saved: the editor is read again
        self.refresh()

    def _save_failed(self, error: Exception) -> None:
        self.save_button.setEnabled(True)
        if isinstance(error, ValidationError):
            leftover = self._problems(error.problems)
            self.outcome.tell(
                "\n".join(leftover.values()) or "Not saved: see the fields marked.", ok=False
            )
        else:
            self.outcome.failed(error)

    def _problems(self, problems: dict[str, str]) -> dict[str, str]:
        return self.fields.show_problems(problems)

    def _reread_site(self, message: str) -> None:
        self.outcome.tell(message, ok=True)
        self._load_current()
