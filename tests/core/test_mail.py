"""core/mail.py against a real local SMTP server."""
import pytest

from wt_curriculum.core import mail


def test_send_mail_arrives_with_text_and_html(app, smtp_inbox):
    app.config.update(smtp_inbox.config())
    with app.test_request_context():
        mail.send_mail("juf@school.test", "Onderwerp é", "Platte tekst", "<p>HTML</p>",
                       headers={"List-Unsubscribe": "<https://wt.test/afmelden/x>"})
    [message] = smtp_inbox.wait_for(1)
    assert message["To"] == "juf@school.test"
    assert message["Subject"] == "Onderwerp é"
    assert "noreply@wt.test" in message["From"]
    assert message["List-Unsubscribe"] == "<https://wt.test/afmelden/x>"
    assert message.get_body(("plain",)).get_content().strip() == "Platte tekst"
    assert message.get_body(("html",)).get_content().strip() == "<p>HTML</p>"


def test_queue_mail_sends_through_the_queue(app, smtp_inbox):
    app.config.update(smtp_inbox.config())
    with app.test_request_context():
        assert mail.queue_mail("a@school.test", "S", "T") is True
    assert [m["To"] for m in smtp_inbox.wait_for(1)] == ["a@school.test"]


def test_without_a_server_nothing_is_sent_and_callers_are_told(app):
    with app.test_request_context():
        assert mail.mail_configured() is False
        assert mail.queue_mail("a@school.test", "S", "T") is False
        with pytest.raises(mail.MailError):
            mail.send_mail("a@school.test", "S", "T")


def test_server_down_is_a_mail_error_not_a_crash(app, closed_smtp_port):
    app.config.update({"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": closed_smtp_port, "MAIL_TIMEOUT": 2})
    with app.test_request_context(), pytest.raises(mail.MailError):
        mail.send_mail("a@school.test", "S", "T")


def test_public_url_ignores_the_host_header(app):
    from wt_curriculum.core.urls import public_url
    app.config["BASE_URL"] = "https://wt.example.nl"
    with app.test_request_context("/", headers={"Host": "evil.test"}):
        assert public_url("site.home") == "https://wt.example.nl/"
