"""Notifications: plain functions that take the session, flush, and never commit.

`notify(session, user_ids, ...)` puts a notification in each user's inbox; for users who want mail at once it
also prepares an e-mail, handed to the task queue (core.mail.queue_mail, retried there) only when the
transaction commits, so nothing is mailed about a change that was rolled back, and no request fails because
mail failed. A daily task sends the digests. Every mail carries an unsubscribe link that works without logging
in (a signed token naming the account).

Texts are stored language-neutral (`encode`: the English source text of a lazy gettext call and its
parameters, as JSON) and rendered in the reader's language (`render`): the inbox in the page's language, mail in
the recipient's chosen language (`User.language`, else the default, Dutch). The default language's rendering is
kept in `subject` and `body` too, for older code and for rows made before the texts were stored neutrally.
"""
import json
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, date, datetime

import flask_babel
from flask import current_app, has_request_context, render_template, url_for
from flask_babel import force_locale, format_date, format_datetime
from flask_babel import lazy_gettext as _
from flask_babel.speaklater import LazyString
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import bindparam, event, func, select, update
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


# --- Texts that are rendered in the reader's language -----------------------------------------------------------

# The translation functions a lazy text may stand for, by name (the name is stored, never a function).
TRANSLATORS = {"gettext": flask_babel.gettext, "ngettext": flask_babel.ngettext, "pgettext": flask_babel.pgettext,
               "npgettext": flask_babel.npgettext}
_NAMES = {function: name for name, function in TRANSLATORS.items()}


def encode(text) -> dict:
    """A text as JSON values: a lazy gettext call (`lazy_gettext('Goal %(code)s ...', code=...)`) becomes its
    function, source text and parameters, so that it can be rendered later in any language; anything else (what
    a user wrote) is kept as it is. Parameters may be lazy texts too, dates (rendered long in the reader's
    language) and numbers."""
    if isinstance(text, LazyString) and text._func in _NAMES:
        return {"f": _NAMES[text._func],
                "a": [a if isinstance(a, int) and not isinstance(a, bool) else str(a) for a in text._args],
                "k": {name: _encode_value(value) for name, value in text._kwargs.items()}}
    return {"s": str(text)}


def _encode_value(value):
    if isinstance(value, LazyString):
        return {"t": encode(value)}
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return value


def render(message: dict | None, fallback: str = "") -> str:
    """An encoded text in the current language (a stored literal as it is; `fallback` when there is none)."""
    if not message:
        return fallback
    if "s" in message:
        return message["s"]
    function = TRANSLATORS.get(message.get("f"))
    if function is None:
        return fallback
    try:
        return function(*message.get("a", []), **{k: _render_value(v) for k, v in message.get("k", {}).items()})
    except (KeyError, TypeError, ValueError):
        return fallback


def _render_value(value):
    if isinstance(value, dict):
        if "t" in value:
            return render(value["t"])
        if "date" in value:
            return format_date(date.fromisoformat(value["date"]), "long")
        if "datetime" in value:
            return format_datetime(datetime.fromisoformat(value["datetime"]), "short")
    return value


def texts(notification: Notification) -> tuple[str, str]:
    """(subject, body) of a notification in the current language; older rows as they were stored."""
    if not notification.message:
        return notification.subject, notification.body
    try:
        message = json.loads(notification.message)
    except ValueError:
        return notification.subject, notification.body
    return (render(message.get("subject"), notification.subject)[:300],
            render(message.get("body"), notification.body))


