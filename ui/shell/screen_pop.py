"""One Switchboard per user and workstation, reachable by ``switchboard call NUMBER``.

A softphone runs ``switchboard call NUMBER`` when the phone rings. That short-lived process
must not open a second window and a second database connection: it hands the number to the
Switchboard already running for this user over a local socket (a Unix domain socket, a named
pipe on Windows) and exits. :class:`InstanceServer` is the listening end inside the GUI,
:func:`send_to_running` the sending end inside the command.

The protocol is one line of JSON per connection, ``{"call": "+44 20 7946 0000"}`` (take this
call) or ``{"show": true}`` (someone started Switchboard again: show the window instead of
opening a second one), answered by ``ok`` or ``error`` and a newline. The answer matters:
only an instance that took the number makes the command exit, so a socket left over from a
crash, or a hung window, makes it start a fresh Switchboard instead of losing the call. The
request lines and the caller-id rules are plain Python in :mod:`app.calls.caller_id`; this
module is the Qt side that carries them.

What arrives is untrusted text from another process: it is size-limited here, then stripped
of control and formatting characters and cut to ``MAX_NUMBER_LENGTH`` by
:func:`app.calls.caller_id.parse_call`; anything malformed is logged and dropped, never
raised inside the event loop.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, QObject, QTimer, Signal
from PySide6.QtNetwork import QAbstractSocket, QLocalServer, QLocalSocket

from app.calls.caller_id import SHOW_REQUEST, encode_call, parse_call
from app.config import APP_NAME, current_username

log = logging.getLogger(__name__)

ENV_NAME = "SWITCHBOARD_INSTANCE_NAME"  # overrides the server name (tests, several profiles)
MAX_MESSAGE_BYTES = 4096  # one request line; more is not a Switchboard client talking
DEFAULT_TIMEOUT_MS = 3000  # the running window answers from its event loop; allow a busy one
_SLICE_MS = 20  # longest single blocking wait in the client; see _wait
IDLE_CLIENT_MS = 10_000  # a client that connects and never finishes its line is hung up on
OK, ERROR = b"ok\n", b"error\n"


def server_name() -> str:
    """The channel's name: stable for one user, different for every other user.

    On Linux desktops the socket goes into ``$XDG_RUNTIME_DIR``, a directory only this user
    can enter, so another account can neither take the name first nor connect. Without one,
    Qt places it (``/tmp`` on Unix, a named pipe on Windows), where
    :attr:`QLocalServer.SocketOption.UserAccessOption` still lets only this user connect. The
    user name is hashed: it may hold characters a socket name cannot, and a short name stays
    well inside the Unix socket path limit (about 100 bytes).
    """
    override = os.environ.get(ENV_NAME, "").strip()
    if override:
        return override
    digest = hashlib.sha256(current_username().encode("utf-8")).hexdigest()[:16]
    name = f"{APP_NAME}-{digest}"
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if sys.platform != "win32" and runtime and Path(runtime).is_dir():
        return str(Path(runtime) / f"{name}.sock")
    return name


def _answers(name: str, timeout_ms: int = 500) -> bool:
    """Whether a live server listens on ``name`` (a stale socket file refuses at once)."""
    probe = QLocalSocket()
    probe.connectToServer(name)
    alive = probe.waitForConnected(timeout_ms)
    probe.abort()
    return alive


def _wait(socket: QLocalSocket, step: Callable[[int], bool], deadline: float) -> bool:
    """Run a blocking Qt wait in short slices until it succeeds, the connection is gone or
    ``deadline`` passes.

    PySide6 holds the interpreter lock during ``waitFor…`` calls, so one long wait would
    freeze every other Python thread of the process, among them a GUI thread that has to
    answer (client and server share a process in tests)."""
    while True:
        if step(_SLICE_MS):
            return True
        if socket.state() == QLocalSocket.LocalSocketState.UnconnectedState:
            return False
        if time.monotonic() >= deadline:
            return False


def send_to_running(number: str, timeout_ms: int = DEFAULT_TIMEOUT_MS) -> bool:
    """Hand ``number`` to the Switchboard running for this user; True once it said it took it.

    False when no instance listens, or one does but does not answer ``ok`` within
    ``timeout_ms`` (hung, or an older version): the caller then starts Switchboard itself.
    Blocking calls are fine here: this runs in a command-line process with no event loop."""
    return _request(encode_call(number), timeout_ms)


def show_running(timeout_ms: int = DEFAULT_TIMEOUT_MS) -> bool:
    """Ask the Switchboard running for this user to come to the front; True if it did, False
    when none runs (or it does not answer): then this process opens the window itself."""
    return _request(SHOW_REQUEST, timeout_ms)


def _request(request: bytes, timeout_ms: int) -> bool:
    """Send one request line to the running instance; True if it answered ``ok``."""
    name = server_name()
    deadline = time.monotonic() + timeout_ms / 1000
    socket = QLocalSocket()

    def answered(slice_ms: int) -> bool:
        # The server answers and hangs up, so the answer can come with the hang-up: what was
        # read before the connection closed counts.
        if not socket.canReadLine():
            socket.waitForReadyRead(slice_ms)
        return socket.canReadLine()

    try:
        socket.connectToServer(name)
        if not _wait(socket, socket.waitForConnected, deadline):
            log.debug("Screen pop: no Switchboard listens on %s (%s)", name, socket.errorString())
            return False
        socket.write(QByteArray(request))
        if not _wait(socket, socket.waitForBytesWritten, deadline):
            log.warning("Screen pop: could not send to %s: %s", name, socket.errorString())
            return False
        if not _wait(socket, answered, deadline) and not socket.canReadLine():
            log.warning(
                "Screen pop: the running Switchboard did not answer: %s", socket.errorString()
            )
            return False
        answer = socket.readLine().data()
    finally:
        socket.abort()
    if answer != OK:
        log.warning("Screen pop: the running Switchboard refused the call: %r", answer[:80])
    return answer == OK


class InstanceServer(QObject):
    """The listening end, living in the GUI; emits :attr:`callReceived` with each number and
    :attr:`showRequested` when Switchboard is started a second time."""

    callReceived = Signal(str)
    showRequested = Signal()

    def __init__(self, name: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name or server_name()
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)
        self._buffers: dict[QLocalSocket, bytes] = {}

    def listen(self) -> bool:
        """Start listening; False (logged) if another live instance already has the name.

        A server that crashed leaves its socket file behind on Unix and ``listen`` then fails
        with AddressInUseError. When nothing answers on the name, the file is such a leftover
        and is removed. On Windows two servers may listen on one pipe, so a live one is asked
        for before listening rather than after."""
        if _answers(self.name):
            log.warning("Screen pop: another Switchboard already listens on %s", self.name)
            return False
        if self._server.listen(self.name):
            return True
        error = self._server.serverError()
        if error == QAbstractSocket.SocketError.AddressInUseError and not _answers(self.name):
            log.info("Screen pop: removing the stale socket %s", self.name)
            QLocalServer.removeServer(self.name)
            if self._server.listen(self.name):
                return True
        log.warning("Screen pop: cannot listen on %s: %s", self.name, self._server.errorString())
        return False

    def isListening(self) -> bool:
        return self._server.isListening()

    def close(self) -> None:
        """Stop taking calls (the program is closing); open connections are dropped."""
        self._server.close()
        for socket in list(self._buffers):
            socket.abort()

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            self._buffers[socket] = b""
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(lambda s=socket: self._forget(s))
            QTimer.singleShot(IDLE_CLIENT_MS, socket, socket.abort)
            if socket.bytesAvailable():
                self._read(socket)

    def _forget(self, socket: QLocalSocket) -> None:
        self._buffers.pop(socket, None)
        socket.deleteLater()

    def _read(self, socket: QLocalSocket) -> None:
        if socket not in self._buffers:
            return  # already answered; whatever else the client sends is not read
        data = self._buffers[socket] + socket.readAll().data()
        line, newline, _rest = data.partition(b"\n")
        if not newline:
            if len(data) > MAX_MESSAGE_BYTES:
                log.warning("Screen pop: dropped a client sending over %d bytes", len(data))
                self._answer(socket, ERROR)
            else:
                self._buffers[socket] = data
            return
        if line + newline == SHOW_REQUEST:
            self._answer(socket, OK)
            self.showRequested.emit()
            return
        number = parse_call(line) if len(line) <= MAX_MESSAGE_BYTES else None
        self._answer(socket, OK if number is not None else ERROR)
        if number is not None:
            log.debug("Screen pop: call from %s", number)
            self.callReceived.emit(number)

    def _answer(self, socket: QLocalSocket, reply: bytes) -> None:
        """Reply and hang up: one request per connection keeps the server stateless."""
        self._buffers.pop(socket, None)
        socket.write(QByteArray(reply))
        socket.flush()
        socket.disconnectFromServer()
