"""Consultation rounds: the framework worked out together with schools and networks.

An editor opens a round on the draft goals or on a chosen set of goals, for an audience (network
coordinators, school coordinators, teachers, or anyone logged in). People respond per goal or on the round as
a whole, with a position and optionally a proposed wording; after the round closes the editor answers every
response (explain or comply).
"""
from datetime import date, datetime
from enum import StrEnum
from typing import Optional

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..core.models import utcnow
from ..extensions import db


class Audience(StrEnum):
    NETWORKS = "netwerken"
    COORDINATORS = "coordinatoren"
    TEACHERS = "leraren"
    EVERYONE = "iedereen"


class Position(StrEnum):
    AGREE = "eens"
    AGREE_WITH_CHANGES = "eens-met-wijzigingen"
    DISAGREE = "oneens"


class Answer(StrEnum):
    ADOPTED = "overgenomen"
    PARTLY = "deels-overgenomen"
    NOT_ADOPTED = "niet-overgenomen"


class ConsultationRound(db.Model):
    __tablename__ = "consultation_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    explanation: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    audience: Mapped[str] = mapped_column(String(100))  # comma-separated Audience values
    on_draft: Mapped[bool] = mapped_column(default=False)  # the round is on the draft release
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[Optional[datetime]]  # closed early by an editor
    opened_notice_sent: Mapped[bool] = mapped_column(default=False)

    @property
    def audiences(self) -> list[str]:
        return [a for a in self.audience.split(",") if a]


class RoundGoal(db.Model):
    __tablename__ = "consultation_round_goal"

    round_id: Mapped[int] = mapped_column(ForeignKey("consultation_round.id", ondelete="CASCADE"), primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"), primary_key=True, index=True)


class ConsultationResponse(db.Model):
    """A response on one goal (goal_id) or on the round as a whole (no goal_id), or a reply (parent_id)."""

    __tablename__ = "consultation_response"
    __table_args__ = (
        Index("ix_consultation_response_round_goal", "round_id", "goal_id"),
        # One response per person per goal (or on the round as a whole), also when two arrive at once.
        Index("uq_consultation_response_once", "round_id", "author_id", "once_key", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("consultation_round.id", ondelete="CASCADE"))
    goal_id: Mapped[Optional[int]] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"))
    parent_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("consultation_response.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    # Who the respondent was when responding: their role and their network or school then.
    author_role: Mapped[str] = mapped_column(String(20))
    author_network_id: Mapped[Optional[int]] = mapped_column(ForeignKey("network.id", ondelete="SET NULL"))
    author_school_id: Mapped[Optional[int]] = mapped_column(ForeignKey("school.id", ondelete="SET NULL"))
    position: Mapped[Optional[str]] = mapped_column(String(30))  # none for replies
    comment: Mapped[str] = mapped_column(Text, default="")
    proposed_title: Mapped[str] = mapped_column(String(200), default="")
    proposed_description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    hidden_at: Mapped[Optional[datetime]]
    hidden_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    hidden_reason: Mapped[str] = mapped_column(String(500), default="")
    answer: Mapped[Optional[str]] = mapped_column(String(30))
    answer_reason: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[Optional[datetime]]
    answered_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    applied_revision: Mapped[Optional[int]]  # the goal revision that took over the proposed wording
    # "goal:<id>" or "round" for a visible top-level response; none for replies and hidden responses, which the
    # unique constraint (NULLs are distinct) then leaves alone: after hiding, its author may respond again.
    once_key: Mapped[Optional[str]] = mapped_column(String(24))
