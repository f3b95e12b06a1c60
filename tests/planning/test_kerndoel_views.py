"""Coverage per kerndoel / doelzin: the network service, the school, network and transition pages, the
view switch on the coverage pages, and the 400s for a bad set or year. Hand-made data: kerndoel_world."""
import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.planning.kerndoel_world import build
from wt_curriculum.extensions import db
from wt_curriculum.planning.kerndoelen import network_kerndoel_coverage, school_kerndoel_coverage


@pytest.fixture
def world(app):
    return build(app)


def _row(page: str, code: str) -> str:
    """The text of the table row of one node (tags removed, spaces collapsed)."""
    match = re.search(rf'<tr id="node-{re.escape(code)}">(.*?)</tr>', page, re.S)
    assert match, f"no row for {code}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.unescape(match.group(1)))).strip()


def _links(page: str) -> list[tuple[str, dict]]:
    return [(urlsplit(h).path, {k: v[0] for k, v in parse_qs(urlsplit(h).query).items()})
            for h in (html.unescape(x) for x in re.findall(r'href="([^"]+)"', page))]


# --- Services ----------------------------------------------------------------------------------
def test_network_kerndoel_coverage_2025(app, world):
    with app.app_context():
        data = network_kerndoel_coverage(db.session, world["network"], 2026, "kd2025-po")
    # Archived Delta is left out; Charlie has no plan for 2026-2027 and is not counted.
    assert [(s.name, s.has_plan) for s in data.schools] == [("Alfa", True), ("Bravo", True), ("Charlie", False)]
    got = {n.code: (n.school_ids, n.covered, n.of, n.share, n.is_leaf) for n in data.nodes}
    alfa, bravo = world["alfa"], world["bravo"]
    assert got == {
        "KD2025-PO-29": ({alfa, bravo}, 2, 2, 1.0, False),
        "KD2025-PO-29A": ({alfa, bravo}, 2, 2, 1.0, True),
        "KD2025-PO-29B": ({alfa}, 1, 2, 0.5, True),
        "KD2025-PO-30": (set(), 0, 2, 0.0, False),
        "KD2025-PO-30A": (set(), 0, 2, 0.0, True),
    }
    assert [(top.code, [leaf.code for leaf in leaves]) for top, leaves in data.groups] == [
        ("KD2025-PO-29", ["KD2025-PO-29A", "KD2025-PO-29B"]), ("KD2025-PO-30", ["KD2025-PO-30A"])]


def test_network_kerndoel_coverage_2006_and_another_year(app, world):
    with app.app_context():
        now = network_kerndoel_coverage(db.session, world["network"], 2026, "kd2006-po")
        before = network_kerndoel_coverage(db.session, world["network"], 2025, "kd2006-po")
        empty = network_kerndoel_coverage(db.session, world["network"], 2030, "kd2006-po")
    assert {n.code: n.school_ids for n in now.nodes} == {
        "KD2006-PO-40": {world["alfa"], world["bravo"]}, "KD2006-PO-42": {world["alfa"]}}
    assert {n.code: (n.school_ids, n.of) for n in before.nodes} == {
        "KD2006-PO-40": (set(), 1), "KD2006-PO-42": ({world["charlie"]}, 1)}
    assert [n.share for n in empty.nodes] == [0.0, 0.0] and empty.schools_with_plan == []


def test_network_kerndoel_coverage_runs_a_fixed_number_of_queries(app, factory, count_queries):
    small = build(app, extra_schools=2)
    with app.app_context():
        db.session.remove()
        with count_queries() as few:
            data = network_kerndoel_coverage(db.session, small["network"], 2026, "kd2025-po")
        assert len(data.schools_with_plan) == 4
        db.session.remove()
    # A second, much larger network in the same database.
    large = _second_network(app, 30)
    with app.app_context():
        db.session.remove()
        with count_queries() as many:
            data = network_kerndoel_coverage(db.session, large, 2026, "kd2025-po")
        assert len(data.schools_with_plan) == 30
        assert {n.code: n.covered for n in data.leaves} == {
            "KD2025-PO-29A": 30, "KD2025-PO-29B": 30, "KD2025-PO-30A": 0}
    assert few.count == many.count == 6


