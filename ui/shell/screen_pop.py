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

Only this user may use the channel. Whoever owns the socket's path receives the numbers and
can keep Switchboard from listening, so the socket is made only in a folder that this user
owns and nobody else can enter (``$XDG_RUNTIME_DIR``, or a folder of ours in the temporary
directory), checked before every use; when the check fails Switchboard logs why and runs
without screen pop rather than talk there. Each end also asks the kernel who is at the other
end of every connection (``SO_PEERCRED`` on Linux) and hangs up on anyone else.

What arrives is untrusted text from another process: a line is limited in size and nesting
before it is parsed as JSON, then the number is stripped of control and formatting
characters and cut to ``MAX_NUMBER_LENGTH`` by :func:`app.calls.caller_id.parse_call`;
anything malformed is answered ``error``, logged and dropped, never raised inside the event
loop. Only a few connections may wait for their line, and only briefly, so clients that
connect and say nothing cannot keep a ringing phone's number out.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket as pysocket
import stat
import struct
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QObject, QTimer, Signal
from PySide6.QtNetwork import QAbstractSocket, QLocalServer, QLocalSocket

from app.calls.caller_id import SHOW_REQUEST, encode_call, parse_call
from app.config import APP_NAME, current_username

log = logging.getLogger(__name__)

ENV_NAME = "SWITCHBOARD_INSTANCE_NAME"  # another channel name (tests, several profiles)
MAX_MESSAGE_BYTES = 4096  # one request line; more is not a Switchboard client talking
# A request is one flat JSON object (one level; a few more are allowed). The parser recurses
# once per level, and a few kilobytes of brackets would exhaust the interpreter's recursion
# limit inside the event loop: deeper lines are refused before they are parsed.
MAX_NESTING = 4
# Connections waiting for their line at once. Switchboard's own command sends its line as soon
# as it is connected, so a newcomer over this makes room by hanging up on the oldest: a flood
# of idle connections cannot keep the number of a ringing phone out.
MAX_CLIENTS = 16
DEFAULT_TIMEOUT_MS = 3000  # the running window answers from its event loop; allow a busy one
_SLICE_MS = 20  # longest single blocking wait in the client; see _wait
IDLE_CLIENT_MS = 2000  # a client that has not sent its whole line by then is hung up on
OK, ERROR = b"ok\n", b"error\n"
# Who is at the other end of a Unix socket, as the kernel recorded it when it connected: Linux
# only. Elsewhere the private folder (a named pipe's access list on Windows) is the guard.
_PEER_CREDENTIALS: int | None = getattr(pysocket, "SO_PEERCRED", None)
_UCRED = struct.Struct("iII")  # struct ucred: pid, uid, gid
_QUOTE, _BACKSLASH, _OPENING, _CLOSING = ord('"'), ord("\\"), b"[{", b"]}"


class UnsafeChannel(Exception):
    """The screen-pop socket has no place only this user can reach; the message says which
    folder and why, for the log."""


def _own_uid() -> int | None:
    """This process's user id; None on Windows, which has no user ids (the named pipe's
    access list keeps other users out there)."""
    return None if sys.platform == "win32" else os.getuid()


def server_name(uid: int | None = None) -> str:
    """The channel of user ``uid`` (default: this process's user), as a full socket path in a
    folder checked to be private (made if need be); UnsafeChannel when it is not.

    Both ends call this, the window before it listens and the command before it connects, so
    neither talks on a socket another user could have put there: whoever can create or
    replace the socket receives the numbers. The folder is ``$XDG_RUNTIME_DIR`` when set (the
    login's own, still checked), else ``switchboard-<uid>`` in the temporary directory, made
    0700: a fixed name there is predictable, which is why it is checked on every use, not
    trusted. :data:`ENV_NAME` names another socket in the same folder, or is a full path
    whose folder is checked the same way.

    On Windows it is the name of a named pipe, which Qt restricts to this user
    (``UserAccessOption``); the user name is hashed into it, as the pipes of all users share
    one namespace and a user name may hold characters a pipe name cannot.
    """
    override = os.environ.get(ENV_NAME, "").strip()
    if sys.platform == "win32":
        digest = hashlib.sha256(current_username().encode("utf-8")).hexdigest()[:16]
        return override or f"{APP_NAME}-{digest}"
    uid = os.getuid() if uid is None else uid
    if os.path.isabs(override):
        path = Path(override)
        _check_private(path.parent, uid)
        return str(path)
    name = override or f"{APP_NAME}.sock"
    if Path(name).name != name or name == "..":
        raise UnsafeChannel(f"{ENV_NAME}={name!r} is neither a plain name nor a full path")
    return str(_private_folder(uid) / name)


