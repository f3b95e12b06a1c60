"""Outside materials: OAI-PMH sources a network or an administrator subscribes to, the records harvested from
them, and the goals those records are suggested for (through their kerndoel classifications and the crosswalk)."""
from datetime import datetime
from enum import StrEnum
from typing import Optional

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core import page_cache
from ..core.models import utcnow
from ..extensions import db

# Outside materials are on the search page, which is cached for anonymous visitors: a change must reach it.
page_cache.WATCHED_TABLES.update({"external_material", "external_material_goal"})


class HarvestStatus(StrEnum):
    NEVER = "nooit"
    OK = "gelukt"
    FAILED = "mislukt"


class HarvestSource(db.Model):
    __tablename__ = "harvest_source"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500))
    set_spec: Mapped[str] = mapped_column(String(200), default="")
    metadata_prefix: Mapped[str] = mapped_column(String(40), default="lom")
    network_id: Mapped[Optional[int]] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Incremental harvesting: the next harvest asks `from` the newest datestamp seen so far (as the source wrote it).
    harvested_from: Mapped[str] = mapped_column(String(30), default="")
    status: Mapped[str] = mapped_column(String(10), default=HarvestStatus.NEVER)
    last_run_at: Mapped[Optional[datetime]]
    last_error: Mapped[str] = mapped_column(Text, default="")
    last_count: Mapped[int] = mapped_column(default=0)


class ExternalMaterial(db.Model):
    """One record harvested from a source: what teachers see beside the lesson packages."""

    __tablename__ = "external_material"
    __table_args__ = (UniqueConstraint("source_id", "identifier"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("harvest_source.id", ondelete="CASCADE"), index=True)
    identifier: Mapped[str] = mapped_column(String(500))
    datestamp: Mapped[str] = mapped_column(String(30), default="")
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(1000), default="")
    licence: Mapped[str] = mapped_column(String(200), default="")
    publisher: Mapped[str] = mapped_column(String(300), default="")
    keywords: Mapped[str] = mapped_column(String(1000), default="")  # comma-separated
    groepen_mask: Mapped[int] = mapped_column(default=0)
    kerndoel_uuids: Mapped[str] = mapped_column(Text, default="")  # the record's begrippenkader taxa, one a line
    harvested_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Taken up as a lesson package of a network (a draft to complete, then published and planned like any other).
    package_id: Mapped[Optional[int]] = mapped_column(ForeignKey("lesson_package.id", ondelete="SET NULL"))
    # Planned by a school: the package of kind "extern" made from the material on its first planning (its confirmed
    # goals, the source's network), which every later planning reuses (oai.services.plan_material).
    external_package_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("lesson_package.id", ondelete="SET NULL"), unique=True)


class SuggestionStatus(StrEnum):
    SUGGESTED = "voorgesteld"
    CONFIRMED = "bevestigd"
    REJECTED = "afgewezen"


class MaterialGoal(db.Model):
    """A goal an outside material serves: suggested through the crosswalk, confirmed or rejected by a person."""

    __tablename__ = "external_material_goal"
    __table_args__ = (UniqueConstraint("material_id", "goal_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("external_material.id", ondelete="CASCADE"), index=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12), default=SuggestionStatus.SUGGESTED)
    decided_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[Optional[datetime]]
