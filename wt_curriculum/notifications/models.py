"""Notifications: an inbox per user, and how (and whether) they are also sent by e-mail."""
from datetime import datetime
from enum import StrEnum
from typing import Optional

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..core.models import utcnow
from ..extensions import db


class MailChoice(StrEnum):
    DIRECT = "direct"  # one e-mail per notification
    DAILY = "dagelijks"  # one e-mail a day with all new notifications
    OFF = "uit"  # the inbox only


class Notification(db.Model):
    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    # The texts language-neutral, as JSON {"subject": message, "body": message} (services.encode): the English
    # source text and its parameters, rendered in the reader's language. Older rows have none and show
    # subject and body as stored (in the default language).
    message: Mapped[Optional[str]] = mapped_column(Text)
    url: Mapped[str] = mapped_column(String(500), default="")  # a path on this site
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[Optional[datetime]]
    # When it went out by mail (directly or in a digest); none while it waits for the digest or is inbox-only.
    mailed_at: Mapped[Optional[datetime]] = mapped_column(index=True)


class NotificationSetting(db.Model):
    __tablename__ = "notification_setting"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    mail: Mapped[str] = mapped_column(String(12), default=MailChoice.DIRECT)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
