"""Nothing lost under load: real concurrent requests against gunicorn (4 workers) on the test's database.

SQLite (WAL, busy timeout) in the SQLite pass, PostgreSQL with TEST_DATABASE_URL. Every visitor logs in
through the real login form with CSRF on, over HTTP, with the standard library only.

- Two editors open the same goal (or package, or plan entry) at the same version and save different
  changes at the same moment: exactly one is saved, the other gets 409 with the explanation, and the
  database holds the winner's change with exactly one new revision.
- Many school users add and change plan entries at once: every write is stored, nothing answers 500,
  and "database is locked" never surfaces.
- Issue 15: publish/withdraw of one package, retire/reinstate of one goal and moves in one strand at the same
  moment have one winner and clear 409s; double-submitted create forms make one record each.
"""
import http.cookiejar
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from tests.conftest import PASSWORD, UserRef
from tests.planning.builders import Builder
from tests.race_server import race_server
from wt_curriculum.core.models import Revision
from wt_curriculum.extensions import db

WORKERS = 4
ROUNDS = 3  # races per record: both ways of losing (version seen stale, or the UPDATE finding no row) get a chance
GOAL_CONFLICT = "Iemand anders heeft dit leerdoel opgeslagen nadat je het opende"
PACKAGE_CONFLICT = "Iemand anders heeft dit lespakket"
PLAN_CONFLICT = "Iemand anders heeft deze planningsregel al gewijzigd"


# --- A visitor over real HTTP --------------------------------------------------------------------------------


class _Forms(HTMLParser):
    """The forms of a page as lists of (name, value), as a browser would submit them (no buttons)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append([])
        if not self.forms or not a.get("name") and tag != "option":
            return
        fields = self.forms[-1]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            fields.append((a["name"], a.get("value") or ""))
        elif tag == "textarea":
            self._textarea, self._text = a["name"], []
        elif tag == "select":
            self._select, self._options = a["name"], []
        elif tag == "option" and self._select:
            self._options.append((a.get("value") or "", "selected" in a))

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            text = "".join(self._text)
            for newline in ("\r\n", "\n"):  # browsers drop the newline that follows <textarea>
                if text.startswith(newline):
                    text = text[len(newline):]
                    break
            self.forms[-1].append((self._textarea, text))
            self._textarea = None
        elif tag == "select" and self._select:
            chosen = [value for value, selected in self._options if selected] or [v for v, _ in self._options[:1]]
            self.forms[-1].extend((self._select, value) for value in chosen)
            self._select = None


def form_with(page: str, name: str) -> list[tuple[str, str]]:
    """The fields of the first form on the page that has a field `name`."""
    parser = _Forms()
    parser.feed(page)
    for fields in parser.forms:
        if any(n == name for n, _ in fields):
            return fields
    raise AssertionError(f"no form with a field {name!r} on the page:\n{page[:2000]}")


def fill(fields: list[tuple[str, str]], **changes) -> list[tuple[str, str]]:
    """The fields with some replaced (a list value replaces every value of a multi-valued field)."""
    out = [(n, v) for n, v in fields if n not in changes]
    for name, value in changes.items():
        out.extend((name, str(v)) for v in (value if isinstance(value, list) else [value]))
    return out


def field(fields: list[tuple[str, str]], name: str) -> str:
    return next(v for n, v in fields if n == name)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a 302 is an answer to look at, not to follow


class Visitor:
    """One browser: its own cookies; answers as (status, body, location)."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())

    def open(self, path: str, data=None) -> tuple[int, str, str | None]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                return response.status, response.read().decode(), response.headers.get("Location")
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.read().decode(errors="replace"), error.headers.get("Location")

    def get(self, path: str) -> str:
        status, body, _ = self.open(path)
        assert status == 200, (path, status, body[:2000])
        return body

    def login(self, user: UserRef) -> "Visitor":
        fields = form_with(self.get("/inloggen"), "csrf_token")
        status, body, _ = self.open("/inloggen", fill(fields, email=user.email, password=PASSWORD))
        assert status == 302, (status, body[:2000])
        return self


