"""Declare major incident… and Close major incident…: a manager's (or an admin's) two dialogs
for what every desk is told is down (app/maintenance/major_incidents.py).

Declaring asks what is down, where (a site, or every site), since when (now unless said,
on this workstation's clock) and a note; closing picks one of the open incidents. Both write
in the background and stay open with the problem shown if the write is refused. The desks'
banners show the change at their next read (within half a minute) or when shown.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import QComboBox, QDateTimeEdit, QLineEdit, QWidget

from app import pick_lists
from app.context import AppContext
from app.maintenance.major_incidents import OpenIncident, close, declare, open_incidents
from app.pick_lists import Choice
from models.clock import utcnow
from ui.kit.tasks import run_task
from ui.kit.widgets import named, text_box
from ui.kit.write_dialog import WriteDialog

EVERY_SITE = "Every site"


def _local(moment: datetime) -> QDateTime:
    return QDateTime.fromSecsSinceEpoch(int(moment.timestamp()))


class DeclareMajorIncidentDialog(WriteDialog):
    """What is down, where, since when (object name ``declareIncidentDialog``)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(
            context, "declareIncidentDialog", "Declare major incident", "&Declare", parent
        )
        self.title_edit = named(QLineEdit(), "incidentTitle")
        self.title_edit.setPlaceholderText("What is down, e.g. VPN down")
        self.title_edit.setMaxLength(200)
        self.site_combo = named(QComboBox(), "incidentSite")
        self.site_combo.addItem(EVERY_SITE, "")
        self.since_edit = named(QDateTimeEdit(_local(utcnow())), "incidentSince")
        self.since_edit.setDisplayFormat("ddd d MMM yyyy HH:mm")
        self.since_edit.setCalendarPopup(True)
        self.note_edit = text_box("incidentNote", "What callers are told, what is being done", 3)
        self.add_field("title", "&What is down:", self.title_edit)
        self.add_field("site", "W&here:", self.site_combo)
        self.add_field("started_at", "Down s&ince:", self.since_edit, "This computer's clock.")
        self.add_field("note", "N&ote:", self.note_edit)
        self.title_edit.setFocus()
        engine = context.engine
        run_task(lambda: pick_lists.sites(engine), self._sites_read, parent=self)

    def _sites_read(self, sites: list[Choice]) -> None:
        for site in sites:
            self.site_combo.addItem(f"{site.label} · {site.detail}".rstrip(" ·"), str(site.id))

    def check(self) -> dict[str, str]:
        if not self.title_edit.text().strip():
            return {"title": "Say what is down, e.g. “VPN down”."}
        return {}

    def work(self) -> Callable[[], object]:
        engine, me = self.context.engine, self.context.me
        title, note = self.title_edit.text(), self.note_edit.toPlainText()
        site = self.site_combo.currentData()
        site_id = uuid.UUID(site) if site else None
        since = datetime.fromtimestamp(self.since_edit.dateTime().toSecsSinceEpoch(), UTC)
        # Now, to the minute, is "now": a person who left the time alone means it.
        started_at = None if abs((utcnow() - since).total_seconds()) < 120 else since
        return lambda: declare(engine, me, title, site_id, started_at, note)

    def subject(self) -> uuid.UUID:
        assert isinstance(self.outcome, uuid.UUID)
        return self.outcome

    def summary(self) -> str:
        return f"Declared “{self.title_edit.text().strip()}”"


class CloseMajorIncidentDialog(WriteDialog):
    """Which open major incident is over (object name ``closeIncidentDialog``)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, "closeIncidentDialog", "Close major incident", "C&lose", parent)
        self.incident_combo = named(QComboBox(), "incidentChoice")
        self.incident_combo.setPlaceholderText("Reading the open incidents…")
        self.note_edit = text_box("closeNote", "What fixed it", 3)
        self.add_field("incident", "&Incident:", self.incident_combo)
        self.add_field("note", "N&ote:", self.note_edit)
        self.confirm.setEnabled(False)
        engine = context.engine
        run_task(lambda: open_incidents(engine), self._incidents_read, parent=self)

    def _incidents_read(self, incidents: list[OpenIncident]) -> None:
        for incident in incidents:
            self.incident_combo.addItem(incident.text, str(incident.id))
        if incidents:
            self.incident_combo.setCurrentIndex(0)
        else:
            self.incident_combo.setPlaceholderText("No major incident is open.")
        self.confirm.setEnabled(bool(incidents))

    def check(self) -> dict[str, str]:
        if not self.incident_combo.currentData():
            return {"incident": "Choose the incident that is over."}
        return {}

    def work(self) -> Callable[[], object]:
        engine, me = self.context.engine, self.context.me
        incident_id = uuid.UUID(self.incident_combo.currentData())
        note = self.note_edit.toPlainText()
        self._closed = incident_id
        return lambda: close(engine, me, incident_id, note)

    def subject(self) -> uuid.UUID:
        return self._closed

    def summary(self) -> str:
        return f"Closed “{self.incident_combo.currentText()}”"
