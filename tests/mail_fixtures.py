"""A real SMTP server on a local port (aiosmtpd), for tests that follow a mail from send to inbox."""
import email
import email.policy
import socket
import time
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller


@dataclass
class Inbox:
    host: str
    port: int
    messages: list[email.message.EmailMessage] = field(default_factory=list)

    def config(self) -> dict:
        """Settings that point the app at this server."""
        return {"MAIL_SERVER": self.host, "MAIL_PORT": self.port, "MAIL_SENDER": "noreply@wt.test"}

    def wait_for(self, count: int = 1, seconds: float = 5.0) -> list[email.message.EmailMessage]:
        deadline = time.monotonic() + seconds
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if address in m["To"]]


class _Handler:
    def __init__(self, inbox: Inbox):
        self.inbox = inbox

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.inbox.messages.append(message)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_inbox():
    """A running SMTP server; `smtp_inbox.config()` are the settings, `.messages` what arrived."""
    inbox = Inbox("127.0.0.1", _free_port())
    controller = Controller(_Handler(inbox), hostname=inbox.host, port=inbox.port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def closed_smtp_port():
    """A port on which no mail server listens: the server is down."""
    return _free_port()