def all_at_once(jobs: list) -> list:
    """Run the jobs in threads released together by a barrier; their results in order (an exception re-raised)."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(i):
        try:
            barrier.wait(timeout=30)
            results[i] = jobs[i]()
        except BaseException as error:  # handed to the main thread
            results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert not any(thread.is_alive() for thread in threads), "a request hung"
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


# --- The data and the server ---------------------------------------------------------------------------------


@dataclass
class World:
    goal_code: str
    goal_id: int
    package_id: int
    school_id: int
    year: int
    to_add: list[int]  # packages not yet in the plan of groepen 3-5
    entries: list[int]  # plan entries (groep 6), one per writer
    race_entry: int
    editors: list[UserRef]
    authors: list[UserRef]
    planners: list[UserRef]


@pytest.fixture
def world(app, factory) -> World:
    from wt_curriculum.objectives import services as objectives
    from wt_curriculum.schoolyears import current_school_year

    year = current_school_year()
    with app.app_context():
        b = Builder(db.session)
        network_id = b.network("LOAD")
        domain = b.domain("LT")
        strand = b.strand("LT.1", "LT")
        b.goal("LT.1.1", "LT.1", [5, 6], position=1)
        goal = objectives.create_goal(db.session, objectives.GoalData(
            "LT.1.2", domain.id, strand.id, "Een doel om samen te bewerken", "Zoals het begon.", [5, 6],
            "samen"), None, "test")
        objectives.publish_goal(db.session, goal, None, "test")
        packages = [b.package(f"Pakket {n:02d}", [3, 4, 5, 6], {"LT.1.1": "kern"}, network_id).id
                    for n in range(1, 19)]
        school_id = b.school(network_id)
        entries = [b.plan(school_id, year, 6, f"Pakket {n:02d}").id for n in range(9, 17)]
        race_entry = b.plan(school_id, year, 7, "Pakket 17").id
        db.session.commit()
        goal_id = goal.id
    planners = [factory.user(role, school_id=school_id) for role in ("coordinator", "leraar") * 2]
    with app.app_context():  # the teachers change the entries of groep 6: their own groep
        from sqlalchemy import update

        from wt_curriculum.auth.models import User
        from wt_curriculum.groepen import to_mask

        db.session.execute(update(User).where(User.role == "leraar").values(groepen_mask=to_mask([6, 7])))
        db.session.commit()
    return World(
        goal_code="LT.1.2", goal_id=goal_id, package_id=packages[-1], school_id=school_id, year=year,
        to_add=packages[:8], entries=entries, race_entry=race_entry,
        editors=[factory.user("redacteur") for _ in range(2)],
        authors=[factory.user("netwerkcoordinator", network_id=network_id) for _ in range(2)],
        planners=planners,
    )


@pytest.fixture
def server(app, world, tmp_path):
    """gunicorn with several workers on the test's database (after the data is in); yields the base URL."""
    with race_server(app, tmp_path / "gunicorn.log", "concurrency-secret", WORKERS) as base:
        yield base


def revision_count(app, entity_type: str, entity_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Revision).where(
            Revision.entity_type == entity_type, Revision.entity_id == entity_id))


def race(visitors: list[Visitor], path: str, changes: list[dict]) -> list[tuple[int, str, str | None]]:
    """Every visitor opens the form (same version), then all save their own changes at the same moment."""
    forms = [form_with(v.get(path), "version") for v in visitors]
    assert len({field(f, "version") for f in forms}) == 1, "the editors must open the same version"
    return all_at_once([
        (lambda v=v, f=f, c=c: v.open(path, fill(f, **c))) for v, f, c in zip(visitors, forms, changes, strict=True)])