def language_of(preference: str | None) -> str:
    """The language to write to a user in: their choice when it is one of ours, else the default (Dutch)."""
    return preference if preference in current_app.config["LANGUAGES"] else default_language()


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
    users = list(session.execute(select(User.id, User.email, User.language)
                                 .where(User.id.in_(wanted), User.active.is_(True))))
    if not users:
        return []
    message = {"subject": encode(subject), "body": encode(body)}
    stored = json.dumps(message, ensure_ascii=False)
    rendered: dict[str, tuple[str, str]] = {}  # language -> (subject, body)

    def in_language(language: str) -> tuple[str, str]:
        if language not in rendered:
            with force_locale(language):
                rendered[language] = (render(message["subject"])[:300], render(message["body"]))
        return rendered[language]

    default_subject, default_body = in_language(default_language())
    url = url_for(link[0], **link[1]) if link else ""
    choices = mail_choices(session, [u.id for u in users])
    now = datetime.now(UTC)
    pending = session.info.setdefault(PENDING, [])
    for user_id, address, preference in users:
        direct = choices[user_id] == MailChoice.DIRECT
        session.add(Notification(user_id=user_id, kind=kind, subject=default_subject, body=default_body,
                                 message=stored, url=url, mailed_at=now if direct else None))
        if direct:
            language = language_of(preference)
            subject_text, body_text = in_language(language)
            pending.append(_message(user_id, address, subject_text, [(subject_text, body_text, url)], language))
    session.flush()
    return [u.id for u in users]


def _message(user_id: int, address: str, subject: str, items: list[tuple[str, str, str]], language: str) -> tuple:
    """(to, subject, text, html, headers) of one mail about one or more notifications, in `language`."""
    unsubscribe = public_url("notifications.unsubscribe", token=unsubscribe_token(user_id))
    with force_locale(language):
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
        select(Notification, User.email, User.language)
        .join(User, User.id == Notification.user_id)
        .outerjoin(NotificationSetting, NotificationSetting.user_id == Notification.user_id)
        .where(Notification.mailed_at.is_(None), NotificationSetting.mail == MailChoice.DAILY,
               User.active.is_(True))
        .order_by(Notification.user_id, Notification.created_at)))
    by_user: dict[int, tuple[str, str, list[Notification]]] = {}
    for notification, address, preference in rows:
        by_user.setdefault(notification.user_id, (address, language_of(preference), []))[2].append(notification)
    now = datetime.now(UTC)
    pending = session.info.setdefault(PENDING, [])
    with _request_context():
        for user_id, (address, language, notifications) in by_user.items():
            _digest(pending, user_id, address, language, notifications)
    if rows:
        session.execute(update(Notification).where(Notification.id.in_([n.id for n, _a, _l in rows]))
                        .values(mailed_at=now), execution_options={"synchronize_session": False})
    return len(by_user)


def _digest(pending: list, user_id: int, address: str, language: str, notifications: list[Notification]) -> None:
    with force_locale(language):
        subject = str(_("Your notifications of the day (%(n)s)", n=len(notifications)))
        items = [(*texts(n), n.url) for n in notifications]
    pending.append(_message(user_id, address, subject, items, language))


# --- The inbox -------------------------------------------------------------------------------------------------


@dataclass
class InboxEntry:
    """A notification with its texts in the reader's language."""

    notification: Notification
    subject: str
    body: str

    def __getattr__(self, name):  # id, url, read_at, created_at, kind: the notification's
        if name.startswith("__") or name == "notification":
            raise AttributeError(name)
        return getattr(self.notification, name)


@dataclass
class Inbox:
    notifications: list[InboxEntry]
    unread: int


# Built once: every logged-in page shows the count.
_UNREAD = select(func.count()).select_from(Notification).where(
    Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None))


def unread_count(session: Session, user_id: int) -> int:
    return session.scalar(_UNREAD, {"user_id": user_id}) or 0


def inbox(session: Session, user_id: int, limit: int = 100) -> Inbox:
    notifications = list(session.scalars(select(Notification).where(Notification.user_id == user_id)
                                         .order_by(Notification.created_at.desc(), Notification.id.desc())
                                         .limit(limit)))
    return Inbox([InboxEntry(n, *texts(n)) for n in notifications], unread_count(session, user_id))


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