def _private_folder(uid: int) -> Path:
    """The folder for user ``uid``'s socket, checked (see :func:`server_name`)."""
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if os.path.isabs(runtime):  # the XDG rules say to ignore a relative one
        folder = Path(runtime)
    else:
        folder = Path(tempfile.gettempdir()) / f"{APP_NAME}-{uid}"
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            pass  # ours from an earlier start, or someone else's: the check tells
        except OSError as error:
            raise UnsafeChannel(f"{folder} cannot be made: {error.strerror}") from None
    _check_private(folder, uid)
    return folder


def _check_private(folder: Path, uid: int) -> None:
    """UnsafeChannel unless ``folder`` is a folder itself (not a link to one) that belongs to
    ``uid`` and that nobody else may enter, list or write."""
    try:
        info = folder.lstat()
    except OSError as error:
        raise UnsafeChannel(f"{folder} cannot be used: {error.strerror}") from None
    if not stat.S_ISDIR(info.st_mode):
        raise UnsafeChannel(f"{folder} is not a folder but a link or a file")
    if info.st_uid != uid:
        raise UnsafeChannel(f"{folder} belongs to user id {info.st_uid}, not to this user ({uid})")
    if info.st_mode & 0o077:
        raise UnsafeChannel(
            f"{folder} is open to other users (mode {stat.S_IMODE(info.st_mode):04o}; "
            "it must be 0700)"
        )


def _stranger(socket: QLocalSocket, uid: int | None) -> str | None:
    """Who is at the other end of ``socket`` if that is not user ``uid``, for the log; None
    when it is, or where the kernel cannot tell (see :data:`_PEER_CREDENTIALS`).

    Where it can tell but does not (the descriptor is gone), nobody is trusted."""
    if _PEER_CREDENTIALS is None or uid is None:
        return None
    descriptor = socket.socketDescriptor()
    try:
        # A duplicate of Qt's descriptor: closing it leaves the connection to Qt.
        with pysocket.fromfd(descriptor, pysocket.AF_UNIX, pysocket.SOCK_STREAM) as peer:
            credentials = peer.getsockopt(pysocket.SOL_SOCKET, _PEER_CREDENTIALS, _UCRED.size)
    except OSError as error:
        return f"an unknown user ({error.strerror})"
    peer_uid = _UCRED.unpack(credentials)[1]
    return None if peer_uid == uid else f"user id {peer_uid}"


