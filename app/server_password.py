"""The password of a shared server's login, where libpq's password file has none.

libpq looks in ``~/.pgpass`` by itself (and Kerberos or certificates need no password). Past
that, Switchboard looks in the system keyring (Secret Service on Linux desktops, the macOS
Keychain, the Windows Credential Locker, through ``keyring``) and only then asks the person;
what they type is remembered there if they tick the box, never in a file of its own.

The keyring is only asked after the server refused a log-in without a password: looking it
up can bring up the desktop's unlock prompt, which nobody should see for nothing. A machine
without a keyring (a server, a CI runner) simply has nothing stored.
"""

from __future__ import annotations

import logging

from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

SERVICE = "Switchboard"


def keyring_entry(url: str) -> str:
    """The name the password of ``url``'s login is kept under: "ann@db.example:5432/desk"."""
    parsed = make_url(url)
    return f"{parsed.username}@{parsed.host or 'localhost'}:{parsed.port or 5432}/{parsed.database}"


def keyring_available() -> bool:
    """Whether this desktop has a keyring to keep a password in."""
    import keyring
    from keyring.backends.fail import Keyring as NoKeyring

    return not isinstance(keyring.get_keyring(), NoKeyring)


def stored_password(url: str) -> str | None:
    """The password kept for ``url``'s login, or None (none kept, or no keyring here)."""
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(SERVICE, keyring_entry(url))
    except KeyringError as error:
        log.info("No password from the keyring: %s", error)
        return None


def remember_password(url: str, password: str) -> None:
    """Keep ``password`` for ``url``'s login in the keyring (a keyring that refuses is
    logged: the person has signed in, and is asked again next time)."""
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(SERVICE, keyring_entry(url), password)
    except KeyringError as error:
        log.warning("The password could not be kept in the keyring: %s", error)


def kept_password_for(url: str, refusal: BaseException) -> str | None:
    """Where the server refused ``url``'s log-in for want of a password that the URL and
    ~/.pgpass did not give, the one kept in the keyring; None where there is none to try."""
    from app.config import asks_for_password
    from models.errors import password_wanted

    if not (password_wanted(refusal) and asks_for_password(url)):
        return None
    return stored_password(url)
