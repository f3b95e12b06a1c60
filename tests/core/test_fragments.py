"""The fragment cache: what does not depend on the viewer is rendered once and shared by every visitor,
anonymous or logged in (and by every worker through Redis); a change shows at the next request."""
import os
import re
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tests.conftest import BASE_CONFIG, login_as
from wt_curriculum.extensions import db

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "")


def main_of(html: str) -> str:
    return re.sub(r'value="[^"]+"', "", html[html.index("<main"):html.index("</main>")])


def change_goal_title(app, code: str, title: str) -> None:
    from wt_curriculum.objectives.models import Goal

    with app.app_context():
        db.session.scalar(select(Goal).where(Goal.code == code)).title = title
        db.session.commit()


def make_package(app, network_id: int, status="gepubliceerd") -> int:
    from wt_curriculum.lessons.models import Alignment, LessonPackage
    from wt_curriculum.objectives.models import Goal

    with app.app_context():
        goal_id = db.session.scalar(select(Goal.id).where(Goal.code == "MN.3.1"))
        package = LessonPackage(uuid=str(uuid.uuid4()), title="Drijven en zinken", summary="Proefjes met water",
                                description="Leerlingen **onderzoeken** wat drijft.", groepen_mask=0b00110000,
                                lesson_count=3, minutes_per_lesson=45, network_id=network_id, licence="CC-BY-SA",
                                status=status, published_at=datetime.now(UTC),
                                alignments=[Alignment(goal_id=goal_id, relation="kern")])
        db.session.add(package)
        db.session.commit()
        return package.id


def test_logged_in_viewers_share_the_goal_body_and_get_their_own_buttons(app, client, factory, framework,
                                                                          count_queries):
    school = factory.school()  # every user first: a new school is a change of content (a new generation)
    teacher, coordinator_user = factory.user("leraar", school_id=school), factory.user("coordinator", school_id=school)
    editor = factory.user("redacteur")
    login_as(client, app, teacher)
    with count_queries() as first:
        page = client.get("/doelen/MN.3.1").get_data(as_text=True)
    assert "MN.3.1" in page and "/doelen/MN.3.1/bewerken" not in page
    coordinator = app.test_client()
    login_as(coordinator, app, coordinator_user)
    with count_queries() as second:
        assert main_of(coordinator.get("/doelen/MN.3.1").get_data(as_text=True)) == main_of(page)
    # The body came from the cache: the user, the generation and the header's unread count; no goal, section
    # or package queries.
    assert second.count == 3 < first.count
    other = app.test_client()
    login_as(other, app, editor)  # editors see drafts: a body of their own
    page = other.get("/doelen/MN.3.1").get_data(as_text=True)
    assert "/doelen/MN.3.1/bewerken" in page and "MN.3.1" in page
    anonymous = app.test_client()
    assert "/doelen/MN.3.1/bewerken" not in anonymous.get("/doelen/MN.3.1").get_data(as_text=True)

    change_goal_title(app, "MN.3.1", "Een nieuwe titel voor dit leerdoel")
    for c in (client, other):
        page = c.get("/doelen/MN.3.1").get_data(as_text=True)
        assert "Een nieuwe titel voor dit leerdoel" in page
        assert "<title>MN.3.1 Een nieuwe titel voor dit leerdoel" in page


def test_a_draft_goal_cached_for_an_editor_stays_hidden_from_others(app, client, factory, framework):
    from wt_curriculum.objectives.models import Goal

    with app.app_context():
        db.session.scalar(select(Goal).where(Goal.code == "MN.3.1")).status = "concept"
        db.session.commit()
    login_as(client, app, factory.user("redacteur"))
    assert "This goal is a draft" in client.get("/doelen/MN.3.1?lang=en").get_data(as_text=True) or \
        "Dit leerdoel is een concept" in client.get("/doelen/MN.3.1").get_data(as_text=True)
    teacher = app.test_client()
    login_as(teacher, app, factory.user("leraar"))
    assert teacher.get("/doelen/MN.3.1").status_code == 404


def test_the_package_body_is_shared_and_the_plan_form_is_per_viewer(app, client, factory, framework,
                                                                     count_queries):
    network = factory.network()
    package_id = make_package(app, network)
    teacher = factory.user("leraar")
    anonymous = app.test_client()
    page = anonymous.get(f"/lespakketten/{package_id}").get_data(as_text=True)
    assert "Drijven en zinken" in page and "<strong>onderzoeken</strong>" in page
    assert 'name="package_id"' not in page
    login_as(client, app, teacher)
    with count_queries() as teacher:
        page = client.get(f"/lespakketten/{package_id}").get_data(as_text=True)
    assert "<strong>onderzoeken</strong>" in page and "MN.3.1" in page
    assert f'name="package_id" value="{package_id}"' in page  # the teacher's plan form, in its slot
    assert 'name="csrf_token" value="' in page
    # The user and the generation: not the package, its network, goals or attachments.
    tables = [q.split("FROM")[1].split()[0].strip('"') for q in teacher.statements]
    assert tables[:2] == ["user", "content_generation"]
    # The rest are the per-viewer parts (the header's notifications, the experience form); the body's tables,
    # where it was adopted from and its copies stay unread, and the use in schools and the rating are a cached
    # fragment too (tests/planning/test_experiences.py).
    assert not {"goal", "alignment", "attachment", "network", "package_adoption", "lesson_package"} & set(tables)


