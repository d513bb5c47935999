"""The editable fields of a ticket, with their validation messages, for the ticket editor.

The form knows nothing about saving: it shows a ticket (or a blank one), reports what the
user changed relative to what it showed, and puts each problem message under its field.
Pick lists are loaded once per editor (:func:`app.pick_lists.ticket_choices`); only the
caller picker (the call desk's ranked lookup), the caller's assets, the people suggested to
take the ticket (:mod:`ui.tickets.suggestions`) and the known errors matching what is typed
(:mod:`ui.tickets.known_errors`) are looked up while it is edited, off the UI thread.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from PySide6.QtCore import QModelIndex, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QCompleter,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QWidget,
)

from app import pick_lists
from app.callers.lookup import CallerHit, lookup
from app.context import AppContext
from app.permissions import Action, context_may, refusal
from app.pick_lists import Choice, TicketChoices
from app.tickets.actions import EDITABLE_FIELDS, FIRST_CONTACT_CHANNELS, TicketDraft
from app.tickets.detail import TicketDetail
from app.tickets.priority import IMPACT_LABELS, URGENCY_LABELS, priority_for
from models.enums import Channel, Priority
from ui.kit.tasks import StaleGuard, run_task
from ui.kit.widgets import error_label, named, priority_chip_style, show_problems, text_box
from ui.tickets.known_errors import KnownErrorPanel
from ui.tickets.requests import TicketPrefill
from ui.tickets.suggestions import AssigneeSuggestions

CALLER_DEBOUNCE_MS = 150
CALLER_PICKS = 20
COMBO_CHARS = 10
_HIT_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class FormValues:
    """What the form holds; field names match update_ticket's and TicketDraft's."""

    caller_text: str = ""
    caller_id: uuid.UUID | None = None
    asset_id: uuid.UUID | None = None
    summary: str = ""
    description: str = ""
    category_id: uuid.UUID | None = None
    channel: Channel = Channel.PHONE
    impact: int = 3
    urgency: int = 3
    assignee_id: uuid.UUID | None = None
    team_id: uuid.UUID | None = None
    site_id: uuid.UUID | None = None
    resolved_on_first_contact: bool = False
    resolution_note: str = ""


class Permits:
    """The controls that need a permission of the person signed in. Each is enabled only
    when the permission table (:mod:`app.permissions`) allows everything it needs; when it
    does not, it is disabled (not hidden, so the person learns that someone else can) with
    the refusal, naming who may, as its tooltip. The service checks again at every write:
    this is the courtesy, not the rule."""

    def __init__(self, context: AppContext) -> None:
        self._context = context
        self._needs: dict[QWidget, tuple[tuple[Action, ...], str]] = {}

    def require(self, widget: QWidget, needs: Iterable[Action]) -> None:
        """From now on ``widget`` needs ``needs``; while permitted it keeps the tooltip it
        had when first required. Call :meth:`enable` to apply."""
        known = self._needs.get(widget)
        self._needs[widget] = (tuple(needs), known[1] if known else widget.toolTip())

    def forget(self, widget: QWidget) -> None:
        """``widget`` is going away."""
        self._needs.pop(widget, None)

    def refused(self, widget: QWidget) -> str:
        """Why the person signed in may not use ``widget`` ("" when they may)."""
        needs, _tip = self._needs.get(widget, ((), ""))
        missing = next((need for need in needs if not context_may(self._context, need)), None)
        return "" if missing is None else refusal(missing)

    def enable(self, widget: QWidget, wanted: bool = True) -> None:
        """Enable ``widget`` if ``wanted`` (not busy, say) and permitted; a refused one
        shows why as its tooltip. Tab passes over it either way, as over any disabled
        control."""
        why = self.refused(widget)
        widget.setEnabled(wanted and not why)
        if widget in self._needs:
            widget.setToolTip(why or self._needs[widget][1])
            widget.setAccessibleDescription(why)  # what a screen reader says of it


class _GrowingTextBox(QPlainTextEdit):
    """A text box of ``least`` lines that grows to ``most`` where the window has the
    height: a short window keeps the fields below it on screen, a tall one shows more text
    (never so much that the fields below leave the top half). Tab moves on, as in every
    other field."""

    def __init__(self, least: int, most: int) -> None:
        super().__init__()
        spacing = self.fontMetrics().lineSpacing()
        self.setMinimumHeight(spacing * least + 14)
        self.setMaximumHeight(spacing * most + 14)
        self.setTabChangesFocus(True)

    def sizeHint(self) -> QSize:
        """The least: the height a layout gives beyond that is what the window can spare."""
        return QSize(super().sizeHint().width(), self.minimumHeight())


def _combo_id(combo: QComboBox) -> uuid.UUID | None:
    data = combo.currentData()
    return uuid.UUID(data) if data else None


def _fill(combo: QComboBox, none_label: str, choices: list[Choice]) -> None:
    """Replace the items; ids are stored as text because QVariant cannot compare UUIDs."""
    combo.clear()
    if none_label:
        combo.addItem(none_label, "")
    for choice in choices:
        combo.addItem(choice.label, str(choice.id))


def _select(combo: QComboBox, data: Any, label: str = "") -> None:
    """Select the item holding ``data``, adding it when the list no longer offers it
    (an inactive assignee, an asset someone else owns) so the value survives a save."""
    key = str(data) if isinstance(data, uuid.UUID) else ("" if data is None else data)
    index = combo.findData(key)
    if index < 0:
        combo.addItem(label or str(data), key)
        index = combo.count() - 1
    combo.setCurrentIndex(index)


class TicketForm(QWidget):
    """Caller, asset, summary, description, classification and assignment of one ticket."""

    edited = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._permits = Permits(context)
        self._matrix: list[list[Priority]] = []
        self._caller_id: uuid.UUID | None = None
        self._caller_name = ""
        self._caller_requests = StaleGuard()  # lookups and loads of the caller
        self._labels: dict[str, QLabel] = {}
        self._errors: dict[str, QLabel] = {}
        self._cells: dict[str, QWidget] = {}
        self._inputs: dict[str, QWidget] = {}
        self._new = False
        self._site_id: uuid.UUID | None = None  # the shown ticket's site (not a new one's)
        self._ticket_id: uuid.UUID | None = None  # the shown ticket (None: a new one)
        self._open = True  # the shown ticket is open (a new one is): worth assigning
        self._caller_has_no_site = False  # known once the chosen caller is loaded
        self._showing = False  # filling the fields from a ticket is not the user editing
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(10)
        self._grid.setVerticalSpacing(6)
        self._grid.setColumnStretch(1, 1)
        self._grid.setColumnStretch(3, 1)
        # No taller than its fields can use: height beyond that stays below the form.
        self._grid.setSizeConstraint(QGridLayout.SizeConstraint.SetMinAndMaxSize)
        self._build_fields()
        self._build_caller_picker()
        self._connect_edits()
        self._baseline = self.values()  # nothing to save before anything is shown

    # ------------------------------------------------------------------ building

    def _add(
        self,
        key: str,
        text: str,
        field: QWidget,
        place: tuple[int, int, int],
        content: QWidget | None = None,
    ) -> None:
        """One labelled field with its error line underneath. ``key`` is the name the
        service uses in ValidationError.problems; ``place`` is (row, column, columns
        spanned) on a two-column grid; ``content`` wraps ``field`` when it has company."""
        row, col, span = place
        label = QLabel(text)
        label.setBuddy(field)
        top = isinstance(field, QPlainTextEdit)
        label.setAlignment(
            Qt.AlignmentFlag.AlignRight
            | (Qt.AlignmentFlag.AlignTop if top else Qt.AlignmentFlag.AlignVCenter)
        )
        if top:
            label.setContentsMargins(0, 4, 0, 0)
        # One line high, whatever the row: only the text boxes take height the window offers.
        label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        field.setAccessibleName(text.replace("&", ""))
        cell = content or field
        # Each field row is followed by its error row, which takes no room while hidden.
        self._errors[key] = error_label()
        self._grid.addWidget(label, row * 2, col * 2)
        if top:
            self._grid.setAlignment(label, Qt.AlignmentFlag.AlignTop)
        self._grid.addWidget(cell, row * 2, col * 2 + 1, 1, span * 2 - 1)
        self._grid.addWidget(self._errors[key], row * 2 + 1, col * 2 + 1, 1, span * 2 - 1)
        self._labels[key] = label
        self._cells[key] = cell
        self._inputs[key] = field

    def _build_fields(self) -> None:
        self.caller_edit = named(QLineEdit(), "callerEdit")
        self.caller_edit.setPlaceholderText("Type a name or e-mail…")
        self.asset_combo = named(QComboBox(), "assetCombo")
        self.summary_edit = named(QLineEdit(), "summaryEdit")
        self.summary_edit.setPlaceholderText("What is wrong, in a few words")
        # Room for a few paragraphs, and more where the window has the height for them.
        self.description_edit = named(_GrowingTextBox(6, 20), "descriptionEdit")
        self.description_edit.setPlaceholderText("Details, error messages, what was tried")
        self.category_combo = named(QComboBox(), "categoryCombo")
        self.channel_combo = named(QComboBox(), "channelCombo")
        for channel in Channel:
            self.channel_combo.addItem(channel.label, int(channel))
        self.impact_combo = named(QComboBox(), "impactCombo")
        self.urgency_combo = named(QComboBox(), "urgencyCombo")
        self.priority_label = named(QLabel("—"), "priorityLabel")
        self.priority_label.setAccessibleName("Priority")
        self.priority_label.setToolTip("Priority from impact and urgency")
        urgency_row = QWidget()
        urgency_row.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        urgency_box = QHBoxLayout(urgency_row)
        urgency_box.setContentsMargins(0, 0, 0, 0)
        urgency_box.addWidget(self.urgency_combo, 1)
        urgency_box.addWidget(QLabel("→"))
        urgency_box.addWidget(self.priority_label)
        self.assignee_combo = named(QComboBox(), "assigneeCombo")
        self.team_combo = named(QComboBox(), "teamCombo")
        self.site_combo = named(QComboBox(), "siteCombo")
        self.suggestions = AssigneeSuggestions(self._context, self.team_combo, self)
        self.suggestions.chosen.connect(self._suggestion_chosen)
        # Offered under the summary, where the operator is typing when they appear.
        self.known_errors = KnownErrorPanel(self._context.engine, self)
        self.fcr_check = named(QCheckBox("Resolved &on the call"), "fcrCheck")
        self.fcr_check.setAccessibleName("Resolved on the call")
        self.resolution_edit = text_box("resolutionEdit", "How was it solved?", lines=3)

        self._add("caller", "Ca&ller", self.caller_edit, (0, 0, 1))
        self._add("asset", "Asset", self.asset_combo, (0, 1, 1))
        self._add("summary", "S&ummary", self.summary_edit, (1, 0, 2))
        self._add_beside_caption(self.known_errors, self.known_errors.caption, 2)
        self._add("description", "&Description", self.description_edit, (3, 0, 2))
        self._add("category", "Categor&y", self.category_combo, (4, 0, 1))
        self._add("channel", "Channel", self.channel_combo, (4, 1, 1))
        self._add("impact", "&Impact", self.impact_combo, (5, 0, 1))
        self._add("urgency", "U&rgency", self.urgency_combo, (5, 1, 1), urgency_row)
        self._add("assignee", "Assi&gnee", self.assignee_combo, (6, 0, 1))
        self._add("team", "Tea&m", self.team_combo, (6, 1, 1))
        self._add_beside_caption(self.suggestions, self.suggestions.caption, 7)
        self._add("site", "Sit&e", self.site_combo, (8, 0, 1))
        self._grid.addWidget(self.fcr_check, 8 * 2, 3)
        self._add("resolution", "Resolution", self.resolution_edit, (9, 0, 2))
        # Tab goes from the summary to the known errors it brought up, then on.
        QWidget.setTabOrder(self.summary_edit, self.known_errors.list)
        QWidget.setTabOrder(self.known_errors.list, self.known_errors.use_button)
        for combo in self._combos():
            # Sized for a short entry, not the longest one: the form fits a 1024 px window
            # beside the timeline, and an open list still shows every entry whole.
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(COMBO_CHARS)

    def _add_beside_caption(self, widget: QWidget, caption: QLabel, row: int) -> None:
        """A row of the form's own making (not a field), the width of the fields, with its
        caption level with its first line."""
        caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self._grid.addWidget(caption, row * 2, 0)
        self._grid.addWidget(widget, row * 2, 1, 1, 3)
        # The captions' column keeps its width while the row is hidden: the fields stay put.
        self._grid.setColumnMinimumWidth(
            0, max(self._grid.columnMinimumWidth(0), caption.sizeHint().width())
        )

    def _build_caller_picker(self) -> None:
        """Type-ahead over callers: debounced, looked up off-thread, stale answers dropped."""
        self._caller_model = QStandardItemModel(self)
        self._completer = QCompleter(self._caller_model, self)
        self._completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self._completer.setWidget(self.caller_edit)
        popup = self._completer.popup()
        assert popup is not None  # QCompleter always makes one
        popup.setObjectName("callerPopup")
        self._popup: QAbstractItemView = popup
        self._completer.activated[QModelIndex].connect(self._caller_picked)  # type: ignore[index]
        self._caller_timer = QTimer(self)
        self._caller_timer.setSingleShot(True)
        self._caller_timer.setInterval(CALLER_DEBOUNCE_MS)
        self._caller_timer.timeout.connect(self._look_up_callers)
        self.caller_edit.textEdited.connect(self._caller_typed)

    def _connect_edits(self) -> None:
        for line in (self.caller_edit, self.summary_edit):
            line.textChanged.connect(self._changed)
        for text in (self.description_edit, self.resolution_edit):
            text.textChanged.connect(self._changed)
        for combo in self._combos():
            combo.currentIndexChanged.connect(self._changed)
        self.fcr_check.toggled.connect(self._changed)
        self.impact_combo.currentIndexChanged.connect(self._update_priority)
        self.urgency_combo.currentIndexChanged.connect(self._update_priority)
        self.channel_combo.currentIndexChanged.connect(self._update_fcr)
        self.fcr_check.toggled.connect(self._update_fcr)
        self.category_combo.currentIndexChanged.connect(self._suggest)
        self.site_combo.currentIndexChanged.connect(self._suggest)
        self.summary_edit.textChanged.connect(self._match_known_errors)
        self.category_combo.currentIndexChanged.connect(self._match_known_errors)
        self.asset_combo.currentIndexChanged.connect(self._match_known_errors)

    def _combos(self) -> tuple[QComboBox, ...]:
        return (
            self.asset_combo,
            self.category_combo,
            self.channel_combo,
            self.impact_combo,
            self.urgency_combo,
            self.assignee_combo,
            self.team_combo,
            self.site_combo,
        )

    def _changed(self) -> None:
        """A field changed: the user's edit, unless it is a ticket being put in the form."""
        if not self._showing:
            self.edited.emit()

    # ------------------------------------------------------------------ showing

    def set_choices(self, choices: TicketChoices) -> None:
        """Fill the pick lists; called once, before the first ticket is shown."""
        self._matrix, lists = choices.matrix, choices.lists
        size = len(choices.matrix)
        for combo, labels in (
            (self.impact_combo, IMPACT_LABELS[size]),
            (self.urgency_combo, URGENCY_LABELS[size]),
        ):
            combo.clear()
            for level, text in enumerate(labels, start=1):
                combo.addItem(f"{level} · {text}", level)
        _fill(self.category_combo, "(none)", lists.categories)
        _fill(self.assignee_combo, "(unassigned)", lists.staff)
        _fill(self.team_combo, "(no team)", lists.teams)
        _fill(
            self.site_combo,
            "(the caller's site)",
            [Choice(s.id, f"{s.label} · {s.detail}") for s in lists.sites],
        )

    def show_ticket(self, detail: TicketDetail) -> None:
        self._showing = True
        if detail.id != self._ticket_id:
            self.known_errors.forget()  # the last ticket's; this one's own stay as it is saved
        self._ticket_id = detail.id
        self._site_id, self._open = detail.site_id, detail.status.is_open
        self._set_new(False)
        self._set_caller(detail.caller_id, detail.caller_name)
        self._fill_assets([], detail.asset_id, detail.asset_tag)
        self.summary_edit.setText(detail.summary)
        self.summary_edit.setCursorPosition(0)  # a long summary shows its beginning
        self.description_edit.setPlainText(detail.description)
        _select(self.category_combo, detail.category_id, detail.category_name)
        _select(self.channel_combo, int(detail.channel))
        _select(self.impact_combo, detail.impact)
        _select(self.urgency_combo, detail.urgency)
        _select(self.assignee_combo, detail.assignee_id, detail.assignee_name)
        _select(self.team_combo, detail.team_id, detail.team_name)
        self._finish_showing()
        if detail.caller_id is not None:
            self._load_caller(detail.caller_id, new_site=False)

    def show_blank(self, prefill: TicketPrefill | None = None) -> None:
        """A new ticket: empty, or started from a call with ``prefill``."""
        self._showing = True
        self.known_errors.forget()
        self._ticket_id, self._site_id, self._open = None, None, True
        self._set_new(True)
        blank = FormValues()
        self._set_caller(None, "")
        self._fill_assets([], None, "")
        self.summary_edit.clear()
        self.description_edit.clear()
        self.resolution_edit.clear()
        self.fcr_check.setChecked(False)
        for combo, data in (
            (self.category_combo, None),
            (self.channel_combo, int(blank.channel)),
            (self.impact_combo, blank.impact),
            (self.urgency_combo, blank.urgency),
            (self.assignee_combo, None),
            (self.team_combo, None),
            (self.site_combo, None),
        ):
            _select(combo, data)
        if prefill is not None:
            self._set_caller(prefill.caller_id, prefill.caller_name)
            self._fill_assets([], prefill.asset_id, prefill.asset_label)
            _select(self.site_combo, prefill.site_id)
            _select(self.channel_combo, int(Channel.PHONE))
            self.fcr_check.setChecked(prefill.resolved_on_call)
        self._finish_showing()
        if prefill is not None:
            self._load_caller(prefill.caller_id, new_site=False)
            # The card that sent it knew the caller's site: a save before their assets are
            # loaded must already ask for a site they do not have.
            self._caller_has_no_site = prefill.caller_id is not None and prefill.site_id is None

    def _set_new(self, new: bool) -> None:
        """Site and "resolved on the call" only apply while logging a new ticket."""
        self._new = new
        self._labels["site"].setVisible(new)
        self._cells["site"].setVisible(new)
        self.fcr_check.setVisible(new)
        self._require_permissions(new)

    def _require_permissions(self, new: bool) -> None:
        """Each field needs what the service checks when it is saved: creating or editing
        the ticket, plus assigning for the assignee and team and resolving for "resolved
        on the call" (:func:`app.tickets.actions.create_ticket`, ``update_ticket``)."""
        writing = Action.CREATE_TICKET if new else Action.EDIT_TICKET
        extra = {
            "assignee": Action.ASSIGN_TICKET,
            "team": Action.ASSIGN_TICKET,
            "resolution": Action.RESOLVE_TICKET,
        }
        for key, field in self._inputs.items():
            self._permits.require(field, (writing, extra[key]) if key in extra else (writing,))
            self._permits.enable(field)
        self._permits.require(self.fcr_check, (writing, Action.RESOLVE_TICKET))

    def _finish_showing(self) -> None:
        """The fields hold the ticket now: that is what edits are counted from, and
        :attr:`edited` reports the user's changes again."""
        self.show_problems({})
        self._update_priority()
        self._update_fcr()
        self._baseline = self.values()
        self._showing = False
        self._suggest()
        self._match_known_errors()

    # ------------------------------------------------------------------ caller picker

    def _set_caller(self, caller_id: uuid.UUID | None, name: str) -> None:
        self._caller_id, self._caller_name = caller_id, name
        self._caller_requests.drop_pending()  # an answer still on its way is for older text
        self._caller_timer.stop()
        self.caller_edit.setText(name)

    def _caller_typed(self, text: str) -> None:
        if text != self._caller_name:
            self._caller_id = None
        self._caller_timer.start()

    def _look_up_callers(self) -> None:
        """The call desk's ranked lookup: a name, number, e-mail, asset tag or ticket."""
        text, engine = self.caller_edit.text(), self._context.engine
        run_task(
            lambda: lookup(engine, text, CALLER_PICKS),
            self._callers_found,
            parent=self,
            guard=self._caller_requests,
        )

    def _callers_found(self, hits: list[CallerHit]) -> None:
        self._caller_model.clear()
        for hit in hits:
            found = hit.email if hit.matched == "name" else f"{hit.matched}: {hit.detail}"
            shown = "  ·  ".join(part for part in (hit.name, found, hit.site_code) if part)
            item = QStandardItem(shown)
            item.setData(hit, _HIT_ROLE)
            item.setEditable(False)
            self._caller_model.appendRow(item)
        if hits and self.caller_edit.hasFocus():
            self._completer.complete()
        else:
            self._popup.hide()

    def _caller_picked(self, index: QModelIndex) -> None:
        hit: CallerHit = index.data(_HIT_ROLE)
        self._set_caller(hit.id, hit.name)
        self._fill_assets([], None, "")
        self._load_caller(hit.id, new_site=True)

    def _load_caller(self, caller_id: uuid.UUID, new_site: bool) -> None:
        """Fetch the caller's assets (and, for a new ticket, their site) in a worker."""
        self._caller_has_no_site = False  # not known until they are loaded
        engine = self._context.engine
        run_task(
            lambda: pick_lists.caller_site_and_assets(engine, caller_id),
            lambda found: self._caller_loaded(new_site, *found),
            parent=self,
            guard=self._caller_requests,
        )

    def _caller_loaded(
        self, new_site: bool, site_id: uuid.UUID | None, assets: list[Choice]
    ) -> None:
        self._fill_assets(assets, _combo_id(self.asset_combo), self.asset_combo.currentText())
        self._caller_has_no_site = site_id is None
        if new_site and site_id is not None and self._new:
            _select(self.site_combo, site_id)

    def _fill_assets(self, assets: list[Choice], keep: uuid.UUID | None, keep_label: str) -> None:
        self.asset_combo.blockSignals(True)
        _fill(self.asset_combo, "(none)", [Choice(a.id, f"{a.label} · {a.detail}") for a in assets])
        _select(self.asset_combo, keep, keep_label)
        self.asset_combo.blockSignals(False)

    # ------------------------------------------------------------------ live feedback

    def _update_priority(self) -> None:
        impact, urgency = self.impact_combo.currentData(), self.urgency_combo.currentData()
        if not self._matrix or impact is None or urgency is None:
            return
        priority = priority_for(self._matrix, impact, urgency)
        self.priority_label.setText(priority.label)
        self.priority_label.setStyleSheet(priority_chip_style(priority))

    def _suggest(self) -> None:
        """Ask again who should take the ticket: its category or site changed, or another
        ticket is shown. Only for an open ticket, and for people who may assign it."""
        if self._showing:
            return  # asked once the whole ticket is in the fields
        if self._open and not self._permits.refused(self.assignee_combo):
            site = _combo_id(self.site_combo) if self._new else self._site_id
            self.suggestions.ask(_combo_id(self.category_combo), site)
        else:
            self.suggestions.forget()

    def _match_known_errors(self) -> None:
        """Look again for known errors matching the summary, category and asset; only for
        an open ticket (a workaround helps nobody on a resolved one)."""
        if self._showing:
            return  # asked once the whole ticket is in the fields
        if self._open:
            category, asset = _combo_id(self.category_combo), _combo_id(self.asset_combo)
            self.known_errors.look_up(self.summary_edit.text(), category, asset)
        else:
            self.known_errors.forget()

    def _suggestion_chosen(self, staff_id: uuid.UUID, name: str) -> None:
        """A suggested person becomes the assignee (saving assigns them)."""
        _select(self.assignee_combo, staff_id, name)

    def _update_fcr(self) -> None:
        """Only phone and walk-in contacts can be resolved on the call."""
        allowed = Channel(self.channel_combo.currentData()) in FIRST_CONTACT_CHANNELS
        self._permits.enable(self.fcr_check, allowed)
        if not allowed:
            self.fcr_check.setChecked(False)
        checked = self._new and self.fcr_check.isChecked()
        self._labels["resolution"].setVisible(checked)
        self._cells["resolution"].setVisible(checked)

    # ------------------------------------------------------------------ reading

    def values(self) -> FormValues:
        return FormValues(
            caller_text=self.caller_edit.text().strip(),
            caller_id=self._caller_id,
            asset_id=_combo_id(self.asset_combo),
            summary=self.summary_edit.text(),
            description=self.description_edit.toPlainText(),
            category_id=_combo_id(self.category_combo),
            channel=Channel(self.channel_combo.currentData()),
            impact=self.impact_combo.currentData() or 0,
            urgency=self.urgency_combo.currentData() or 0,
            assignee_id=_combo_id(self.assignee_combo),
            team_id=_combo_id(self.team_combo),
            site_id=_combo_id(self.site_combo),
            resolved_on_first_contact=self.fcr_check.isChecked(),
            resolution_note=self.resolution_edit.toPlainText(),
        )

    def is_dirty(self) -> bool:
        return self.values() != self._baseline

    def changes(self) -> dict[str, Any]:
        """The edited fields, as update_ticket takes them."""
        now, then = self.values(), self._baseline
        return {
            name: getattr(now, name)
            for name in sorted(EDITABLE_FIELDS)
            if getattr(now, name) != getattr(then, name)
        }

    def draft(self) -> TicketDraft:
        values = self.values()
        return TicketDraft(**{f.name: getattr(values, f.name) for f in fields(TicketDraft)})

    def check(self) -> dict[str, str]:
        """Problems found without asking the database, in the service's wording style."""
        values, problems = self.values(), {}
        if not values.summary.strip():
            problems["summary"] = "Write a short summary of the problem."
        if values.caller_text and values.caller_id is None:
            problems["caller"] = "Pick the caller from the list, or leave the field empty."
        if values.resolved_on_first_contact and not values.resolution_note.strip():
            problems["resolution"] = "Say how the problem was solved."
        # A new ticket without a site takes the caller's: said now, with the rest, when
        # there is no caller or the caller has none.
        no_site_to_take = values.caller_id is None or self._caller_has_no_site
        if self._new and values.site_id is None and no_site_to_take:
            problems["site"] = "Choose the site the ticket belongs to."
        return problems

    def shown_value(self, name: str) -> str:
        """What the field ``name`` (update_ticket's name) shows now, in words."""
        return _shown_text(self._inputs[name.removesuffix("_id")])

    def show_problems(self, problems: Mapping[str, str]) -> dict[str, str]:
        """Show messages under their fields, focus the first one; return the others."""
        leftover = show_problems(self._errors, problems)
        first = next((key for key in self._errors if key in problems), None)
        if first is not None:
            self._inputs[first].setFocus()
        return leftover


def _shown_text(widget: QWidget) -> str:
    if isinstance(widget, QLineEdit):
        return f"“{widget.text()}”"
    if isinstance(widget, QPlainTextEdit):
        text = " ".join(widget.toPlainText().split())
        return f"“{text[:80]}{'…' if len(text) > 80 else ''}”"
    if isinstance(widget, QComboBox):
        return widget.currentText()
    return ""