def _second_network(app, size: int) -> int:
    from sqlalchemy import select

    from tests.planning.builders import Builder
    from wt_curriculum.lessons.models import LessonPackage

    with app.app_context():
        b = Builder(db.session)
        b.packages = {p.title: p for p in db.session.scalars(select(LessonPackage))}
        network = b.network("GROOT")
        for n in range(size):
            school = b.school(network, f"Groot {n:03d}")
            b.plan(school, 2026, 3, "Proefjespakket")
            b.plan(school, 2026, 5, "Zaaipakket")
        db.session.commit()
        return network


def test_school_kerndoel_coverage_counts_leaves(app, world):
    with app.app_context():
        new = school_kerndoel_coverage(db.session, world["alfa"], 2026, "kd2025-po")
        old = school_kerndoel_coverage(db.session, world["bravo"], 2026, "kd2006-po")
        none = school_kerndoel_coverage(db.session, world["charlie"], 2026, "kd2025-po")
    assert (new.covered, new.total, new.has_plan) == (2, 3, True)
    assert (old.covered, old.total) == (1, 2)
    assert (none.covered, none.total, none.has_plan) == (0, 3, False)


# --- The school page ---------------------------------------------------------------------------
def test_school_page_per_doelzin_shows_packages_and_groepen(client, login, world):
    login("coordinator", school_id=world["alfa"])
    response = client.get(f"/scholen/{world['alfa']}/kerndoelen?set=kd2025-po&jaar=2026-2027")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "2 van 3 doelzinnen gedekt" in page
    assert _row(page, "KD2025-PO-29A").startswith("↳ KD2025-PO-29A")
    assert "✔ ja 3-4 Plantenpakket (groep 3-4) K.S.A" in _row(page, "KD2025-PO-29A")
    assert "✔ ja 7 Proefjespakket (groep 7) K.S.B" in _row(page, "KD2025-PO-29B")
    assert "1 van 1 doelzin" not in _row(page, "KD2025-PO-30")
    assert "0 van 1 doelzin" in _row(page, "KD2025-PO-30")
    assert "✘ nee" in _row(page, "KD2025-PO-30A")
    # The kerndoel row sums its doelzinnen: both packages, groepen 3, 4 and 7.
    assert "2 van 2 doelzinnen 3-4, 7 Plantenpakket (groep 3-4) Proefjespakket (groep 7)" in _row(page, "KD2025-PO-29")
    # Accessible structure: a caption, header cells with a scope, a chart with a text alternative.
    assert "<caption>" in page and 'scope="col"' in page and 'scope="row"' in page
    assert 'role="img"' in page and "<desc" in page


def test_school_page_per_kerndoel_2006(client, login, world):
    login("leraar", school_id=world["bravo"])
    page = client.get(f"/scholen/{world['bravo']}/kerndoelen?set=kd2006-po&jaar=2026-2027").get_data(as_text=True)
    assert "1 van 2 kerndoelen gedekt" in page
    assert "✔ ja 5 Zaaipakket (groep 5) K.S.A" in _row(page, "KD2006-PO-40")
    assert "✘ nee" in _row(page, "KD2006-PO-42")


def test_school_page_without_plan_says_so_and_defaults_to_2025(client, login, world):
    login("coordinator", school_id=world["charlie"])
    page = client.get(f"/scholen/{world['charlie']}/kerndoelen?jaar=2026-2027").get_data(as_text=True)
    assert "Er is nog geen jaarplanning voor 2026-2027" in page
    assert "Dekking per doelzin 2025" in page


def test_school_page_keeps_the_set_in_the_year_picker(client, login, world):
    login("coordinator", school_id=world["alfa"])
    page = client.get(f"/scholen/{world['alfa']}/kerndoelen?set=kd2006-po&jaar=2026-2027").get_data(as_text=True)
    assert '<input type="hidden" name="set" value="kd2006-po">' in page
    assert '<option value="2026-2027" selected>' in page


