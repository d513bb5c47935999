"""Screen pop: ``switchboard call NUMBER`` reaches the Switchboard running for this user, which
comes to the front and takes the call; with none running, Switchboard starts with the call.

Every test uses a channel name of its own (``SWITCHBOARD_INSTANCE_NAME``), or a temporary
directory of its own for the channel's folder, so tests never reach, or collide with, a
Switchboard a developer has open, nor with each other.

The server answers from the event loop of the test's (GUI) thread, so a blocking client in the
same process runs in a QThread of its own (:class:`Client`): the Qt objects it makes belong to
that thread. No Qt object is made or used on a plain Python thread. The caller-id rules and
request lines themselves are tested in test_caller_id.py."""

from __future__ import annotations

import os
import socket as pysocket
import struct
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QThread, QTimer
from PySide6.QtNetwork import QLocalServer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from pytestqt.wait_signal import SignalBlocker

from app.calls.caller_id import MAX_NUMBER_LENGTH, SHOW_REQUEST, encode_call
from app.cli import main
from app.context import AppContext
from tests.conftest import QUIET
from ui.calls.requests import IncomingCall
from ui.shell import screen_pop as single_instance
from ui.shell.application import ScreenPop, bring_to_front, run_gui
from ui.shell.main_window import MainWindow
from ui.shell.screen_pop import (
    ENV_NAME,
    MAX_CLIENTS,
    InstanceServer,
    UnsafeChannel,
    send_to_running,
    server_name,
)

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_S = 60  # bounds every wait on another process; a pass takes a fraction of it
CLIENT_TIMEOUT_MS = 10_000  # bounds every wait on a client thread of this process
# Client threads that never ended, kept alive: destroying a running QThread ends the process.
_HUNG: list[QThread] = []


