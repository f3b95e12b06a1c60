def test_dutch_is_the_default(client):
    body = client.get("/").get_data(as_text=True)
    assert '<html lang="nl">' in body
    assert "Naar de inhoud" in body


def test_accept_language_decides_when_nothing_was_chosen(client):
    body = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in body
    assert "Skip to content" in body
    body = client.get("/", headers={"Accept-Language": "fr-FR,de;q=0.9"}).get_data(as_text=True)
    assert '<html lang="nl">' in body


def test_the_chosen_language_is_remembered_over_accept_language(client):
    response = client.post("/taal", data={"lang": "en", "next": "/inloggen"})
    assert response.status_code == 302 and response.headers["Location"] == "/inloggen"
    cookie = response.headers["Set-Cookie"]
    assert "lang=en" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    body = client.get("/inloggen", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert "E-mail address" in body and '<html lang="en">' in body
    client.post("/taal", data={"lang": "nl", "next": "/"})
    assert "E-mailadres" in client.get("/inloggen").get_data(as_text=True)


def test_unknown_language_and_foreign_next_are_ignored(client):
    response = client.post("/taal", data={"lang": "xx", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
    assert "Set-Cookie" not in response.headers


def test_form_errors_follow_the_language(client):
    client.post("/taal", data={"lang": "en"})
    body = client.post("/inloggen", data={"email": "", "password": ""}).get_data(as_text=True)
    assert "Please check the form" in body and "This field is required." in body


def test_accessibility_statement_names_the_standard_and_known_gaps(client):
    body = client.get("/toegankelijkheid").get_data(as_text=True)
    assert "WCAG 2.2" in body and "EN 301 549" in body and "axe-core" in body
    assert "24 bij 24 pixels" in body and "2.4.11" in body and "31-12-2026" in body
    assert "Wat nog niet voldoet" in body and "volledige overeenstemming" in body
    assert "2 december 2026" in body
    english = client.get("/toegankelijkheid", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "What does not conform yet" in english and "December 2, 2026" in english


def test_pages_need_no_javascript():
    """Progressive enhancement: no template ships a script, so every page works without JavaScript."""
    from pathlib import Path

    templates = Path(__file__).resolve().parents[2] / "templates"
    with_script = [str(p.relative_to(templates)) for p in templates.rglob("*.html") if "<script" in p.read_text()]
    assert with_script == []


def test_one_format_per_kind_of_date(app):
    from datetime import UTC, date, datetime

    from flask import render_template_string

    day, moment = date(2026, 9, 1), datetime(2026, 9, 1, 12, 5, tzinfo=UTC)  # 14:05 in Amsterdam
    template = ("{{ d|dateformat }}|{{ d|dateformat('short') }}|{{ d|dateformat('medium') }}|"
                "{{ m|datetimeformat }}|{{ m|datetimeformat('short') }}|{{ m|datetimeformat('medium') }}")
    with app.test_request_context("/", headers={"Accept-Language": "nl"}):
        assert render_template_string(template, d=day, m=moment).split("|") == (
            ["1 september 2026"] * 3 + ["1 september 2026, 14:05"] * 3)
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        parts = render_template_string(template, d=day, m=moment).split("|")
        assert parts[:3] == ["September 1, 2026"] * 3 and len(set(parts[3:])) == 1
        assert parts[3].startswith("September 1, 2026, ") and "PM" in parts[3]