def one_winner(answers, conflict_text: str) -> int:
    """Index of the one saved answer; the other answered 409 with the explanation."""
    statuses = [status for status, _, _ in answers]
    assert sorted(statuses) == [302, 409], [(s, body[:1500]) for s, body, _ in answers]
    loser = statuses.index(409)
    assert conflict_text in answers[loser][1]
    return statuses.index(302)


# --- (a) the same goal, the same package -----------------------------------------------------------------------


def test_two_editors_save_the_same_goal_at_once_one_wins(app, world, server):
    from wt_curriculum.objectives.models import Goal

    editors = [Visitor(server).login(user) for user in world.editors]
    path = f"/doelen/{world.goal_code}/bewerken"
    for n in range(ROUNDS):
        before = revision_count(app, "goal", world.goal_id)
        titles = [f"Ronde {n}: de titel van redacteur {who}" for who in "AB"]
        answers = race(editors, path, [{"title": t, "note": f"ronde {n}"} for t in titles])
        winner = one_winner(answers, GOAL_CONFLICT)
        assert answers[winner][2].endswith(f"/doelen/{world.goal_code}")
        with app.app_context():
            goal = db.session.get(Goal, world.goal_id)
            assert goal.title == titles[winner]
            assert goal.version == n + 3  # created 1, published 2, then one more per round
        assert revision_count(app, "goal", world.goal_id) == before + 1


def test_two_authors_save_the_same_package_at_once_one_wins(app, world, server):
    from wt_curriculum.lessons.models import LessonPackage

    authors = [Visitor(server).login(user) for user in world.authors]
    path = f"/lespakketten/{world.package_id}/bewerken"
    for n in range(ROUNDS):
        before = revision_count(app, "package", world.package_id)
        titles = [f"Ronde {n}: pakket van auteur {who}" for who in "AB"]
        answers = race(authors, path, [{"title": t, "note": f"ronde {n}"} for t in titles])
        winner = one_winner(answers, PACKAGE_CONFLICT)
        assert answers[winner][2].endswith(f"/lespakketten/{world.package_id}")
        with app.app_context():
            package = db.session.get(LessonPackage, world.package_id)
            assert package.title == titles[winner]
            assert package.version == n + 2
        assert revision_count(app, "package", world.package_id) == before + 1


# --- (b) many plan writes at once ------------------------------------------------------------------------------


def test_many_plan_writes_at_once_are_all_stored(app, world, server):
    """8 users add packages to groepen 3-5 of one school while 8 others change their own entries, all at once."""
    from wt_curriculum.planning.models import PlanEntry
    from wt_curriculum.schoolyears import format_school_year

    label = format_school_year(world.year)
    visitors = [Visitor(server).login(world.planners[i % len(world.planners)]) for i in range(16)]
    tokens = [field(form_with(v.get(f"/scholen/{world.school_id}/plan/groep/5"), "csrf_token"), "csrf_token")
              for v in visitors]
    taught = [date.today() - timedelta(days=3 + i) for i in range(8)]

    def adder(i):
        def run():
            answers = []
            for groep in (3, 4, 5):
                answers.append(visitors[i].open("/plan/toevoegen", {
                    "csrf_token": tokens[i], "school_id": world.school_id, "school_year": label, "groep": groep,
                    "package_id": world.to_add[i], "period": f"toegevoegd {i}", "next": "/klaar"}))
            return answers
        return run

    def changer(i):
        def run():
            v, entry, token = visitors[8 + i], world.entries[i], tokens[8 + i]
            return [
                v.open(f"/plan/{entry}/gegeven", {"csrf_token": token, "version": 1, "taught_on": taught[i].isoformat(),
                                                   "next": "/klaar"}),
                v.open(f"/plan/{entry}/niet-gegeven", {"csrf_token": token, "version": 2, "next": "/klaar"}),
                v.open(f"/plan/{entry}", {"csrf_token": token, "version": 3, "period": f"week {10 + i}",
                                          "taught_on": taught[i].isoformat()}),
            ]
        return run

    started = time.monotonic()
    results = all_at_once([adder(i) for i in range(8)] + [changer(i) for i in range(8)])
    elapsed = time.monotonic() - started
    answers = [answer for answers in results for answer in answers]
    assert all(status == 302 for status, _, _ in answers), [(s, b[:1500]) for s, b, _ in answers if s != 302]
    # Adding and the quick changes report problems in a flash message on the page they go back to: check it.
    assert all(location.endswith("/klaar") for _, _, location in answers[:24] + [a for r in results[8:] for a in r[:2]])

    with app.app_context():
        added = {(e.groep, e.package_id, e.period) for e in db.session.scalars(
            select(PlanEntry).where(PlanEntry.school_id == world.school_id, PlanEntry.groep.in_((3, 4, 5))))}
        assert added == {(g, world.to_add[i], f"toegevoegd {i}") for i in range(8) for g in (3, 4, 5)}
        changed = {e.id: (e.period, e.taught_on, e.version)
                   for e in db.session.scalars(select(PlanEntry).where(PlanEntry.id.in_(world.entries)))}
        assert changed == {entry: (f"week {10 + i}", taught[i], 4) for i, entry in enumerate(world.entries)}
    assert elapsed < 30, f"48 plan writes took {elapsed:.1f} s"


