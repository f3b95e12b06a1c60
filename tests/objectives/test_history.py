"""A goal's history: every revision, a readable diff between any two, restore as a new revision."""
import pytest

from tests.objectives.helpers import goal_form, revisions


def diff_part(html: str) -> str:
    """The diff table of a history page."""
    start = html.index('<table class="diff"')
    return html[start:html.index("</table>", start)]


@pytest.fixture
def edited(client, app, framework, login):
    """MN.7.1 edited twice: first its title and groepen, then its description."""
    login("redacteur")
    client.post("/doelen/MN.7.1/bewerken", data=goal_form(app, "MN.7.1", title="Tweede titel", groepen=[3, 8],
                                                           note="titel en groepen"))
    long_text = ("Leerlingen onderzoeken hoe een windmolen werkt. Ze bouwen er zelf een. "
                 "Daarna meten ze hoeveel stroom hij geeft bij verschillende windsnelheden.")
    client.post("/doelen/MN.7.1/bewerken", data=goal_form(app, "MN.7.1", description=long_text,
                                                           note="beschrijving herschreven"))
    return revisions(app, "MN.7.1")


def test_the_history_lists_every_revision(client, edited):
    html = client.get("/doelen/MN.7.1/geschiedenis").get_data(as_text=True)
    assert [r.number for r in edited] == [3, 2, 1]
    for note in ("titel en groepen", "beschrijving herschreven"):
        assert note in html
    assert 'name="oud" value="1"' in html and 'name="nieuw" value="3"' in html


def test_a_diff_between_two_chosen_revisions(client, edited):
    first = edited[-1].snapshot
    html = diff_part(client.get("/doelen/MN.7.1/geschiedenis?oud=1&nieuw=2").get_data(as_text=True))
    assert f"<del>{first['title']}</del>" in html and "<ins>Tweede titel</ins>" in html
    assert "<ins>3, 8</ins>" in html  # groepen
    assert "code curriculum.nu" not in html  # unchanged fields are not listed
    assert "Daarna meten ze" not in html  # the description changed only in revision 3

    html = diff_part(client.get("/doelen/MN.7.1/geschiedenis?oud=2&nieuw=3").get_data(as_text=True))
    assert "Tweede titel" not in html
    assert "Daarna meten ze hoeveel stroom hij geeft bij verschillende windsnelheden." in html
    assert 'class="diff-added"' in html and 'class="diff-removed"' in html

    # Any two, in either order: newer first shows the change backwards.
    html = diff_part(client.get("/doelen/MN.7.1/geschiedenis?oud=3&nieuw=1").get_data(as_text=True))
    assert "<del>Tweede titel</del>" in html and f"<ins>{first['title']}</ins>" in html


def test_unknown_revisions_fall_back_to_the_latest_change(client, edited):
    response = client.get("/doelen/MN.7.1/geschiedenis?oud=abc&nieuw=99")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Kies twee versies van dit leerdoel" in html
    assert "Daarna meten ze" in html  # revision 2 → 3


def test_same_revision_twice_shows_no_differences(client, edited):
    assert "Geen verschillen" in client.get("/doelen/MN.7.1/geschiedenis?oud=2&nieuw=2").get_data(as_text=True)