def _nesting(line: bytes) -> int:
    """How deeply arrays and objects nest in the JSON text ``line``, brackets inside strings
    not counted. Malformed text gets a number too; the parser refuses it afterwards."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in line:
        if in_string:
            if escaped:
                escaped = False
            elif byte == _BACKSLASH:
                escaped = True
            elif byte == _QUOTE:
                in_string = False
        elif byte == _QUOTE:
            in_string = True
        elif byte in _OPENING:
            depth += 1
            deepest = max(deepest, depth)
        elif byte in _CLOSING:
            depth -= 1
    return deepest


def _load(line: bytes) -> dict[str, Any] | None:
    """The request in ``line`` as a JSON object, or None (logged) if it is not one; its size
    and nesting are checked before it is parsed."""
    if len(line) > MAX_MESSAGE_BYTES:
        log.warning("Screen pop: refused a message of %d bytes", len(line))
        return None
    if _nesting(line) > MAX_NESTING:
        log.warning("Screen pop: refused a message nested over %d levels deep", MAX_NESTING)
        return None
    try:
        message = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        log.warning("Screen pop: refused a message that is not JSON: %r", line[:80])
        return None
    if not isinstance(message, dict):
        log.warning("Screen pop: refused a message that is not a JSON object: %r", line[:80])
        return None
    return message


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


def send_to_running(
    number: str, timeout_ms: int | None = None, *, peer_uid: int | None = None
) -> bool:
    """Hand ``number`` to the Switchboard running for this user; True once it said it took it.

    False when no instance listens, or one does but does not answer ``ok`` within
    ``timeout_ms`` (default :data:`DEFAULT_TIMEOUT_MS`: hung, or an older version), or the
    channel is not private: the caller then starts Switchboard itself. ``peer_uid`` is whose
    Switchboard may take the number (default: this process's user); a server of anyone else
    is hung up on before the number is sent. Blocking calls are fine here: this runs in a
    command-line process with no event loop."""
    return _request(encode_call(number), timeout_ms, peer_uid)


def show_running(timeout_ms: int | None = None) -> bool:
    """Ask the Switchboard running for this user to come to the front; True if it did, False
    when none runs (or it does not answer): then this process opens the window itself."""
    return _request(SHOW_REQUEST, timeout_ms)


def _request(request: bytes, timeout_ms: int | None, peer_uid: int | None = None) -> bool:
    """Send one request line to the running instance of user ``peer_uid`` (default: this
    one); True if it answered ``ok``."""
    try:
        name = server_name()
    except UnsafeChannel as error:
        log.warning("Screen pop: not looking for a running Switchboard: %s", error)
        return False
    expected = _own_uid() if peer_uid is None else peer_uid
    # Read at each call, not bound as a default, so the tests can allow a loaded machine more.
    deadline = time.monotonic() + (timeout_ms or DEFAULT_TIMEOUT_MS) / 1000
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
        stranger = _stranger(socket, expected)
        if stranger is not None:
            log.warning("Screen pop: %s is served by another user (%s); not sent", name, stranger)
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
    :attr:`showRequested` when Switchboard is started a second time.

    Connections from another user than ``peer_uid`` (default: this process's user) are hung
    up on unanswered."""

    callReceived = Signal(str)
    showRequested = Signal()

    def __init__(self, parent: QObject | None = None, *, peer_uid: int | None = None) -> None:
        super().__init__(parent)
        self.name: str | None = None  # the channel, once listen() has found a private one
        self._peer_uid = _own_uid() if peer_uid is None else peer_uid
        self._server = QLocalServer(self)
        # The socket file (the pipe, on Windows) opens for this user only, besides the folder.
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)
        # The connections still waiting for their line, oldest first, and what each sent yet.
        self._buffers: dict[QLocalSocket, bytes] = {}

    def listen(self) -> bool:
        """Start listening; False (logged) if the channel's folder is not private (Switchboard
        then runs without screen pop) or another live instance already has the channel.

        A server that crashed leaves its socket file behind on Unix and ``listen`` then fails
        with AddressInUseError. When nothing answers on the name, the file is such a leftover
        and is removed. On Windows two servers may listen on one pipe, so a live one is asked
        for before listening rather than after."""
        try:
            name = self.name = server_name()
        except UnsafeChannel as refusal:
            log.warning(
                "Screen pop is off: %s. Calls from the softphone cannot reach this window (each "
                "starts a Switchboard of its own) until that is put right.",
                refusal,
            )
            return False
        if _answers(name):
            log.warning("Screen pop: another Switchboard already listens on %s", name)
            return False
        if self._server.listen(name):
            return True
        error = self._server.serverError()
        if error == QAbstractSocket.SocketError.AddressInUseError and not _answers(name):
            log.info("Screen pop: removing the stale socket %s", name)
            QLocalServer.removeServer(name)
            if self._server.listen(name):
                return True
        log.warning("Screen pop: cannot listen on %s: %s", name, self._server.errorString())
        return False

    def isListening(self) -> bool:
        return self._server.isListening()

    def close(self) -> None:
        """Stop taking calls (the program is closing); open connections are dropped."""
        self._server.close()
        for socket in list(self._buffers):
            self._drop(socket)

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            stranger = _stranger(socket, self._peer_uid)
            if stranger is not None:
                log.warning("Screen pop: hung up on a connection from another user (%s)", stranger)
                self._drop(socket)
                continue
            if len(self._buffers) >= MAX_CLIENTS:
                log.debug(
                    "Screen pop: %d connections wait for a line; dropped the oldest", MAX_CLIENTS
                )
                self._drop(next(iter(self._buffers)))
            self._buffers[socket] = b""
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(lambda s=socket: self._forget(s))
            QTimer.singleShot(IDLE_CLIENT_MS, socket, lambda s=socket: self._expire(s))
            if socket.bytesAvailable():
                self._read(socket)

    def _expire(self, socket: QLocalSocket) -> None:
        """The client's time is up. The event loop may have been too busy to read what it sent
        meanwhile, and a real call must not be lost to that: read it now, then hang up only if
        the line is still not complete."""
        if socket in self._buffers:
            socket.waitForReadyRead(0)  # takes what is waiting; readyRead hands it to _read
        if socket in self._buffers:
            self._drop(socket)

    def _drop(self, socket: QLocalSocket) -> None:
        """Hang up unanswered: on a stranger, a client too slow, or the oldest of too many."""
        self._buffers.pop(socket, None)
        socket.abort()
        socket.deleteLater()

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
        message = _load(line)
        if message is None:
            self._answer(socket, ERROR)
        elif "call" not in message and message.get("show") is True:
            self._answer(socket, OK)
            self.showRequested.emit()
        else:
            # The number's own rules (what to strip, how long) are caller_id's.
            number = parse_call(line)
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
