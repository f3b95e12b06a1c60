"""Personal API tokens: a user's key to the JSON API, for scripts and other systems."""
from datetime import UTC, datetime
from typing import Optional

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.models import utcnow
from ..extensions import db


class ApiToken(db.Model):
    """Only the SHA-256 of the secret is kept; the secret itself is shown once, when the token is made."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))  # the first characters, so users can tell tokens apart
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[Optional[datetime]]
    revoked_at: Mapped[Optional[datetime]]
    expires_at: Mapped[datetime]  # chosen when the token is made (a year by default)

    @property
    def expired(self) -> bool:
        return self.expires_at <= datetime.now(UTC)

    @property
    def active(self) -> bool:
        return self.revoked_at is None and not self.expired
