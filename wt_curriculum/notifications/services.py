"""Notifications: plain functions that take the session, flush, and never commit.

`notify(session, user_ids, ...)` puts a notification in each user's inbox; for users who want mail at once it
also prepares an e-mail, handed to the task queue (core.mail.queue_mail, retried there) only when the
transaction commits, so nothing is mailed about a change that was rolled back, and no request fails because
mail failed. A daily task sends the digests. Every mail carries an unsubscribe link that works without logging
in (a signed token naming the account).

Texts are stored in the site's default language (Dutch), as the mails are written.
"""
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app, has_request_context, render_template, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session

from ..auth.models import User
from ..core.mail import queue_mail
from ..core.urls import base_url, public_url
from ..errors import NotFound, ValidationError
from .models import MailChoice, Notification, NotificationSetting

PENDING = "wt_pending_mail"
SALT = "wt-unsubscribe"


def mail_choice_labels() -> dict[str, str]:
    return {
        MailChoice.DIRECT: _("an e-mail for every notification"),
        MailChoice.DAILY: _("one e-mail a day with all new notifications"),
        MailChoice.OFF: _("no e-mail: only here"),
    }


def default_language() -> str:
    return current_app.config["LANGUAGES"][0]


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def unsubscribe_token(user_id: int) -> str:
    return _serializer().dumps(user_id)


def user_for_token(session: Session, token: str) -> User:
    try:
        user_id = _serializer().loads(token)
    except BadSignature:
        raise NotFound(_("This unsubscribe link is not valid.")) from None
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None:
        raise NotFound(_("This unsubscribe link is not valid."))
    return user


def mail_choices(session: Session, user_ids: list[int]) -> dict[int, str]:
    chosen = dict(session.execute(select(NotificationSetting.user_id, NotificationSetting.mail)
                                  .where(NotificationSetting.user_id.in_(user_ids))).all()) if user_ids else {}
    return {uid: chosen.get(uid, MailChoice.DIRECT) for uid in user_ids}


def mail_choice(session: Session, user_id: int) -> str:
    return mail_choices(session, [user_id])[user_id]


def set_mail_choice(session: Session, user_id: int, choice: str) -> None:
    if choice not in set(MailChoice):
        raise ValidationError(_("Choose one of the options."), field="mail")
    setting = session.get(NotificationSetting, user_id)
    if setting is None:
        session.add(NotificationSetting(user_id=user_id, mail=choice))
    else:
        setting.mail = choice
    session.flush()


def _request_context():
    """Links are made with url_for, which needs a request: outside one (tasks, commands) a request for BASE_URL."""
    return nullcontext() if has_request_context() else current_app.test_request_context(base_url=base_url())


def notify(session: Session, user_ids, kind: str, subject, body, link: tuple[str, dict] | None = None,
           exclude=None) -> list[int]:
    """Put a notification in the inbox of every active account among `user_ids` (except `exclude`), and prepare
    a mail for those who want one at once. `link` is (endpoint, values) of the page it is about. Returns the ids
    of the accounts notified."""
    with _request_context():
        return _notify(session, user_ids, kind, subject, body, link, exclude)


def _notify(session: Session, user_ids, kind: str, subject, body, link, exclude) -> list[int]:
    wanted = sorted({int(u) for u in user_ids if u is not None} - ({getattr(exclude, "id", exclude)} - {None}))
    if not wanted:
        return []
    users = list(session.execute(select(User.id, User.email).where(User.id.in_(wanted), User.active.is_(True))))
    if not users:
        return []
    with force_locale(default_language()):
        subject, body = str(subject)[:300], str(body)
    url = url_for(link[0], **link[1]) if link else ""
    choices = mail_choices(session, [u.id for u in users])
    now = datetime.now(UTC)
    pending = session.info.setdefault(PENDING, [])
    for user_id, address in users:
        direct = choices[user_id] == MailChoice.DIRECT
        session.add(Notification(user_id=user_id, kind=kind, subject=subject, body=body, url=url,
                                 mailed_at=now if direct else None))
        if direct:
            pending.append(_message(user_id, address, subject, [(subject, body, url)]))
    session.flush()
    return [u.id for u in users]


def _message(user_id: int, address: str, subject: str, items: list[tuple[str, str, str]]) -> tuple:
    """(to, subject, text, html, headers) of one mail about one or more notifications."""
    unsubscribe = public_url("notifications.unsubscribe", token=unsubscribe_token(user_id))
    with force_locale(default_language()):
        context = {"items": [(s, b, public_url("site.home").rstrip("/") + u if u else "") for s, b, u in items],
                   "unsubscribe": unsubscribe, "inbox": public_url("notifications.inbox")}
        text = render_template("notifications/mail.txt", **context)
        html = render_template("notifications/mail.html", **context)
    return (address, subject, text, html, {"List-Unsubscribe": f"<{unsubscribe}>"})


@event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    for message in session.info.pop(PENDING, []):
        queue_mail(*message)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(PENDING, None)


def send_digests(session: Session) -> int:
    """One mail per user who chose the daily digest, with their notifications not mailed yet. Returns how many
    mails were prepared (they are queued when the caller commits)."""
    rows = list(session.execute(
        select(Notification, User.email)
        .join(User, User.id == Notification.user_id)
        .outerjoin(NotificationSetting, NotificationSetting.user_id == Notification.user_id)
        .where(Notification.mailed_at.is_(None), NotificationSetting.mail == MailChoice.DAILY,
               User.active.is_(True))
        .order_by(Notification.user_id, Notification.created_at)))
    by_user: dict[int, tuple[str, list[Notification]]] = {}
    for notification, address in rows:
        by_user.setdefault(notification.user_id, (address, []))[1].append(notification)
    now = datetime.now(UTC)
    pending = session.info.setdefault(PENDING, [])
    with _request_context():
        for user_id, (address, notifications) in by_user.items():
            _digest(pending, user_id, address, notifications)
    if rows:
        session.execute(update(Notification).where(Notification.id.in_([n.id for n, _a in rows]))
                        .values(mailed_at=now), execution_options={"synchronize_session": False})
    return len(by_user)


def _digest(pending: list, user_id: int, address: str, notifications: list[Notification]) -> None:
    with force_locale(default_language()):
        subject = str(_("Your notifications of the day (%(n)s)", n=len(notifications)))
    pending.append(_message(user_id, address, subject, [(n.subject, n.body, n.url) for n in notifications]))


# --- The inbox -------------------------------------------------------------------------------------------------


@dataclass
class Inbox:
    notifications: list[Notification]
    unread: int


def unread_count(session: Session, user_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))) or 0


def inbox(session: Session, user_id: int, limit: int = 100) -> Inbox:
    notifications = list(session.scalars(select(Notification).where(Notification.user_id == user_id)
                                         .order_by(Notification.created_at.desc(), Notification.id.desc())
                                         .limit(limit)))
    return Inbox(notifications, unread_count(session, user_id))


def open_notification(session: Session, user_id: int, notification_id: int) -> Notification:
    """Mark one of the user's notifications read; NotFound for someone else's."""
    notification = session.get(Notification, notification_id)
    if notification is None or notification.user_id != user_id:
        raise NotFound(_("There is no such notification."))
    if notification.read_at is None:
        notification.read_at = datetime.now(UTC)
        session.flush()
    return notification


def mark_all_read(session: Session, user_id: int) -> None:
    session.execute(update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
                    .values(read_at=datetime.now(UTC)), execution_options={"synchronize_session": False})
