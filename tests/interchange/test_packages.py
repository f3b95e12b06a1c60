"""Importing lesson packages with their alignments."""
from sqlalchemy import select

from tests.interchange.helpers import P1_UUID, confirm, counts, error_lines, errors_of, read, token_of, upload
from wt_curriculum.extensions import db


def test_a_new_package_is_created_aligned_and_published(app, client, login, world):
    login("redacteur")
    before = counts(app)
    response = upload(client, "packages", read("packages_new.csv"))
    assert not errors_of(response) and counts(app) == before
    assert confirm(client, "packages", token_of(response)).status_code == 302
    after = counts(app)
    assert after["lesson_package"] == before["lesson_package"] + 1
    assert after["alignment"] == before["alignment"] + 2
    with app.app_context():
        from wt_curriculum.core.models import Revision
        from wt_curriculum.lessons.models import LessonPackage
        from wt_curriculum.lessons.services import aligned_goals

        package = db.session.scalar(select(LessonPackage).where(LessonPackage.title == "Luchtdruk onderzoeken"))
        assert package.status == "gepubliceerd" and package.network_id == world["utr"]
        assert package.materials == "ballon\nfles" and package.licence == "CC-BY" and package.lesson_count == 3
        goals = aligned_goals(db.session, [package.id])[package.id]
        assert [(g.code, g.relation) for g in goals] == [("MN.3.2", "kern"), ("MN.6.1", "raakt")]
        actions = db.session.scalars(select(Revision.action).where(
            Revision.entity_type == "package", Revision.entity_id == package.id).order_by(Revision.number)).all()
        assert actions == ["create", "publish"]
    assert token_of(upload(client, "packages", read("packages_new.csv"))) is None  # second time: no change


def test_errors_are_reported_by_line_and_nothing_is_written(app, client, login, world):
    login("redacteur")
    before = counts(app)
    response = upload(client, "packages", read("packages_errors.csv"))
    # The editor may import every network's packages: line 10 is fine for them.
    assert error_lines(response) == [2, 3, 4, 5, 6, 8, 9, 11]
    assert "MN.99.1" in errors_of(response)[0] and "WT-XXX" in errors_of(response)[1]
    assert counts(app) == before


def test_a_network_coordinator_imports_only_their_own_networks_packages(app, client, login, world):
    login("netwerkcoordinator", network_id=world["utr"])
    before = counts(app)
    response = upload(client, "packages", read("packages_errors.csv"))
    assert 10 in error_lines(response) and "WT-ALK" in " ".join(errors_of(response))
    assert counts(app) == before
    # Their own network's packages, exported and imported again: no changes.
    exported = client.get("/uitwisseling/lespakketten/export?netwerk=WT-UTR").data
    response = upload(client, "packages", exported)
    assert not errors_of(response) and token_of(response) is None
    # The full export holds another network's package: refused.
    response = upload(client, "packages", client.get("/uitwisseling/lespakketten/export").data)
    assert errors_of(response)


def test_changes_to_an_existing_package_show_field_by_field(app, client, login, world):
    login("beheerder")
    exported = client.get("/uitwisseling/lespakketten/export?format=csv&delimiter=,").data.decode("utf-8-sig")
    lines = exported.splitlines()
    lines = [lines[0]] + [x.replace("Drijven en zinken", "Drijven en zinken in bad").replace(
        "MN.3.2:kern; MN.3.1:raakt", "MN.3.2:kern") for x in lines[1:]]
    before = counts(app)
    response = upload(client, "packages", ("\n".join(lines) + "\n").encode())
    html = response.get_data(as_text=True)
    assert not errors_of(response)
    assert "Drijven en zinken → Drijven en zinken in bad" in html
    assert "MN.3.2:kern; MN.3.1:raakt → MN.3.2:kern" in html
    assert confirm(client, "packages", token_of(response)).status_code == 302
    after = counts(app)
    assert after["alignment"] == before["alignment"] - 1
    assert after["revision"] == before["revision"] + 1
    with app.app_context():
        from wt_curriculum.lessons.models import LessonPackage

        package = db.session.scalar(select(LessonPackage).where(LessonPackage.uuid == P1_UUID))
        assert package.title == "Drijven en zinken in bad" and package.version == 2


def test_withdrawing_and_bad_transitions(app, client, login, world):
    login("redacteur")
    header = "uuid;title;groepen;network;status;goals\n"
    row = f'{P1_UUID};Drijven en zinken;5-6;WT-UTR;{{status}};"MN.3.2:kern; MN.3.1:raakt"\n'
    response = upload(client, "packages", (header + row.format(status="concept")).encode())
    assert error_lines(response) == [2]
    response = upload(client, "packages", (header + row.format(status="ingetrokken")).encode())
    assert not errors_of(response) and "gepubliceerd → ingetrokken" in response.get_data(as_text=True)
    assert confirm(client, "packages", token_of(response)).status_code == 302
    with app.app_context():
        from wt_curriculum.lessons.models import LessonPackage

        assert db.session.get(LessonPackage, world["p1"]).status == "ingetrokken"