def test_a_draft_package_cached_for_its_network_is_not_shown_to_a_teacher(app, client, factory, framework):
    network = factory.network()
    package_id = make_package(app, network, status="concept")
    login_as(client, app, factory.user("netwerkcoordinator", network_id=network))
    assert client.get(f"/lespakketten/{package_id}").status_code == 200
    teacher = app.test_client()
    login_as(teacher, app, factory.user("leraar"))
    assert teacher.get(f"/lespakketten/{package_id}").status_code == 404


def test_school_coverage_is_cached_per_school_and_year_and_follows_the_plan(app, client, factory, framework,
                                                                            count_queries):
    network = factory.network()
    package_id = make_package(app, network)
    school = factory.school(network_id=network)
    coordinator, teacher = factory.user("coordinator", school_id=school), factory.user("leraar", school_id=school)
    login_as(client, app, coordinator)
    with count_queries() as first:
        page = client.get(f"/scholen/{school}/dekking?jaar=2026-2027").get_data(as_text=True)
    assert "0 van 120 leerdoelen gedekt" in page
    colleague = app.test_client()
    login_as(colleague, app, teacher)
    with count_queries() as second:
        again = colleague.get(f"/scholen/{school}/dekking?jaar=2026-2027").get_data(as_text=True)
    assert second.count < first.count
    assert again.count("<table") == page.count("<table") and "MN.3.1" in again
    response = client.post("/plan/toevoegen", data={"package_id": package_id, "school_year": "2026-2027",
                                                         "groep": 1, "next": "/"})
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
    page = colleague.get(f"/scholen/{school}/dekking?jaar=2026-2027").get_data(as_text=True)
    assert "1 van 120 leerdoelen gedekt" in page


def test_with_the_fragment_cache_off_every_request_renders(app, client, factory, framework, count_queries):
    app.config["FRAGMENT_CACHE"] = False
    login_as(client, app, factory.user("leraar"))
    client.get("/doelen/MN.3.1")
    with count_queries() as first:
        client.get("/doelen/MN.3.1")
    with count_queries() as second:
        client.get("/doelen/MN.3.1")
    assert first.count == second.count >= 4  # user, goal, two sections


def test_workers_share_fragments_through_redis(app, framework, factory, count_queries):
    """Two app instances with REDIS_URL stand for two workers (or machines): the second reuses the first's."""
    if not TEST_REDIS_URL:
        if os.environ.get("CI"):
            pytest.fail("CI must test the Redis cache: set TEST_REDIS_URL")
        pytest.skip("TEST_REDIS_URL is not set: the Redis fragment cache is not tested here")
    from wt_curriculum import create_app

    config = {**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
              "REDIS_URL": TEST_REDIS_URL, "CACHE_KEY_PREFIX": f"wt-test-{uuid.uuid4().hex}:"}
    one, two = create_app(config), create_app(config)
    teacher = factory.user("leraar")
    a, b = one.test_client(), two.test_client()
    login_as(a, one, teacher)
    login_as(b, two, teacher)
    assert "MN.3.1" in a.get("/doelen/MN.3.1").get_data(as_text=True)
    from wt_curriculum.core.fragments import cache

    with two.app_context():
        assert type(cache.cache).__name__ == "RedisCache"
        engine = db.engine
    from sqlalchemy import event

    statements = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    assert "MN.3.1" in b.get("/doelen/MN.3.1").get_data(as_text=True)
    assert not any("FROM goal" in s for s in statements)  # rendered by the other worker
    with one.app_context():
        cache.clear()
        db.engine.dispose()
    with two.app_context():
        db.engine.dispose()


def test_search_results_are_shared_by_logged_in_users_and_authors_keep_their_links(app, client, factory, framework,
                                                                                   count_queries):
    network = factory.network()
    make_package(app, network)
    school = factory.school(network_id=network)
    teacher, other, author = (factory.user("leraar", school_id=school), factory.user("coordinator", school_id=school),
                              factory.user("netwerkcoordinator", network_id=network))
    login_as(client, app, teacher)
    with count_queries() as first:
        page = client.get("/lespakketten?q=drijven&domain=MN").get_data(as_text=True)
    assert "Drijven en zinken" in page and "/lespakketten/nieuw" not in page
    colleague = app.test_client()
    login_as(colleague, app, other)
    with count_queries() as second:
        assert main_of(colleague.get("/lespakketten?domain=MN&q=drijven").get_data(as_text=True)) == main_of(page)
    assert second.count == 3 < first.count  # the user, the generation and the header's unread count
    writer = app.test_client()
    login_as(writer, app, author)
    page = writer.get("/lespakketten?q=drijven&domain=MN").get_data(as_text=True)
    assert "/lespakketten/nieuw" in page and "Drijven en zinken" in page
