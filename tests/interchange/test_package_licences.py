"""The licence rules of adopting hold for the CSV import of packages too (issue 21): all rights reserved may
not be copied, a copy of a CC BY-ND package is not changed, a ShareAlike copy keeps its licence, and an adopted
copy changes only as its licence allows. Each refusal names its line; nothing of the file is written."""
from sqlalchemy import update

from tests.interchange.helpers import P2_UUID, confirm, counts, error_lines, errors_of, token_of, upload
from wt_curriculum.extensions import db

HEADER = "uuid;titel;samenvatting;omschrijving;groepen;lessen;minuten;trefwoorden;netwerk;licentie;leerdoelen\n"
# P2 of the world (WT-ALK): "Robots programmeren", Samenvatting / Omschrijving, groep 5-6, 4 x 60 minutes,
# "water, proeven", DG.1.1 kern.
COPY = ";Robots programmeren;Samenvatting;Omschrijving;5-6;4;{minutes};water, proeven;WT-UTR;{licence};DG.1.1:kern\n"
FINE = ";Iets nieuws;Eigen werk;Eigen omschrijving;5-6;2;45;;WT-UTR;CC-BY;DG.1.1:kern\n"


def _licence(app, licence):
    from wt_curriculum.lessons.models import LessonPackage

    with app.app_context():
        db.session.execute(update(LessonPackage).where(LessonPackage.uuid == P2_UUID).values(licence=licence))
        db.session.commit()


def _csv(*lines) -> bytes:
    return (HEADER + "".join(lines)).encode()


def test_all_rights_reserved_is_not_copied_and_nothing_is_written(app, client, login, world):
    _licence(app, "ARR")
    login("netwerkcoordinator", network_id=world["utr"])
    before = counts(app)
    response = upload(client, "packages", _csv(FINE, COPY.format(minutes=60, licence="CC-BY")))
    assert error_lines(response) == [3]
    assert "kopie van “Robots programmeren” van netwerk WT-ALK" in errors_of(response)[0]
    assert "alle rechten voorbehouden" in errors_of(response)[0]
    assert token_of(response) is None and counts(app) == before  # all or nothing: line 2 is not written either


def test_a_copy_of_a_by_nd_package_stays_unchanged(app, client, login, world):
    _licence(app, "CC-BY-ND")
    login("netwerkcoordinator", network_id=world["utr"])
    response = upload(client, "packages", _csv(COPY.format(minutes=45, licence="CC-BY-ND")))
    assert error_lines(response) == [2] and "CC BY-ND" in errors_of(response)[0]
    response = upload(client, "packages", _csv(COPY.format(minutes=60, licence="CC-BY")))  # a new licence: a change
    assert error_lines(response) == [2]
    before = counts(app)
    response = upload(client, "packages", _csv(COPY.format(minutes=60, licence="CC-BY-ND")))  # unchanged: allowed
    assert not errors_of(response)
    assert confirm(client, "packages", token_of(response)).status_code == 302
    assert counts(app)["lesson_package"] == before["lesson_package"] + 1


def test_a_share_alike_copy_keeps_its_licence(app, client, login, world):
    login("netwerkcoordinator", network_id=world["utr"])  # P2 is CC-BY-SA in the world
    response = upload(client, "packages", _csv(COPY.format(minutes=45, licence="CC-BY")))
    assert error_lines(response) == [2] and "ShareAlike" in errors_of(response)[0]
    response = upload(client, "packages", _csv(COPY.format(minutes=45, licence="CC-BY-SA")))  # adapted: fine
    assert not errors_of(response) and token_of(response)


def test_an_adopted_by_nd_copy_is_not_changed_by_an_import(app, client, login, world):
    from wt_curriculum.auth.models import User
    from wt_curriculum.lessons import adoption

    _licence(app, "CC-BY-ND")
    user = login("netwerkcoordinator", network_id=world["utr"])
    with app.app_context():
        copy = adoption.adopt_package(db.session, world["p2"], db.session.get(User, user.id), world["utr"])
        copy_uuid = copy.uuid
        db.session.commit()
    line = f"{copy_uuid};Robots programmeren;Samenvatting;Omschrijving;5-6;4;{{minutes}};water, proeven;WT-UTR;" \
           "CC-BY-ND;DG.1.1:kern\n"
    response = upload(client, "packages", _csv(line.format(minutes=60)))
    assert not errors_of(response) and token_of(response) is None  # the same: nothing to do
    before = counts(app)
    response = upload(client, "packages", _csv(FINE, line.format(minutes=30)))
    assert error_lines(response) == [3]
    assert "is overgenomen onder CC BY-ND" in errors_of(response)[0]
    assert token_of(response) is None and counts(app) == before
