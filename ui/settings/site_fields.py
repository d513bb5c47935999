"""The fields of one site: what it is (code, name, address, time zone, holiday country and
region, phone region) and when it is open (:class:`~ui.settings.site_dialogs.HoursGrid`).

The Sites page edits any site with them, and the set-up assistant the first one; both read
and write a :class:`app.org.sites.SiteDraft`, and each problem the service finds is shown under
its field.
"""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import (
    QCompleter,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.org.sites import MAX_CODE, SiteDraft
from ui.kit.widgets import MUTED, error_label, named, show_problems, text_box
from ui.settings.site_dialogs import HoursGrid

FIELDS = ("code", "name", "address", "timezone", "holidays", "phone_region")


class SiteFields(QWidget):
    """A site's form and its opening hours; :meth:`draft` is what they hold."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._build_form())
        hours = QGroupBox("Opening ho&urs", self)
        self.hours = HoursGrid(hours)
        self.errors["hours"] = error_label("hoursError")  # the week's: "open on one day"
        box = QVBoxLayout(hours)
        box.addWidget(self.hours)
        box.addWidget(self.errors["hours"])
        layout.addWidget(hours)

    def _build_form(self) -> QWidget:
        host = QWidget(self)
        form = QFormLayout(host)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.code_edit = named(QLineEdit(host), "siteCode", "Code")
        self.code_edit.setMaxLength(MAX_CODE)
        self.code_edit.setPlaceholderText("HQ")
        self.name_edit = named(QLineEdit(host), "siteName", "Name")
        self.name_edit.setPlaceholderText("Head office")
        self.address_edit = text_box("siteAddress", "Street, town, postcode", 2)
        self.address_edit.setAccessibleName("Address")
        self.timezone_edit = named(QLineEdit(host), "siteTimezone", "Time zone")
        self.timezone_edit.setPlaceholderText("Europe/London")
        self.timezone_edit.setCompleter(zone_completer(self.timezone_edit))
        self.country_edit = named(QLineEdit(host), "siteHolidayCountry", "Holiday country")
        self.country_edit.setPlaceholderText("GB")
        self.subdiv_edit = named(QLineEdit(host), "siteHolidayRegion", "Holiday region")
        self.subdiv_edit.setPlaceholderText("ENG (optional)")
        self.phone_edit = named(QLineEdit(host), "sitePhoneRegion", "Phone region")
        self.phone_edit.setPlaceholderText("GB")
        self.phone_edit.setMaxLength(2)
        self.errors = {key: error_label(f"{key}Error") for key in FIELDS}
        holidays = QHBoxLayout()
        holidays.addWidget(self.country_edit, 1)
        holidays.addWidget(QLabel("region", host))
        holidays.addWidget(self.subdiv_edit, 1)
        rows: tuple[tuple[str, str, QWidget | QHBoxLayout, str], ...] = (
            (
                "code",
                "C&ode:",
                self.code_edit,
                "The prefix of the site's ticket numbers; a new "
                "code leaves existing tickets as they are numbered.",
            ),
            ("name", "Na&me:", self.name_edit, ""),
            ("address", "A&ddress:", self.address_edit, ""),
            (
                "timezone",
                "Time &zone:",
                self.timezone_edit,
                "An IANA name: Europe/London, America/New_York…",
            ),
            (
                "holidays",
                "Hol&idays:",
                holidays,
                "The country (GB, US, DE…) and, where holidays "
                "differ by region, the region (ENG, SCT…).",
            ),
            (
                "phone_region",
                "&Phone region:",
                self.phone_edit,
                "For numbers typed without +, such as GB.",
            ),
        )
        for key, caption, field, hint in rows:
            column = QVBoxLayout()
            column.setSpacing(2)
            if isinstance(field, QHBoxLayout):
                column.addLayout(field)
                buddy: QWidget = self.country_edit
            else:
                column.addWidget(field)
                buddy = field
            if hint:
                note = QLabel(hint, host)
                note.setWordWrap(True)
                note.setStyleSheet(f"color: {MUTED};")
                column.addWidget(note)
            column.addWidget(self.errors[key])
            label = QLabel(caption, host)
            label.setBuddy(buddy)
            form.addRow(label, column)
        return host

    def set_draft(self, draft: SiteDraft) -> None:
        self.code_edit.setText(draft.code)
        self.name_edit.setText(draft.name)
        self.address_edit.setPlainText(draft.address)
        self.timezone_edit.setText(draft.timezone)
        self.country_edit.setText(draft.holiday_country or "")
        self.subdiv_edit.setText(draft.holiday_subdiv or "")
        self.phone_edit.setText(draft.phone_region or "")
        self.hours.set_hours(draft.hours)
        self.show_problems({})

    def draft(self) -> SiteDraft:
        """The fields as the service takes them."""
        return SiteDraft(
            code=self.code_edit.text(),
            name=self.name_edit.text(),
            timezone=self.timezone_edit.text(),
            hours=self.hours.hours(),
            holiday_country=self.country_edit.text() or None,
            holiday_subdiv=self.subdiv_edit.text() or None,
            address=self.address_edit.toPlainText(),
            phone_region=self.phone_edit.text() or None,
        )

    def set_editable(self, details: bool, hours: bool) -> None:
        """``details``: what the site is may be changed; ``hours``: when it is open."""
        for edit in (
            self.code_edit,
            self.name_edit,
            self.timezone_edit,
            self.country_edit,
            self.subdiv_edit,
            self.phone_edit,
        ):
            edit.setReadOnly(not details)
        self.address_edit.setReadOnly(not details)
        self.hours.set_editable(hours)

    def show_problems(self, problems: dict[str, str]) -> dict[str, str]:
        """Each problem under its field; returns those that belong to none."""
        return show_problems({**self.errors, **self.hours.error_labels()}, problems)

    def field_for(self, key: str) -> QWidget:
        """The field a problem's key names ("timezone", "hours.2"), to put the keyboard there."""
        day = key.removeprefix("hours.")
        if day.isdigit() and int(day) < len(self.hours.days):
            return self.hours.days[int(day)].times[0]
        fields: dict[str, QWidget] = {
            "code": self.code_edit,
            "name": self.name_edit,
            "address": self.address_edit,
            "timezone": self.timezone_edit,
            "holidays": self.country_edit,
            "phone_region": self.phone_edit,
        }
        return fields.get(key, self.code_edit)

    def focus_first(self) -> None:
        self.code_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.code_edit.selectAll()


def zone_completer(parent: QLineEdit) -> QCompleter:
    """Time zone names offered as the person types any part of one ("york"): for a site's
    zone here, and a support contract's (ui/vendors/contract_dialog.py)."""
    from zoneinfo import available_timezones

    completer = QCompleter(QStringListModel(sorted(available_timezones()), parent), parent)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    return completer
