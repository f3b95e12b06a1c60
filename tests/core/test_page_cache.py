"""The public page cache: served to anonymous visitors, stale the moment anything it shows changes."""
import re

from tests.conftest import BASE_CONFIG
from wt_curriculum.extensions import db


def change_goal_title(app, code: str, title: str) -> None:
    from sqlalchemy import select

    from wt_curriculum.objectives.models import Goal

    with app.app_context():
        goal = db.session.scalar(select(Goal).where(Goal.code == code))
        goal.title = title
        db.session.commit()


def test_a_cached_page_costs_one_query_and_a_change_shows_at_once(app, client, framework, count_queries):
    first = client.get("/doelen/MN.3.1").get_data(as_text=True)
    with count_queries() as cached:
        second = client.get("/doelen/MN.3.1").get_data(as_text=True)
    assert cached.count == 1  # the generation counter
    assert re.sub(r'value="[^"]+"', "", first) == re.sub(r'value="[^"]+"', "", second)
    change_goal_title(app, "MN.3.1", "Een nieuwe titel voor dit leerdoel")
    assert "Een nieuwe titel voor dit leerdoel" in client.get("/doelen/MN.3.1").get_data(as_text=True)
    assert "Een nieuwe titel voor dit leerdoel" in client.get("/doelen").get_data(as_text=True)


def test_another_worker_sees_the_change_too(app, client, framework, tmp_path):
    """Two app instances on one database stand for two gunicorn workers with their own caches."""
    from wt_curriculum import create_app

    other = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    other_client = other.test_client()
    assert "Een titel uit het andere proces" not in other_client.get("/doelen/MN.3.1").get_data(as_text=True)
    change_goal_title(app, "MN.3.1", "Een titel uit het andere proces")
    assert "Een titel uit het andere proces" in other_client.get("/doelen/MN.3.1").get_data(as_text=True)
    with other.app_context():
        db.engine.dispose()


def test_each_visitor_gets_their_own_csrf_token(database_template, tmp_path, framework, app):
    from wt_curriculum import create_app

    csrf_app = create_app({**BASE_CONFIG, "WTF_CSRF_ENABLED": True,
                           "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    tokens = []
    for _ in range(2):
        visitor = csrf_app.test_client()
        page = visitor.get("/doelen").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        tokens.append(token)
        # The language switch on the (cached) page works for this visitor.
        response = visitor.post("/taal", data={"csrf_token": token, "lang": "en", "next": "/doelen"})
        assert response.status_code == 302
    assert tokens[0] != tokens[1]
    with csrf_app.app_context():
        db.engine.dispose()


def test_logged_in_users_and_pending_messages_are_never_served_from_the_cache(client, login, framework):
    client.get("/doelen")  # cached for anonymous visitors
    user = login("redacteur")
    page = client.get("/doelen").get_data(as_text=True)
    assert "Uitloggen" in page and "Redacteur" in page
    client.post("/uitloggen")  # flashes "You have been logged out."
    page = client.get("/doelen").get_data(as_text=True)
    assert "Je bent uitgelogd." in page
    assert user.email not in page


def test_the_language_is_part_of_the_key(client, framework):
    assert "Leerdoelen" in client.get("/doelen").get_data(as_text=True)
    english = client.get("/doelen", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="en">' in english
