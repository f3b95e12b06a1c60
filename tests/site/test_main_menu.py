"""The main menu shows what the viewer's role works with and marks the current area; it is rendered once per
role, page and language and reused (site/views.py, main_menu)."""
import re

from flask import template_rendered

from tests.conftest import login_as


def nav_of(html: str) -> str:
    return html[html.index('<nav class="wrap main-nav"'):html.index('<div class="user-box">')]


def current(html: str) -> list[str]:
    return re.findall(r'aria-current="page">([^<]+)<', nav_of(html))


def test_the_menu_follows_role_page_and_language_and_is_rendered_once_for_each(app, client, factory, framework):
    rendered = []

    def record(sender, template, context, **extra):
        rendered.append(template.name)

    template_rendered.connect(record, app)
    try:
        anonymous = app.test_client()
        page = anonymous.get("/doelen/MN.3.1").text
        assert current(page) == ["Leerdoelen"] and "Jaarplanning" not in nav_of(page)
        assert current(anonymous.get("/lespakketten").text) == ["Lespakketten"]
        english = app.test_client().get("/doelen/MN.3.1", headers={"Accept-Language": "en"}).text
        assert current(english) == ["Learning goals"]

        login_as(client, app, factory.user("leraar", school_id=factory.school()))
        page = client.get("/doelen/MN.3.1").text
        menu = nav_of(page)
        assert "Jaarplanning" in menu and "Importeren en exporteren" not in menu and "Accounts" not in menu
        assert current(page) == ["Leerdoelen"]
        admin = app.test_client()
        login_as(admin, app, factory.user("beheerder"))
        menu = nav_of(admin.get("/doelen/MN.3.1").text)
        assert "Accounts" in menu and "Jaarplanning" not in menu

        before = rendered.count("macros/nav.html")
        for _ in range(3):  # the same role, page and language again: the menu is not rendered again
            assert nav_of(client.get("/doelen/MN.3.1").text) == nav_of(page)
        assert rendered.count("macros/nav.html") == before
        assert rendered.count("macros/nav.html") == 5  # anonymous 3 (two pages, two languages), teacher, admin
    finally:
        template_rendered.disconnect(record, app)
