"""Outgoing e-mail: one function that sends, one queue task that retries, settings from the environment.

Settings (`WT_MAIL_*`): MAIL_SERVER (no server: mail is not sent and `mail_configured()` is False, so callers
can show a link to hand over instead), MAIL_PORT, MAIL_USERNAME, MAIL_PASSWORD, MAIL_SENDER,
MAIL_SECURITY ("starttls", "ssl" or "none"), MAIL_TIMEOUT. A request never fails because mail failed:
`queue_mail` hands the message to the task queue, which retries it.
"""
import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from flask import current_app

from .queue import huey

logger = logging.getLogger(__name__)


class MailError(Exception):
    """The mail server could not be reached or refused the message."""


def mail_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def build_message(to: str, subject: str, text: str, html: str | None = None,
                  headers: dict[str, str] | None = None) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["From"] = formataddr((config.get("MAIL_SENDER_NAME") or "wt_curriculum", config["MAIL_SENDER"]))
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=config["MAIL_SENDER"].rpartition("@")[2] or None)
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message


def send_mail(to: str, subject: str, text: str, html: str | None = None,
              headers: dict[str, str] | None = None) -> None:
    """Send one message now; raises MailError when the server is missing, unreachable or refuses it."""
    config = current_app.config
    if not mail_configured():
        raise MailError("no mail server is configured (WT_MAIL_SERVER)")
    message = build_message(to, subject, text, html, headers)
    security = (config.get("MAIL_SECURITY") or "none").lower()
    host, port, timeout = config["MAIL_SERVER"], int(config["MAIL_PORT"]), float(config["MAIL_TIMEOUT"])
    try:
        if security == "ssl":
            smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
        with smtp:
            if security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise MailError(str(error)) from error


@huey.task(retries=5, retry_delay=120)
def send_mail_task(to: str, subject: str, text: str, html: str | None = None,
                   headers: dict[str, str] | None = None) -> None:
    try:
        send_mail(to, subject, text, html, headers)
    except MailError:
        logger.warning("mail to %s not sent; the queue tries again", to)
        raise


def queue_mail(to: str, subject: str, text: str, html: str | None = None,
               headers: dict[str, str] | None = None) -> bool:
    """Hand a message to the task queue (retried when the server is down). False when no server is set."""
    if not mail_configured():
        return False
    send_mail_task(to, subject, text, html, headers)
    return True
