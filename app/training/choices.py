"""What the training log's filters and dialogs offer, in one read.

The page lists teams (its filter), the course editor lists skills and teams, the session
editor courses and sites, and booking someone lists the active staff: all read together,
so the lists agree with each other and a shared server is asked once.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, func, select
from sqlmodel import col

from app.pick_lists import Choice
from models.engine import read_connection
from models.org import Site, Staff, Team
from models.roster import Skill
from models.training import Course


@dataclass(frozen=True)
class TrainingChoices:
    """The lists the training log offers."""

    teams: tuple[Choice, ...]  # by name
    skills: tuple[Choice, ...]  # by name
    courses: tuple[Choice, ...]  # current ones (not retired), by name, the provider as detail
    sites: tuple[Choice, ...]  # by code, the name as detail
    staff: tuple[Choice, ...]  # active people, by name, the user name as detail


def training_choices(engine: Engine) -> TrainingChoices:
    """Teams, skills, current courses, sites and active staff, from one transaction."""
    with read_connection(engine) as connection:
        teams = connection.execute(
            select(col(Team.id), col(Team.name)).order_by(func.lower(Team.name))
        ).all()
        skills = connection.execute(
            select(col(Skill.id), col(Skill.name)).order_by(func.lower(Skill.name))
        ).all()
        courses = connection.execute(
            select(col(Course.id), col(Course.name), col(Course.provider))
            .where(col(Course.retired).is_(False))
            .order_by(func.lower(Course.name))
        ).all()
        sites = connection.execute(
            select(col(Site.id), col(Site.code), col(Site.name)).order_by(col(Site.code))
        ).all()
        staff = connection.execute(
            select(col(Staff.id), col(Staff.name), col(Staff.username))
            .where(col(Staff.active))
            .order_by(func.lower(Staff.name), col(Staff.username))
        ).all()
    return TrainingChoices(
        teams=tuple(Choice(*row) for row in teams),
        skills=tuple(Choice(*row) for row in skills),
        courses=tuple(Choice(*row) for row in courses),
        sites=tuple(Choice(*row) for row in sites),
        staff=tuple(Choice(*row) for row in staff),
    )