# --- (c) the same plan entry -----------------------------------------------------------------------------------


def test_two_users_change_the_same_plan_entry_at_once_one_wins(app, world, server):
    from wt_curriculum.planning.models import PlanEntry

    planners = [Visitor(server).login(user) for user in world.planners[:2]]
    path = f"/plan/{world.race_entry}"
    for n in range(ROUNDS):
        periods = [f"r{n} week {w}" for w in (3, 4)]
        answers = race(planners, path, [{"period": p} for p in periods])
        winner = one_winner(answers, PLAN_CONFLICT)
        with app.app_context():
            entry = db.session.get(PlanEntry, world.race_entry)
            assert (entry.period, entry.version) == (periods[winner], n + 2)


def test_two_users_add_the_same_package_at_once_one_is_told_it_is_there(app, world, server):
    """The unique (school, year, groep, package) is checked before the INSERT; two adds can pass that check at once."""
    from wt_curriculum.planning.models import PlanEntry
    from wt_curriculum.schoolyears import format_school_year

    planners = [Visitor(server).login(user) for user in world.planners[:2]]
    tokens = [field(form_with(v.get(f"/scholen/{world.school_id}/plan/groep/2"), "csrf_token"), "csrf_token")
              for v in planners]
    for n, package_id in enumerate(world.to_add[:ROUNDS]):
        data = [{"csrf_token": token, "school_id": world.school_id, "school_year": format_school_year(world.year),
                 "groep": 2, "package_id": package_id, "period": f"ronde {n}", "next": "/klaar"} for token in tokens]
        answers = all_at_once([lambda v=v, d=d: v.open("/plan/toevoegen", d)
                               for v, d in zip(planners, data, strict=True)])
        assert [status for status, _, _ in answers] == [302, 302], [(s, b[:1500]) for s, b, _ in answers]
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(PlanEntry).where(
                PlanEntry.groep == 2, PlanEntry.package_id == package_id)) == 1


# --- (d) issue 15: races on state changes, double submits ------------------------------------------------------
# Two authors publish (or withdraw) one package at the same moment: one wins, every other answer is a 409
# that explains (or the page saying it had already happened); never a 500; exactly one revision is written.
# A double-submitted "new package" form (one browser, two clicks) makes one package; the second submit
# answers 409 with the explanation.

RACE_CONFLICT = "Iemand anders veranderde dit op hetzelfde moment"
STATUS_CONFLICT = "nadat je deze pagina opende"
TWICE = "Dit formulier is al verstuurd"