# --- The network page --------------------------------------------------------------------------
def test_network_page_shows_shares_per_school(client, login, world):
    login("netwerkcoordinator", network_id=world["network"])
    response = client.get(f"/netwerken/{world['network']}/kerndoelen?set=kd2025-po&jaar=2026-2027")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "2 van 3 scholen hebben een jaarplanning voor 2026-2027" in page
    assert _row(page, "KD2025-PO-29B") == ("↳ KD2025-PO-29B Knoop KD2025-PO-29B (doelzin) 50% (1 van 2) "
                                           "✔ gedekt – niet gedekt")
    assert _row(page, "KD2025-PO-29A").endswith("100% (2 van 2) ✔ gedekt ✔ gedekt")
    assert "0% (0 van 2)" in _row(page, "KD2025-PO-30A")
    assert "Scholen zonder jaarplanning voor 2026-2027" in page and "Charlie" in page
    assert "Delta" not in page and "Echo" not in page


def test_network_page_without_plans(client, login, world):
    login("redacteur")
    page = client.get(f"/netwerken/{world['network']}/kerndoelen?set=kd2006-po&jaar=2030-2031").get_data(as_text=True)
    assert "Geen school van dit netwerk heeft een jaarplanning voor 2030-2031." in page


# --- The transition page -----------------------------------------------------------------------
def test_transition_page(client, login, world):
    login("coordinator", school_id=world["alfa"])
    response = client.get(f"/scholen/{world['alfa']}/overgang?jaar=2026-2027")
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "dekt de jaarplanning 2 van 2 kerndoelen; onder de kerndoelen 2025 2 van 3 doelzinnen" in text
    covered_2006 = text.split("Gedekt onder de kerndoelen 2006")[1].split("Nog niet gedekt onder")[0]
    assert "KD2006-PO-40 Knoop KD2006-PO-40 (kerndoel) 3-4 Plantenpakket (groep 3-4) K.S.A" in covered_2006
    assert "KD2006-PO-42 Knoop KD2006-PO-42 (kerndoel) 7 Proefjespakket (groep 7) K.S.B, K.S.C" in covered_2006
    missing_2025 = text.split("Nog niet gedekt onder de kerndoelen 2025")[1].split("Al gedekt onder")[0]
    # The doelzin still missing, with the published goal that would cover it (not the draft E).
    assert "KD2025-PO-30A Knoop KD2025-PO-30A (doelzin) K.S.D Doel K.S.D" in missing_2025
    assert "K.S.E" not in missing_2025 and "KD2025-PO-29" not in missing_2025
    covered_2025 = text.split("Al gedekt onder de kerndoelen 2025")[1]
    assert "KD2025-PO-29A Knoop KD2025-PO-29A (doelzin) 3-4 Plantenpakket (groep 3-4)" in covered_2025
    assert "KD2025-PO-29B Knoop KD2025-PO-29B (doelzin) 7 Proefjespakket (groep 7)" in covered_2025


def test_transition_page_of_a_year_without_plan(client, login, world):
    login("coordinator", school_id=world["alfa"])
    page = html.unescape(client.get(f"/scholen/{world['alfa']}/overgang?jaar=2024-2025").get_data(as_text=True))
    assert "De jaarplanning dekt geen van de kerndoelen 2006." in page
    assert "De jaarplanning dekt nog geen van de doelzinnen 2025." in page


# --- The switch on the coverage pages ----------------------------------------------------------
def test_school_coverage_page_links_to_the_per_kerndoel_views(client, login, world):
    login("coordinator", school_id=world["alfa"])
    school = world["alfa"]
    page = client.get(f"/scholen/{school}/dekking?jaar=2025-2026").get_data(as_text=True)
    links = _links(page)
    assert (f"/scholen/{school}/kerndoelen", {"set": "kd2006-po", "jaar": "2025-2026"}) in links
    assert (f"/scholen/{school}/kerndoelen", {"set": "kd2025-po", "jaar": "2025-2026"}) in links
    assert (f"/scholen/{school}/overgang", {"jaar": "2025-2026"}) in links
    assert "per doelzin 2025" in page and "Overgang 2006 → 2025" in page
    # ... and back: the per-kerndoel page links to the goal view with the same year.
    page = client.get(f"/scholen/{school}/kerndoelen?set=kd2006-po&jaar=2025-2026").get_data(as_text=True)
    assert (f"/scholen/{school}/dekking", {"jaar": "2025-2026"}) in _links(page)
    assert re.search(r'aria-current="page">per kerndoel 2006<', page)


