"""What the training log's filters and dialogs offer, in one read.

The page lists teams (its filter), the course editor lists skills and teams, the session
editor courses and sites, and booking someone lists the active staff: all read together,
so the lists agree with each other and a shared server is asked once.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, func, select
from sqlmodel import col

from app.pick_lists import Choice, active_staff_choices, site_choices, team_choices
from models.engine import read_connection
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
        skills = connection.execute(
            select(col(Skill.id), col(Skill.name)).order_by(func.lower(Skill.name))
        ).all()
        courses = connection.execute(
            select(col(Course.id), col(Course.name), col(Course.provider))
            .where(col(Course.retired).is_(False))
            .order_by(func.lower(Course.name))
        ).all()
        return TrainingChoices(
            teams=team_choices(connection),
            skills=tuple(Choice(*row) for row in skills),
            courses=tuple(Choice(*row) for row in courses),
            sites=site_choices(connection),
            staff=active_staff_choices(connection),
        )