@pytest.fixture
def drafts(app, world):
    """Draft packages of the world's network, main aim a published goal, ready to be published."""
    from wt_curriculum.lessons.models import Alignment, LessonPackage
    from wt_curriculum.objectives.models import Goal

    with app.app_context():
        package = db.session.get(LessonPackage, world.package_id)
        goal_id = db.session.scalar(select(Goal.id).where(Goal.code == world.goal_code))
        ids = []
        for n in range(ROUNDS):
            draft = LessonPackage(uuid=f"00000000-0000-4000-8000-00000000000{n}", title=f"Race {n}",
                                  groepen_mask=0b110000, network_id=package.network_id, status="concept",
                                  lesson_count=1, minutes_per_lesson=45,
                                  alignments=[Alignment(goal_id=goal_id, relation="kern")])
            db.session.add(draft)
            db.session.flush()
            ids.append(draft.id)
        db.session.commit()
    return ids


def _status_race(visitors, path):
    tokens = [field(form_with(v.get(path.rsplit("/", 1)[0]), "csrf_token"), "csrf_token") for v in visitors]
    return all_at_once([lambda v=v, t=t: v.open(path, {"csrf_token": t, "note": "race"})
                        for v, t in zip(visitors, tokens, strict=True)])


def _check_one_winner(answers):
    statuses = [status for status, _, _ in answers]
    assert all(status in (302, 409) for status in statuses), [(s, b[:1500]) for s, b, _ in answers]
    assert statuses.count(302) >= 1
    for status, body, _ in answers:
        if status == 409:
            assert RACE_CONFLICT in body


def test_simultaneous_publish_and_withdraw_have_one_winner_and_clear_409s(app, world, drafts, server):
    from wt_curriculum.lessons.models import LessonPackage

    authors = [Visitor(server).login(user) for user in world.authors]
    for package_id in drafts:
        before = revision_count(app, "package", package_id)
        _check_one_winner(_status_race(authors, f"/lespakketten/{package_id}/publiceren"))
        with app.app_context():
            assert db.session.get(LessonPackage, package_id).status == "gepubliceerd"
        assert revision_count(app, "package", package_id) == before + 1

        _check_one_winner(_status_race(authors, f"/lespakketten/{package_id}/intrekken"))
        with app.app_context():
            assert db.session.get(LessonPackage, package_id).status == "ingetrokken"
        assert revision_count(app, "package", package_id) == before + 2


def test_a_double_submitted_new_package_makes_one_package(app, world, server):
    from wt_curriculum.lessons.models import LessonPackage

    author = Visitor(server).login(world.authors[0])
    for n in range(ROUNDS):
        title = f"Dubbel verstuurd {n}"
        fields = form_with(author.get("/lespakketten/nieuw"), "submission")
        assert field(fields, "submission")
        # The goal picker: add the world's goal as the main aim, as the page's button would.
        with app.app_context():
            from wt_curriculum.objectives.models import Goal

            goal_id = db.session.scalar(select(Goal.id).where(Goal.code == world.goal_code))
        data = fill(fields, title=title, groepen=["5", "6"], goal_id=str(goal_id), **{f"relation-{goal_id}": "kern"},
                    action="save", note="")
        answers = all_at_once([lambda d=data: author.open("/lespakketten/nieuw", d) for _ in range(2)])
        statuses = sorted(status for status, _, _ in answers)
        assert statuses == [302, 409], [(s, b[:1500]) for s, b, _ in answers]
        assert TWICE in next(body for status, body, _ in answers if status == 409)
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(LessonPackage).where(
                LessonPackage.title == title)) == 1
        # Sent once more later (a reload of the answer): still one.
        again = author.open("/lespakketten/nieuw", data)
        assert again[0] == 409
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(LessonPackage).where(
                LessonPackage.title == title)) == 1


# --- (e) issue 15: retire, reinstate and reorder goals at the same moment ------------------------------------
# Two editors open the retire (or reinstate) page of one goal at the same version and confirm at once: the goal
# changes once, with one revision; the other answer is a 409 that explains, or (when it was read after the
# winner's commit) the goal page saying it is already so. Two clicks on moving goals of one strand: the order
# changes once, positions stay 1..n, the other click is a 409.