@pytest.fixture
def channel(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    """A channel name for this test only, as a socket path in its own folder.

    A client here waits up to TIMEOUT_S for an answer, not the program's 3 s: the window
    answering may have just opened, and on a loaded machine its event loop can be slower
    than that. A test of a window that does not answer passes its own short timeout."""
    name = str(tmp_path / "sb.sock")
    monkeypatch.setenv(ENV_NAME, name)
    monkeypatch.setattr(single_instance, "DEFAULT_TIMEOUT_MS", TIMEOUT_S * 1000)
    yield name
    QLocalServer.removeServer(name)


@pytest.fixture
def server(qtbot: QtBot, channel: str) -> Iterator[InstanceServer]:
    listening = InstanceServer()
    assert listening.listen()
    yield listening
    listening.close()


class Client(QThread):
    """One blocking client call (``send_to_running``, ``main([...])``, :func:`exchange`) in a
    thread of its own, while the test's thread runs the event loop the server answers from.

    Whatever Qt objects the call makes are made in :meth:`run`, so they belong to this
    thread. Made with :func:`start_client`, which waits for every client before the test
    ends."""

    def __init__(self, qtbot: QtBot, function: Callable[..., Any], *args: Any) -> None:
        super().__init__()
        self._call = function
        self._args = args
        self._result: Any = None
        self._error: BaseException | None = None
        # Listening before the thread starts, so the end cannot pass unseen.
        self._ended: SignalBlocker | None = qtbot.waitSignal(
            self.finished, timeout=CLIENT_TIMEOUT_MS
        )

    def run(self) -> None:
        try:
            self._result = self._call(*self._args)
        except BaseException as error:  # handed to the test's thread by result()
            self._error = error

    def result(self) -> Any:
        """What the call returned (or raised); the event loop runs until it has ended."""
        assert self._ended is not None, "the client was already joined"
        self._ended.wait()
        self.wait()  # run() has returned; this lets the thread itself wind up
        if self._error is not None:
            raise self._error
        return self._result

    def join(self) -> bool:
        """Block until the thread has ended, however the test went; False if it still runs
        after TIMEOUT_S. The wait on :attr:`finished` is let go here, on this thread."""
        if not self.wait(TIMEOUT_S * 1000):
            return False
        self._ended = None
        return True


@pytest.fixture
def start_client(qtbot: QtBot) -> Iterator[Callable[..., Client]]:
    """``start_client(function, *args)`` runs the call in a started :class:`Client`.

    Every client has ended before the test does, failed or not: the clients give up on
    their own (their socket timeouts), so a plain wait is bounded."""
    clients: list[Client] = []

    def start(function: Callable[..., Any], *args: Any) -> Client:
        client = Client(qtbot, function, *args)
        clients.append(client)
        client.start()
        return client

    yield start
    hung = [client for client in clients if not client.join()]
    _HUNG.extend(hung)
    assert not hung, f"{len(hung)} client thread(s) never ended"


def exchange(name: str, payload: bytes | list[bytes]) -> bytes:
    """Send raw bytes (in pieces, if a list) as any local client could; return the answer,
    all the server sent until it hung up.

    A plain socket, not a Qt one: this is what another program on the machine would do."""
    answer = b""
    with pysocket.socket(pysocket.AF_UNIX, pysocket.SOCK_STREAM) as client:
        client.settimeout(CLIENT_TIMEOUT_MS / 1000)
        client.connect(name)
        try:
            for piece in payload if isinstance(payload, list) else [payload]:
                client.sendall(piece)
        except BrokenPipeError:
            pass  # hung up on before all was sent: its answer is still there to read
        try:
            while chunk := client.recv(4096):
                answer += chunk
        except ConnectionResetError:
            pass  # hung up on with bytes unread; what it answered before that was read
    return answer


def call_gets_through(
    qtbot: QtBot, server: InstanceServer, start_client: Callable[..., Client], number: str
) -> None:
    """A real ``switchboard call NUMBER`` reaches ``server``, which takes the number."""
    with qtbot.waitSignal(server.callReceived, timeout=CLIENT_TIMEOUT_MS) as received:
        sent = start_client(send_to_running, number)
    assert received.args == [number]
    assert sent.result() is True


# -- the channel inside one process ------------------------------------------------------------


def test_a_number_sent_is_received_and_acknowledged(
    qtbot: QtBot, server: InstanceServer, start_client: Callable[..., Client]
) -> None:
    call_gets_through(qtbot, server, start_client, "+44 20 7946 0000")


def test_nobody_listening_means_not_delivered(channel: str) -> None:
    assert send_to_running("+44 20 7946 0000", timeout_ms=1000) is False


@pytest.mark.parametrize(
    "payload",
    [
        b"not json\n",
        b'["call", "123"]\n',
        b'{"call": 12345}\n',
        b'{"number": "123"}\n',
        b'{"call": "\\u0000\\u001b\\u200b  "}\n',
        b'{"call": "\xff\xfe"}\n',
        b"x" * 10_000,  # no line end in sight
        b"[" * 3000 + b"\n",  # parsed naively, deep enough to exhaust the recursion limit
        b'{"call": ' + b'{"a":' * 800 + b"\n",  # as deep, inside a request
        b'{"show": 1}\n',
    ],
    ids=[
        "text",
        "list",
        "not-a-string",
        "other-key",
        "only-controls",
        "bad-utf8",
        "endless",
        "deep",
        "deep-inside",
        "show-not-true",
    ],
)
def test_malformed_messages_are_refused_and_the_server_keeps_working(
    qtbot: QtBot,
    server: InstanceServer,
    start_client: Callable[..., Client],
    payload: bytes,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with qtbot.assertNotEmitted(server.callReceived):
        answer = start_client(exchange, server.name, payload).result()
    assert answer == b"error\n"
    assert any("Screen pop" in record.message for record in caplog.records)
    call_gets_through(qtbot, server, start_client, "0161 496 0000")


def test_a_message_split_over_several_writes_is_put_together(
    qtbot: QtBot, server: InstanceServer, start_client: Callable[..., Client]
) -> None:
    with qtbot.waitSignal(server.callReceived, timeout=CLIENT_TIMEOUT_MS) as received:
        answer = start_client(
            exchange, server.name, [b'{"ca', b'll": "+1 202', b' 555 0100"}', b"\n"]
        )
    assert received.args == ["+1 202 555 0100"]
    assert answer.result() == b"ok\n"


@pytest.mark.parametrize(
    "payload",
    [SHOW_REQUEST, b'{"show":true}\n', b'\t{ "show" :true }\r\n'],
    ids=["as-sent", "no-spaces", "other-spacing"],
)
def test_a_show_request_is_read_as_json_not_compared_byte_for_byte(
    qtbot: QtBot, server: InstanceServer, start_client: Callable[..., Client], payload: bytes
) -> None:
    with qtbot.waitSignal(server.showRequested, timeout=CLIENT_TIMEOUT_MS):
        answer = start_client(exchange, server.name, payload)
    assert answer.result() == b"ok\n"


def test_control_characters_are_stripped_and_long_input_is_cut(
    qtbot: QtBot, server: InstanceServer, start_client: Callable[..., Client]
) -> None:
    sneaky = "+44\x1b[2J 20\u202e 7946\n0000\u200b" + "9" * 500
    with qtbot.waitSignal(server.callReceived, timeout=CLIENT_TIMEOUT_MS) as received:
        answer = start_client(exchange, server.name, encode_call(sneaky))
    assert answer.result() == b"ok\n"
    number = received.args[0]
    assert number.startswith("+44 [2J 20 7946 0000")
    assert len(number) == MAX_NUMBER_LENGTH
    assert all(char.isprintable() for char in number)


def test_brackets_and_quotes_inside_the_number_are_not_nesting(
    qtbot: QtBot, server: InstanceServer, start_client: Callable[..., Client]
) -> None:
    number = '"[{\\' * 100  # each one escaped in JSON, none of them opens anything
    with qtbot.waitSignal(server.callReceived, timeout=CLIENT_TIMEOUT_MS) as received:
        answer = start_client(exchange, server.name, encode_call(number))
    assert answer.result() == b"ok\n"
    assert received.args == [number[:MAX_NUMBER_LENGTH]]


def open_idle(name: str, count: int) -> list[pysocket.socket]:
    """``count`` connections to ``name`` that never send anything, as a stuck or hostile
    program would hold them."""
    idle: list[pysocket.socket] = []
    # Blocking, so connect waits while the server's backlog is full (a Python timeout would
    # make it fail at once instead); the kernel's send timeout bounds that wait.
    bound = struct.pack("ll", CLIENT_TIMEOUT_MS // 1000, 0)
    try:
        for _ in range(count):
            idle.append(pysocket.socket(pysocket.AF_UNIX, pysocket.SOCK_STREAM))
            idle[-1].setsockopt(pysocket.SOL_SOCKET, pysocket.SO_SNDTIMEO, bound)
            idle[-1].connect(name)
    except BaseException:
        close_all(idle)
        raise
    return idle


def close_all(connections: list[pysocket.socket]) -> None:
    for connection in connections:
        connection.close()


def hung_up(connection: pysocket.socket) -> bool:
    """Whether the server has closed ``connection`` (which never got an answer to read)."""
    connection.setblocking(False)
    try:
        return connection.recv(1) == b""
    except BlockingIOError:
        return False
    except ConnectionResetError:
        return True


def test_idle_connections_cannot_keep_a_call_out(
    qtbot: QtBot, server: InstanceServer, start_client: Callable[..., Client]
) -> None:
    idle = start_client(open_idle, server.name, 200).result()
    try:
        call_gets_through(qtbot, server, start_client, "0161 496 0000")
        # The call got in because the server keeps only a few connections waiting for their
        # line: each one over that made room by dropping the one waiting longest.
        assert sum(hung_up(connection) for connection in idle) >= len(idle) - MAX_CLIENTS
    finally:
        close_all(idle)


def test_a_line_that_came_while_the_window_was_busy_is_taken_not_timed_out(
    qtbot: QtBot, server: InstanceServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The client has connected and sent its line before the event loop runs again (as when
    # the window was busy): the idle time is over as the server first looks.
    monkeypatch.setattr(single_instance, "IDLE_CLIENT_MS", 0)
    assert server.name is not None
    with pysocket.socket(pysocket.AF_UNIX, pysocket.SOCK_STREAM) as client:
        client.settimeout(CLIENT_TIMEOUT_MS / 1000)
        with qtbot.waitSignal(server.callReceived, timeout=CLIENT_TIMEOUT_MS) as received:
            client.connect(server.name)
            client.sendall(encode_call("123"))
        assert received.args == ["123"]
        assert client.recv(16) == b"ok\n"


def test_a_connection_from_another_user_is_dropped_unanswered(
    qtbot: QtBot,
    channel: str,
    start_client: Callable[..., Client],
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Nobody else can be made to connect in a test: the server is told to expect someone else.
    server = InstanceServer(peer_uid=os.getuid() + 1)
    assert server.listen()
    try:
        with qtbot.assertNotEmitted(server.callReceived):
            assert start_client(exchange, channel, encode_call("123")).result() == b""
            assert start_client(send_to_running, "123").result() is False
        # The kernel did tell who connected: this user, not the one the server expects.
        assert f"another user (user id {os.getuid()})" in caplog.text
    finally:
        server.close()


def test_the_command_does_not_hand_a_number_to_a_server_of_another_user(
    qtbot: QtBot,
    server: InstanceServer,
    start_client: Callable[..., Client],
    caplog: pytest.LogCaptureFixture,
) -> None:
    with qtbot.assertNotEmitted(server.callReceived):
        sent = start_client(partial(send_to_running, "123", peer_uid=os.getuid() + 1))
        assert sent.result() is False
    assert f"another user (user id {os.getuid()})" in caplog.text


def test_a_stale_socket_left_by_a_crash_is_replaced(
    qtbot: QtBot, channel: str, start_client: Callable[..., Client]
) -> None:
    # A crashed server leaves its socket file behind, with nobody listening on it.
    leftover = pysocket.socket(pysocket.AF_UNIX, pysocket.SOCK_STREAM)
    leftover.bind(channel)
    leftover.close()
    assert Path(channel).exists()
    assert send_to_running("123", timeout_ms=1000) is False

    server = InstanceServer()
    assert server.listen()
    try:
        call_gets_through(qtbot, server, start_client, "123")
    finally:
        server.close()


def test_a_second_server_leaves_the_live_one_alone(
    qtbot: QtBot, server: InstanceServer, start_client: Callable[..., Client]
) -> None:
    second = InstanceServer()
    assert not second.listen()
    call_gets_through(qtbot, server, start_client, "456")


# -- where the channel lives ------------------------------------------------------------------
@pytest.fixture
def fallback(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """No XDG_RUNTIME_DIR and no channel name of the test's own: the channel is in a folder of
    this user's in the temporary directory, here ``tmp_path``. The folder is yielded."""
    monkeypatch.delenv(ENV_NAME, raising=False)
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    folder = tmp_path / f"switchboard-{os.getuid()}"
    yield folder
    QLocalServer.removeServer(str(folder / "switchboard.sock"))


def test_without_a_runtime_directory_the_channel_is_in_a_private_folder_made_for_it(
    qtbot: QtBot, fallback: Path, start_client: Callable[..., Client]
) -> None:
    name = server_name()
    assert name == str(fallback / "switchboard.sock")
    assert server_name() == name  # the command finds the window where it listens
    assert fallback.is_dir() and fallback.stat().st_mode & 0o777 == 0o700
    assert len(name.encode()) < 100  # well inside the Unix socket path limit

    server = InstanceServer()
    assert server.listen()
    try:
        assert server.name == name
        call_gets_through(qtbot, server, start_client, "123")
    finally:
        server.close()


def test_a_channel_name_of_ones_own_is_a_socket_in_the_private_folder(
    fallback: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_NAME, "second")
    assert server_name() == str(fallback / "second")
    monkeypatch.setenv(ENV_NAME, "../elsewhere")
    with pytest.raises(UnsafeChannel, match="elsewhere"):
        server_name()


def _squat(folder: Path, how: str) -> None:
    """Prepare ``folder`` as a careless user, or another user who came first, might."""
    if how == "symlink":
        target = folder.with_name("target")
        target.mkdir(mode=0o700)
        folder.symlink_to(target)
    elif how == "file":
        folder.write_text("")
    else:
        folder.mkdir()
        folder.chmod({"group": 0o750, "world": 0o777, "sticky-world": 0o1777}[how])


@pytest.mark.parametrize("how", ["group", "world", "sticky-world", "symlink", "file"])
def test_a_folder_others_can_reach_is_refused_and_switchboard_runs_without_screen_pop(
    qtbot: QtBot, fallback: Path, how: str, caplog: pytest.LogCaptureFixture
) -> None:
    _squat(fallback, how)
    with pytest.raises(UnsafeChannel, match=str(fallback)):
        server_name()
    server = InstanceServer()
    assert not server.listen()
    assert not server.isListening()
    assert f"Screen pop is off: {fallback}" in caplog.text
    # Nor does the command talk there: it starts a Switchboard of its own instead.
    assert send_to_running("123", timeout_ms=1000) is False
    assert fallback.is_file() or list(fallback.iterdir()) == []


def test_a_folder_of_another_user_is_refused(fallback: Path) -> None:
    # Nobody else can own a file in a test: this user claims to be someone else instead.
    fallback.mkdir(mode=0o700)
    with pytest.raises(UnsafeChannel, match="belongs to"):
        server_name(uid=os.getuid() + 1)


def test_the_runtime_directory_is_used_once_checked(
    fallback: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    assert server_name() == str(runtime / "switchboard.sock")
    assert not fallback.exists()
    with pytest.raises(UnsafeChannel, match="belongs to"):
        server_name(uid=os.getuid() + 1)
    runtime.chmod(0o755)
    with pytest.raises(UnsafeChannel, match="other users"):
        server_name()


def test_a_channel_path_of_ones_own_must_be_in_a_private_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    monkeypatch.setenv(ENV_NAME, str(shared / "sb.sock"))
    with pytest.raises(UnsafeChannel, match="other users"):
        server_name()
    shared.chmod(0o700)
    assert server_name() == str(shared / "sb.sock")


# -- the window taking calls -------------------------------------------------------------------
def calls_delivered(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The numbers the window hands to its call desk, recorded instead of taken."""
    taken: list[str] = []

    def deliver(key: str, request: object = None, *, ask: bool = True) -> None:
        assert key == "calls" and isinstance(request, IncomingCall) and not ask
        taken.append(request.number)

    monkeypatch.setattr(window, "deliver", deliver)
    return taken


def test_a_call_waits_until_the_database_is_attached(
    qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = MainWindow(page_options=QUIET)
    qtbot.addWidget(window)
    taken = calls_delivered(window, monkeypatch)
    screen_pop = ScreenPop(window)
    screen_pop.take("0161 496 0001")
    screen_pop.take("0161 496 0002")
    assert taken == []
    assert window.isVisible()
    with qtbot.waitSignal(window.attached):
        window.attach(context)
    assert taken == ["0161 496 0002"]  # the phone ringing now, not one that rang before
    screen_pop.take("0161 496 0003")
    assert taken == ["0161 496 0002", "0161 496 0003"]


def test_a_call_restores_a_minimised_window(
    qtbot: QtBot, context: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = MainWindow(context, page_options=QUIET)
    qtbot.addWidget(window)
    taken = calls_delivered(window, monkeypatch)
    screen_pop = ScreenPop(window, attached=True)
    window.showMinimized()
    qtbot.waitUntil(window.isMinimized)
    screen_pop.take("+44 20 7946 0000")
    assert not window.isMinimized() and window.isVisible()
    assert taken == ["+44 20 7946 0000"]


def _run_gui_until(
    app: QApplication, done: Callable[[], bool], opener: Callable[[], AppContext], number: str
) -> int:
    """run_gui ended from inside its event loop once ``done()``, or after TIMEOUT_S."""

    def check() -> None:
        if done():
            app.quit()

    watcher = QTimer(interval=10, timeout=check)
    watcher.start()
    QTimer.singleShot(TIMEOUT_S * 1000, app.quit)
    app.setQuitOnLastWindowClosed(False)
    before = app.styleSheet()
    try:
        return run_gui(opener, [], call_number=number)
    finally:
        watcher.stop()
        app.setQuitOnLastWindowClosed(True)
        app.setStyleSheet(before)


def test_run_gui_takes_its_starting_call_once_open_then_calls_sent_to_it(
    qtbot: QtBot,
    context: AppContext,
    channel: str,
    start_client: Callable[..., Client],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    taken: list[tuple[str, bool]] = []
    sent: list[Client] = []

    def deliver(window: MainWindow, key: str, request: object = None, **_how: Any) -> None:
        assert key == "calls" and isinstance(request, IncomingCall)
        taken.append((request.number, window.action("newTicket").isEnabled()))  # attached
        if not sent:  # the window is up and listening: the phone rings again
            sent.append(start_client(send_to_running, "+1 202 555 0100"))

    monkeypatch.setattr(MainWindow, "deliver", deliver)
    assert _run_gui_until(app, lambda: len(taken) == 2, lambda: context, "+44 20 7946 0000") == 0
    assert taken == [("+44 20 7946 0000", True), ("+1 202 555 0100", True)]
    assert sent[0].result() is True
    # Closed, the window no longer takes calls: the next one starts a new Switchboard.
    assert send_to_running("+1 202 555 0101", timeout_ms=1000) is False


# -- the command -----------------------------------------------------------------------------
def test_call_with_nobody_running_starts_the_gui_with_the_number(
    channel: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import app.startup

    started: list[dict[str, Any]] = []

    def start_gui(url: str, **options: Any) -> int:
        started.append({"url": url, **options})
        return 0

    monkeypatch.setattr(app.startup, "start_gui", start_gui)
    db = tmp_path / "desk.db"
    assert main(["--user", "ann", "call", " +44 20 7946 0000\n", "--db", str(db)]) == 0
    assert started == [
        {
            "url": f"sqlite:///{db}",
            "demo": False,
            "username": "ann",
            "call_number": "+44 20 7946 0000",
        }
    ]


@pytest.fixture
def no_second_gui(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if the command starts a Switchboard of its own."""
    import app.startup

    def start_gui(*args: Any, **kwargs: Any) -> int:
        raise AssertionError("a second Switchboard was started")

    monkeypatch.setattr(app.startup, "start_gui", start_gui)


@pytest.mark.usefixtures("no_second_gui")
def test_call_hands_over_to_a_running_instance_without_starting_another(
    qtbot: QtBot, server: InstanceServer, start_client: Callable[..., Client]
) -> None:
    with qtbot.waitSignal(server.callReceived, timeout=CLIENT_TIMEOUT_MS) as received:
        status = start_client(main, ["call", "0161 496 0000"])
    assert received.args == ["0161 496 0000"]
    assert status.result() == 0


@pytest.mark.usefixtures("no_second_gui")
def test_starting_switchboard_again_shows_the_running_window_instead(
    qtbot: QtBot, server: InstanceServer, start_client: Callable[..., Client]
) -> None:
    with qtbot.waitSignal(server.showRequested, timeout=CLIENT_TIMEOUT_MS):
        status = start_client(main, ["--user", "ann"])
    assert status.result() == 0


def test_starting_switchboard_with_nobody_running_opens_the_window(
    channel: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import app.startup

    started: list[str] = []
    monkeypatch.setattr(app.startup, "start_gui", lambda url, **_options: started.append(url) or 0)
    db = tmp_path / "desk.db"

    assert main(["--db", str(db)]) == 0
    assert started == [f"sqlite:///{db}"]


def test_a_show_request_brings_the_window_to_the_front(
    qtbot: QtBot, channel: str, start_client: Callable[..., Client], context: AppContext
) -> None:
    window = MainWindow(context, page_options=QUIET)
    qtbot.addWidget(window)
    window.showMinimized()
    server = InstanceServer(parent=window)
    assert server.listen()
    server.showRequested.connect(lambda: bring_to_front(window))

    assert start_client(single_instance.show_running).result() is True

    qtbot.waitUntil(lambda: not window.isMinimized())
    server.close()


@pytest.mark.parametrize("number", ["", "%callerid%", "9" * 200])
def test_call_refuses_an_absurd_number_with_status_2(
    channel: str, number: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["call", number]) == 2
    err = capsys.readouterr().err
    assert err.startswith("switchboard: ") and err[-1] == "\n" and err.count("\n") == 1


# -- two processes -----------------------------------------------------------------------------
SERVER = """
import sys
from PySide6.QtCore import QCoreApplication
from ui.shell.screen_pop import InstanceServer

app = QCoreApplication(sys.argv)
server = InstanceServer()
if not server.listen():
    print("cannot listen", flush=True)
    sys.exit(1)

def received(number):
    print("call:" + number, flush=True)
    app.quit()

server.callReceived.connect(received)
print("listening", flush=True)
sys.exit(app.exec())
"""


def _environment(tmp_path: Path, channel: str) -> dict[str, str]:
    """Offscreen Qt, this test's channel, and logs and data kept inside tmp_path."""
    env = dict(os.environ)
    env.update(
        {
            "QT_QPA_PLATFORM": "offscreen",
            ENV_NAME: channel,
            "XDG_STATE_HOME": str(tmp_path / "state"),
            "XDG_DATA_HOME": str(tmp_path / "data"),
            "SWITCHBOARD_DB": str(tmp_path / "never-opened.db"),
            "PYTHONIOENCODING": "utf-8",
        }
    )
    return env


def run_call(number: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``python -m app call NUMBER`` as a softphone runs it: its own process, output kept."""
    return subprocess.run(
        [sys.executable, "-m", "app", "call", number],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )


def test_screen_pop_between_two_processes(tmp_path: Path) -> None:
    channel = str(tmp_path / f"sb-{uuid.uuid4().hex[:8]}.sock")
    env = _environment(tmp_path, channel)
    listener = subprocess.Popen(
        [sys.executable, "-c", SERVER],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert listener.stdout is not None
        with ThreadPoolExecutor(max_workers=1) as reader:
            first = reader.submit(listener.stdout.readline).result(timeout=TIMEOUT_S)
        assert first == "listening\n", listener.stderr.read() if listener.stderr else first

        command = run_call("+44 20 7946 0000", env)
        assert command.returncode == 0, command.stderr
        assert command.stdout == ""

        out, err = listener.communicate(timeout=TIMEOUT_S)
        assert out == "call:+44 20 7946 0000\n", err
        assert listener.returncode == 0
    finally:
        if listener.poll() is None:
            listener.kill()
            listener.communicate()
        QLocalServer.removeServer(channel)
    assert not (tmp_path / "never-opened.db").exists()


def test_a_bad_number_from_the_command_line_is_explained(tmp_path: Path) -> None:
    channel = str(tmp_path / "nobody.sock")
    command = run_call("%callerid%", _environment(tmp_path, channel))
    assert command.returncode == 2
    assert "placeholder" in command.stderr
    assert not (tmp_path / "never-opened.db").exists()


def _wait_for_file(path: Path, process: subprocess.Popen[str]) -> None:
    """Another process gives no signal to wait on: look for the file it makes, within a bound,
    and fail at once if the process died instead."""
    deadline = time.monotonic() + TIMEOUT_S
    while not path.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.05)


def test_a_call_with_nobody_running_starts_switchboard_which_then_takes_the_next_call(
    tmp_path: Path,
) -> None:
    """The whole path: the first ring starts the GUI (offscreen) on its database; the second
    ring, from another process, is taken by that GUI and the command exits at once."""
    channel = str(tmp_path / "desk.sock")
    env = _environment(tmp_path, channel)
    db = tmp_path / "desk.db"
    gui = subprocess.Popen(
        [sys.executable, "-m", "app", "call", "+44 20 7946 0000", "--db", str(db)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for_file(Path(channel), gui)

        command = run_call("0161 496 0000", env)
        assert command.returncode == 0, command.stderr
        assert gui.poll() is None  # still running: the call went to it, not to a new window
        _wait_for_file(db, gui)  # it opens the database given with the first call
    finally:
        gui.kill()
        gui.communicate()
        QLocalServer.removeServer(channel)
