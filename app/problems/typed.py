"""What a person types in the problem editor, looked up: ticket numbers to link, and the tags
of the assets a problem affects.

The services of :mod:`app.problems.records` take ids (``link_incidents``, ``update_problem``'s
``asset_ids``); a person types "HQ-000123, 124" or "PR-0012, LT-0040". Each look-up is one
read, made in the worker of the write it is for, and refuses what it cannot find in words
under the field it came from. A ticket number is read as the queue reads one
(:func:`app.search_terms.number_condition`: with or without the site's prefix and zeros).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence

from sqlalchemy import Engine, func, select
from sqlmodel import col

from app.errors import ValidationError
from app.search_terms import number_condition
from models.engine import read_session
from models.people import Asset
from models.tickets import Ticket

_SEPARATORS = re.compile(r"[\s,;]+")


def words(text: str) -> list[str]:
    """The numbers or tags typed in ``text``, separated by commas, semicolons or spaces."""
    return [word for word in _SEPARATORS.split(text) if word]


def tickets_numbered(engine: Engine, text: str) -> tuple[uuid.UUID, ...]:
    """The tickets whose numbers are typed in ``text`` ("HQ-000123, 124"), or a refusal
    (under the field "incidents") naming each number that finds no ticket, or several."""
    numbers = words(text)
    if not numbers:
        raise ValidationError({"incidents": "Type the numbers of the tickets to link."})
    found: list[uuid.UUID] = []
    problems: list[str] = []
    with read_session(engine) as session:
        for number in numbers:
            condition = number_condition(number)
            rows = (
                session.execute(
                    select(col(Ticket.id), col(Ticket.number))
                    .where(condition)
                    .order_by(col(Ticket.number))
                ).all()
                if condition is not None
                else []
            )
            if not rows:
                problems.append(f"no ticket is numbered {number}")
            elif len(rows) > 1:
                several = ", ".join(n for _id, n in rows)
                problems.append(f"{number} is the number of {several}: give the site's prefix")
            else:
                found.append(rows[0][0])
    if problems:
        text = "; ".join(problems)
        raise ValidationError(
            {"incidents": f"{text[0].upper()}{text[1:]}. Nothing was linked; check the numbers."}
        )
    return tuple(dict.fromkeys(found))


def assets_tagged(engine: Engine, tags: Sequence[str]) -> tuple[uuid.UUID, ...]:
    """The assets of ``tags`` (any case), or a refusal (under the field "assets") naming the
    tags no asset has."""
    wanted = {tag.upper() for tag in tags}
    if not wanted:
        return ()
    with read_session(engine) as session:
        rows = session.execute(
            select(col(Asset.id), func.upper(col(Asset.tag))).where(
                func.upper(col(Asset.tag)).in_(wanted)
            )
        ).all()
    missing = sorted(wanted - {tag for _id, tag in rows})
    if missing:
        raise ValidationError(
            {
                "assets": f"No asset is tagged {', '.join(missing)}; check the tags against "
                "the Assets page."
            }
        )
    return tuple(asset_id for asset_id, _tag in rows)
