"""One response per person per goal, also when the same response is sent twice at the same moment (a double
click, two windows): the database's unique constraint keeps the first, the second answers 409 with an
explanation; never a 500, never a duplicate."""
from unittest import mock

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests.consultations.helpers import add_response, make_goals, make_round, responses
from tests.core.test_concurrency import Visitor, all_at_once, fill, form_with
from tests.race_server import race_server
from wt_curriculum.consultations import services
from wt_curriculum.consultations.models import ConsultationResponse
from wt_curriculum.extensions import db

EXPLANATION = "Je hebt al op dit leerdoel gereageerd (misschien vanuit een ander venster, op hetzelfde moment)"
ALREADY = "Je hebt al op dit leerdoel gereageerd"


def test_a_response_that_crossed_another_one_answers_409_and_keeps_the_first(app, client, login):
    codes = make_goals(app, n=1)
    round_id = make_round(app, codes)
    teacher = login("leraar")
    first = add_response(app, round_id, teacher.id, codes[0], comment="Eerste")
    # The second request checked before the first was saved: only the database can refuse it now.
    with mock.patch.object(services, "earlier_response", return_value=None):
        answer = client.post(f"/consultaties/{round_id}/reageren?doel={codes[0]}",
                             data={"position": "oneens", "comment": "Tweede"})
    assert answer.status_code == 409
    page = answer.get_data(as_text=True)
    assert EXPLANATION in page
    assert "Tweede" in page  # what was typed stays in the form
    assert [(r["id"], r["comment"]) for r in responses(app, round_id)] == [(first, "Eerste")]


def test_the_database_refuses_a_second_visible_response_but_not_replies_or_after_hiding(app, factory):
    codes = make_goals(app, n=1)
    round_id = make_round(app, codes)
    teacher = factory.user("leraar")
    first = add_response(app, round_id, teacher.id, codes[0])
    with app.app_context():
        row = db.session.get(ConsultationResponse, first)
        db.session.add(ConsultationResponse(round_id=round_id, goal_id=row.goal_id, author_id=teacher.id,
                                            author_role="leraar", position="eens", once_key=row.once_key))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
    editor = factory.user("redacteur")
    with app.app_context():
        round_ = db.session.get(services.ConsultationRound, round_id)
        services.hide_response(db.session, round_, db.session.get(ConsultationResponse, first),
                               db.session.get(services.User, editor.id), "Scheldwoorden")
        db.session.commit()
    # Hidden: its author may respond again, and the round as a whole is a response of its own.
    again = add_response(app, round_id, teacher.id, codes[0], comment="Netjes nu")
    whole = add_response(app, round_id, teacher.id, None, comment="Over de hele ronde")
    assert {r["id"] for r in responses(app, round_id)} == {first, again, whole}


@pytest.fixture
def server(app, tmp_path):
    """gunicorn with 4 workers on the test's database; yields the base URL; its log must hold no traceback."""
    with race_server(app, tmp_path / "gunicorn.log", "double-secret") as base:
        yield base


def test_the_same_response_posted_twice_at_once_is_saved_once(app, factory, server):
    codes = make_goals(app, n=4, publish=(1, 2, 3, 4))
    round_id = make_round(app, codes)
    teacher = factory.user("leraar")
    windows = [Visitor(server).login(teacher) for _ in range(2)]  # two windows of one teacher
    for code in codes:
        path = f"/consultaties/{round_id}/reageren?doel={code}"
        forms = [form_with(w.get(path), "comment") for w in windows]
        answers = all_at_once([
            (lambda w=w, f=f, p=path, c=code: w.open(p, fill(f, position="oneens", comment=f"Te moeilijk: {c}")))
            for w, f in zip(windows, forms, strict=True)])
        codes_seen = sorted(status for status, _, _ in answers)
        assert 500 not in codes_seen
        assert codes_seen in ([303, 409], [200, 303]), [(s, b[:800]) for s, b, _ in answers]
        loser = next(body for status, body, _ in answers if status != 303)
        assert ALREADY in loser  # 409: crossed in flight; 200: the first was saved before the second looked
    with app.app_context():
        per_goal = list(db.session.execute(
            select(ConsultationResponse.goal_id, func.count()).where(ConsultationResponse.round_id == round_id)
            .group_by(ConsultationResponse.goal_id)))
    assert len(per_goal) == len(codes) and all(n == 1 for _, n in per_goal), per_goal