MOVE_CONFLICT = "Iemand anders veranderde op hetzelfde moment de volgorde van deze leerlijn"


def _goal_status_race(app, editors, code, goal_id, path, expected_status):
    before = revision_count(app, "goal", goal_id)
    forms = [form_with(v.get(path), "version") for v in editors]
    assert len({field(f, "version") for f in forms}) == 1
    answers = all_at_once([lambda v=v, f=f: v.open(path, fill(f, note="race"))
                           for v, f in zip(editors, forms, strict=True)])
    statuses = [status for status, _, _ in answers]
    assert all(status in (302, 409) for status in statuses), [(s, b[:1500]) for s, b, _ in answers]
    # One winner; every other editor is told that someone else changed the goal (whether their request read
    # it before or after the winner's commit), never a quiet "already done".
    assert statuses.count(302) == 1, statuses
    for status, body, location in answers:
        if status == 409:
            assert GOAL_CONFLICT in body or RACE_CONFLICT in body or STATUS_CONFLICT in body, body[:2000]
        else:
            assert location.endswith(f"/doelen/{code}")
    with app.app_context():
        from wt_curriculum.objectives.models import Goal

        assert db.session.get(Goal, goal_id).status == expected_status
    assert revision_count(app, "goal", goal_id) == before + 1
    return statuses


def test_simultaneous_retire_and_reinstate_of_a_goal_have_one_winner(app, world, server):
    editors = [Visitor(server).login(user) for user in world.editors]
    seen = []
    for _ in range(ROUNDS):
        seen += _goal_status_race(app, editors, world.goal_code, world.goal_id,
                                  f"/doelen/{world.goal_code}/laten-vervallen", "vervallen")
        seen += _goal_status_race(app, editors, world.goal_code, world.goal_id,
                                  f"/doelen/{world.goal_code}/weer-vaststellen", "vastgesteld")
    assert seen.count(409) == len(seen) - 2 * ROUNDS


def _strand_order(app, strand_code="LT.1"):
    from wt_curriculum.objectives.models import Goal, Strand

    with app.app_context():
        return list(db.session.execute(select(Goal.code, Goal.position).join(Strand, Strand.id == Goal.strand_id)
                                       .where(Strand.code == strand_code).order_by(Goal.position, Goal.id)))


def _move_form(page: str, code: str, direction: str) -> dict:
    action = f'action="/doelen/{code}/verplaatsen"'
    for part in page.split(action)[1:]:
        form = part.split("</form>", 1)[0]
        if f'value="{direction}"' in form:
            return {"csrf_token": form.split('name="csrf_token" value="', 1)[1].split('"', 1)[0],
                    "position": form.split('name="position" value="', 1)[1].split('"', 1)[0],
                    "next": "/klaar", "direction": direction}
    raise AssertionError(f"no {direction} button for {code}")