def test_network_coverage_page_links_to_the_per_kerndoel_views(client, login, world):
    login("beheerder")
    network = world["network"]
    page = client.get(f"/netwerken/{network}/dekking?jaar=2026-2027").get_data(as_text=True)
    links = _links(page)
    assert (f"/netwerken/{network}/kerndoelen", {"set": "kd2006-po", "jaar": "2026-2027"}) in links
    assert (f"/netwerken/{network}/kerndoelen", {"set": "kd2025-po", "jaar": "2026-2027"}) in links
    assert not any(path.endswith("/overgang") for path, _ in links)
    page = client.get(f"/netwerken/{network}/kerndoelen?set=kd2025-po&jaar=2026-2027").get_data(as_text=True)
    assert (f"/netwerken/{network}/dekking", {"jaar": "2026-2027"}) in _links(page)


# --- Bad requests and other people's schools ---------------------------------------------------
@pytest.mark.parametrize("query", ["set=kd2099-po&jaar=2026-2027", "set=cnu-2019", "set=KD2025-PO", "jaar=2026",
                                   "set=kd2025-po&jaar=2026-2028", "jaar=twintig", "jaar=1999-2000"])
@pytest.mark.parametrize("page", ["scholen/{school}/kerndoelen", "netwerken/{network}/kerndoelen"])
def test_a_bad_set_or_year_is_a_friendly_400(client, login, world, page, query):
    login("beheerder")
    response = client.get("/" + page.format(school=world["alfa"], network=world["network"]) + "?" + query)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Kies een van de sets kerndoelen" in text or "Een schooljaar schrijf je als 2026-2027" in text


@pytest.mark.parametrize("query", ["jaar=2026", "jaar=2026-2026", "jaar=2026-2027%20x"])
def test_transition_with_a_bad_year_is_a_friendly_400(client, login, world, query):
    login("beheerder")
    response = client.get(f"/scholen/{world['alfa']}/overgang?{query}")
    assert response.status_code == 400
    assert "Een schooljaar schrijf je als 2026-2027" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/scholen/{school}/kerndoelen?set=%00", "/netwerken/{network}/kerndoelen?jaar=%00",
                                  "/scholen/{school}/overgang?jaar=%00"])
def test_nul_in_the_query_is_refused(client, login, world, path):
    login("beheerder")
    assert client.get(path.format(school=world["alfa"], network=world["network"])).status_code == 400


def test_unknown_school_or_network_is_404(client, login, world):
    login("beheerder")
    assert client.get("/scholen/999999/kerndoelen?set=kd2025-po").status_code == 404
    assert client.get("/scholen/999999/overgang").status_code == 404
    assert client.get("/netwerken/999999/kerndoelen").status_code == 404


def test_reference_data_not_loaded_is_a_friendly_404(client, login, factory):
    school = factory.school()
    login("beheerder")
    response = client.get(f"/scholen/{school}/kerndoelen?set=kd2006-po&jaar=2026-2027")
    assert response.status_code == 404
    assert "kd2006-po" in response.get_data(as_text=True)


def test_other_schools_and_networks_are_forbidden(client, login, world):
    login("coordinator", school_id=world["alfa"])
    assert client.get(f"/scholen/{world['bravo']}/kerndoelen?set=kd2025-po").status_code == 403
    assert client.get(f"/scholen/{world['bravo']}/overgang").status_code == 403
    assert client.get(f"/netwerken/{world['network']}/kerndoelen").status_code == 403
    # Forbidden comes before the check of the request: no hint about what would have been shown.
    assert client.get(f"/scholen/{world['bravo']}/kerndoelen?set=onzin").status_code == 403


def test_network_coordinators_see_their_own_network_only(client, login, world):
    login("netwerkcoordinator", network_id=world["other_network"])
    assert client.get(f"/netwerken/{world['network']}/kerndoelen").status_code == 403
    assert client.get(f"/scholen/{world['alfa']}/kerndoelen").status_code == 403
    assert client.get(f"/scholen/{world['echo']}/kerndoelen?jaar=2026-2027").status_code == 200
    assert client.get(f"/scholen/{world['echo']}/overgang?jaar=2026-2027").status_code == 200
    assert client.get(f"/netwerken/{world['other_network']}/kerndoelen?jaar=2026-2027").status_code == 200
