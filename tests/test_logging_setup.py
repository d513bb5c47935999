"""The program's logging: what it installs, it can take away again."""

from __future__ import annotations

import logging

from app.logging_setup import remove_logging, setup_logging


def test_removing_the_logging_takes_away_its_handlers() -> None:
    root = logging.getLogger()
    before = list(root.handlers)
    log_file = setup_logging(to_stderr=True)
    added = [h for h in root.handlers if h not in before]
    assert len(added) == (2 if log_file is not None else 1)
    assert any(type(h) is logging.StreamHandler for h in added)
    remove_logging()
    assert root.handlers == before


def test_setting_it_up_again_replaces_what_it_installed() -> None:
    root = logging.getLogger()
    before = set(root.handlers)
    setup_logging(to_stderr=True)
    first = set(root.handlers) - before
    setup_logging(to_stderr=True)
    second = set(root.handlers) - before
    assert len(second) == len(first) and not first & second
    remove_logging()
