"""Files that ship with Switchboard: the stylesheet, icons, translations and demo data.

Code never builds paths to these from its own ``__file__`` or from the current directory: the
same program runs from a source checkout, from an installed wheel (files inside
``site-packages/resources``) and from a PyInstaller bundle, where the files are unpacked under
``sys._MEIPASS``. :func:`resource_path` hides the difference.
"""

from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["resource_path"]


def _resources_dir() -> Path:
    """The folder that holds the resource files in the running program."""
    bundle_dir = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle_dir is not None:
        # PyInstaller: packaging/switchboard.spec copies resources/ to <bundle>/resources.
        return Path(bundle_dir) / "resources"
    # Source tree or installed package: the files sit next to this module.
    return Path(__file__).resolve().parent


def resource_path(*parts: str) -> Path:
    """Absolute path of a file or folder under ``resources/``.

    ``resource_path("icons", "queue.svg")`` or ``resource_path("style.qss")``. The path is
    not checked: a caller that can live without the file tests ``.exists()`` itself.
    """
    return _resources_dir().joinpath(*parts)