def test_simultaneous_moves_in_one_strand_change_the_order_once(app, world, server):
    from wt_curriculum.objectives import services as objectives
    from wt_curriculum.objectives.models import Goal

    with app.app_context():
        for n in (3, 4, 5):
            strand = objectives.strand_by_code(db.session, "LT.1")
            objectives.create_goal(db.session, objectives.GoalData(
                f"LT.1.{n}", strand.domain_id, strand.id, f"Doel {n}", "Om te verplaatsen.", [5]), None, "test")
        db.session.commit()
        ids = dict(db.session.execute(select(Goal.code, Goal.id).where(Goal.code.like("LT.1.%"))).all())
    editors = [Visitor(server).login(user) for user in world.editors]
    # Both click "up" on the same goal; then one clicks "up" on a goal while the other clicks "down" on the goal
    # above it (the same swap, asked twice).
    for same_goal in (True, False):
        start = _strand_order(app)
        codes = [code for code, _ in start]
        clicks = [(codes[3], "up"), (codes[3], "up")] if same_goal else [(codes[2], "up"), (codes[1], "down")]
        pages = [v.get("/doelen") for v in editors]
        moves = [(code, _move_form(page, code, direction))
                 for page, (code, direction) in zip(pages, clicks, strict=True)]
        before = {code: revision_count(app, "goal", ids[code]) for code, _ in moves}
        answers = all_at_once([lambda v=v, c=c, d=d: v.open(f"/doelen/{c}/verplaatsen", d)
                               for v, (c, d) in zip(editors, moves, strict=True)])
        statuses = sorted(status for status, _, _ in answers)
        assert statuses == [302, 409], [(s, b[:1500]) for s, b, _ in answers]
        assert MOVE_CONFLICT in next(body for status, body, _ in answers if status == 409)
        after = _strand_order(app)
        assert [position for _, position in after] == list(range(1, len(after) + 1))  # no two at one place
        moved = [code for code, _ in after]
        index = codes.index(clicks[0][0])
        swapped = codes[:index - 1] + [codes[index], codes[index - 1]] + codes[index + 1:]
        assert moved == swapped  # exactly one swap
        new_revisions = sum(revision_count(app, "goal", ids[code]) - n for code, n in before.items())
        assert new_revisions == 1


# --- (f) issue 15: double-submitted creates under load ---------------------------------------------------------
# One browser sends each create form twice at the same moment (several forms at once): one record per form,
# the second answer a 409 that explains.


def test_double_submitted_creates_make_one_record_each(app, world, server, factory):
    from wt_curriculum.api.models import ApiToken
    from wt_curriculum.auth.models import User
    from wt_curriculum.objectives.models import Domain
    from wt_curriculum.planning.models import PlanEntry
    from wt_curriculum.schoolyears import format_school_year

    admin = Visitor(server).login(factory.user("beheerder"))
    editor = Visitor(server).login(world.editors[0])
    planner = Visitor(server).login(world.planners[0])
    label = format_school_year(world.year)
    for n in range(ROUNDS):
        domain = fill(form_with(editor.get("/doelen/domeinen/nieuw"), "submission"), code=f"DB{'XYZ'[n]}",
                      title=f"Dubbel domein {n}")
        account = fill(form_with(admin.get("/beheer/gebruikers/nieuw"), "submission"), email=f"dubbel{n}@example.org",
                       name=f"Dubbel {n}", role="redacteur", password="een-lang-wachtwoord-123")
        token = fill(form_with(editor.get("/account/api-sleutels"), "submission"), name=f"Dubbel token {n}")
        plan = fill(form_with(planner.get(f"/scholen/{world.school_id}/plan/groep/8"), "submission"),
                    school_id=world.school_id, school_year=label, groep=8, package_id=world.to_add[n],
                    next="/klaar")
        sends = [(editor, "/doelen/domeinen/nieuw", domain), (admin, "/beheer/gebruikers/nieuw", account),
                 (editor, "/account/api-sleutels", token), (planner, "/plan/toevoegen", plan)]
        answers = all_at_once([lambda v=v, p=p, d=d: v.open(p, d) for v, p, d in sends for _ in range(2)])
        for i, (_, path, _) in enumerate(sends):
            pair = answers[2 * i:2 * i + 2]
            statuses = sorted(status for status, _, _ in pair)
            assert statuses in ([200, 409], [302, 409]), (path, [(s, b[:1500]) for s, b, _ in pair])
            assert TWICE in next(body for status, body, _ in pair if status == 409)
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(Domain).where(
                Domain.code == f"DB{'XYZ'[n]}")) == 1
            assert db.session.scalar(select(func.count()).select_from(User).where(
                User.email == f"dubbel{n}@example.org")) == 1
            assert db.session.scalar(select(func.count()).select_from(ApiToken).where(
                ApiToken.name == f"Dubbel token {n}")) == 1
            assert db.session.scalar(select(func.count()).select_from(PlanEntry).where(
                PlanEntry.groep == 8, PlanEntry.package_id == world.to_add[n])) == 1
