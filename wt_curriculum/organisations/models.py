"""Networks and schools: the organisations that plan, and own lesson packages."""
from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.models import utcnow
from ..extensions import db


class Network(db.Model):
    """A regional w&t network of schools."""

    __tablename__ = "network"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(100), default="")
    archived: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Optimistic locking (as goals): two administrators saving one network never silently revert each other.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class School(db.Model):
    """A school location: BRIN code plus vestiging number."""

    __tablename__ = "school"
    __table_args__ = (UniqueConstraint("brin", "vestiging"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    brin: Mapped[str] = mapped_column(String(4))
    vestiging: Mapped[str] = mapped_column(String(2), default="00")
    place: Mapped[str] = mapped_column(String(100), default="")
    # The province's two-letter code (organisations/provinces.py), from DUO's file; "" when not known.
    province: Mapped[str] = mapped_column(String(2), default="", server_default="")
    network_id: Mapped[Optional[int]] = mapped_column(ForeignKey("network.id", ondelete="RESTRICT"), index=True)
    archived: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1, server_default="1")  # optimistic locking, as Network

    __mapper_args__ = {"version_id_col": version}

    network: Mapped[Optional[Network]] = relationship(lazy="raise_on_sql")

    @property
    def code(self) -> str:
        """BRIN + vestiging, e.g. 12AB00: how schools are named in imports and commands."""
        return f"{self.brin}{self.vestiging}"
