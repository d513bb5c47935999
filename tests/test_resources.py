"""Resource files and packaging metadata: present, found by resource_path, well-formed."""

from __future__ import annotations

import configparser
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from resources import resource_path

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
APP_ID = "io.switchboard.Switchboard"
SVG_NS = "{http://www.w3.org/2000/svg}"

ICONS = [
    "app",
    "queue",
    "new",
    "refresh",
    "filter",
    "ticket",
    "escalate",
    "note",
    "save",
    "back",
    "chevron-down",  # QComboBox arrow in style.qss
    "roster",
    "training",
    "problems",
    "vendors",
]


def test_stylesheet_is_found() -> None:
    path = resource_path("style.qss")
    assert path.is_absolute()
    assert path.is_file()
    assert "QTableView" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ICONS)
def test_icon_is_found(name: str) -> None:
    assert resource_path("icons", f"{name}.svg").is_file()


def test_stylesheet_images_exist() -> None:
    """Every url(icons:NAME) in the sheet names a file in resources/icons."""
    text = resource_path("style.qss").read_text(encoding="utf-8")
    names = re.findall(r"url\(icons:([\w-]+\.svg)\)", text)
    assert names
    for name in names:
        assert resource_path("icons", name).is_file(), name


def all_svgs() -> list[Path]:
    return sorted(resource_path("icons").glob("*.svg"))


def test_every_listed_icon_is_an_svg_in_the_folder() -> None:
    assert {p.stem for p in all_svgs()} >= set(ICONS)


@pytest.mark.parametrize("path", all_svgs(), ids=lambda p: p.name)
def test_svg_parses_with_view_box(path: Path) -> None:
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG_NS}svg"
    assert root.get("viewBox") == "0 0 24 24"


class CaseSensitiveParser(configparser.ConfigParser):
    """Desktop-entry keys are case-sensitive; ConfigParser lower-cases them by default."""

    def optionxform(self, optionstr: str) -> str:
        return optionstr


def read_desktop_entry() -> configparser.SectionProxy:
    parser = CaseSensitiveParser(interpolation=None)
    parser.read(PACKAGING / f"{APP_ID}.desktop", encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_has_required_keys() -> None:
    entry = read_desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Switchboard"
    assert entry["Exec"] == "switchboard"
    assert entry["Icon"] == APP_ID
    categories = entry["Categories"]
    assert categories.endswith(";")
    assert {"Office", "Network"} <= set(categories.split(";"))


def test_metainfo_parses_with_app_id() -> None:
    root = ET.parse(PACKAGING / f"{APP_ID}.metainfo.xml").getroot()
    assert root.tag == "component"
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("project_license") == "MIT"
    for tag in ("name", "summary", "description", "launchable"):
        assert root.find(tag) is not None, tag
    launchable = root.find("launchable")
    assert launchable is not None
    assert launchable.get("type") == "desktop-id"
    assert launchable.text == f"{APP_ID}.desktop"


def test_pyinstaller_spec_compiles_and_names_the_data_folders() -> None:
    spec = (PACKAGING / "switchboard.spec").read_text(encoding="utf-8")
    compile(spec, "switchboard.spec", "exec")
    for needed in ("__main__.py", '"resources"', '"models/migrations"', 'name="switchboard"'):
        assert needed in spec, needed
