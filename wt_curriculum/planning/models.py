"""Year plans: which package a school plans in which groep; coverage is derived from these, never stored."""
from datetime import date, datetime
from typing import Optional

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.models import utcnow
from ..extensions import db


class PlanEntry(db.Model):
    """A package planned in a groep of a school in a school year (start year: 2026 = 2026-2027)."""

    __tablename__ = "plan_entry"
    __table_args__ = (
        UniqueConstraint("school_id", "school_year", "groep", "package_id"),
        # Covering index for the coverage aggregates: a year's rows by school, with package and groep.
        Index("ix_plan_entry_year_school_package", "school_year", "school_id", "package_id", "groep"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="RESTRICT"))
    school_year: Mapped[int]
    groep: Mapped[int]
    package_id: Mapped[int] = mapped_column(ForeignKey("lesson_package.id", ondelete="RESTRICT"), index=True)
    period: Mapped[str] = mapped_column(String(20), default="")  # e.g. 'periode 2' or 'week 12'
    taught_on: Mapped[Optional[date]]
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class SchoolYearCoverage(db.Model):
    """Per school and school year: how many plan rows, and how many published goals they cover (planned in a
    groep the goal is meant for). Derived from the plan rows and kept up to date in the same transaction as
    every change to them, to goals or to alignments (planning/aggregates.py); `flask coverage rebuild`
    makes it again from the plan rows. The national summary reads it instead of every plan row of a year."""

    __tablename__ = "school_year_coverage"

    school_year: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), primary_key=True,
                                           index=True)
    entries: Mapped[int]
    covered: Mapped[int]


class Experience(db.Model):
    """A teacher's experience with a package their school taught: a rating 1-5, the groep, a short text.
    Shown once the package's network has approved it. School-level only: no pupil data."""

    __tablename__ = "package_experience"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("lesson_package.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    groep: Mapped[int]
    rating: Mapped[int]
    text: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)  # pending|approved|rejected
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    moderated_at: Mapped[Optional[datetime]]
    moderated_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
