"""Start-up measurement for bench/run.py, off unless SWITCHBOARD_BENCH_EXIT_AFTER is set.

With ``paint`` the program reports the moment the main window was first painted; with
``loaded``, the moment the first page showed its first content (the queue's first rows).
The report is one JSON line on stdout (wall-clock time and resident memory), then the
program quits. Measuring the real entry point this way keeps the benchmark honest: imports,
migrations check, window and all.
"""

from __future__ import annotations

import json
import os
import resource
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

from ui.shell.main_window import MainWindow

ENV = "SWITCHBOARD_BENCH_EXIT_AFTER"


def resident_mb() -> float:
    """Current resident memory (Linux /proc), else the peak the OS reports."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _Probe(QObject):
    """Reports once, on the window's first paint or the queue's first loaded rows."""

    def __init__(self, app: QApplication, window: MainWindow, moment: str) -> None:
        super().__init__(window)
        self.app = app
        self.moment = moment
        self.reported = False

    def report(self) -> None:
        if self.reported:
            return
        self.reported = True
        record = {"event": self.moment, "at": time.time(), "rss_mb": round(resident_mb(), 1)}
        print(json.dumps(record), flush=True)
        QTimer.singleShot(0, self.app.quit)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.report()
        return False


def install(app: QApplication, window: MainWindow) -> None:
    """Arm the probe when the environment asks for it."""
    mode = os.environ.get(ENV, "")
    if mode not in ("paint", "loaded"):
        return
    probe = _Probe(app, window, mode)
    if mode == "paint":
        window.navigation.viewport().installEventFilter(probe)
        return

    def watch_first_page() -> None:
        page = window.current_page()
        assert page is not None, "attached: the first page is on screen"
        page.ready.connect(probe.report)

    window.attached.connect(watch_first_page)
