"""Load test, run by hand: gunicorn (4 workers) on 127.0.0.1 and many simulated users at once.

    .venv/bin/python scripts/loadtest.py [DATABASE_URL] [--users 50] [--seconds 60] [--max-requests 30000]

Without a URL it makes a fresh SQLite file in a temporary folder, migrates it and seeds it with
`flask seed --demo`. With a URL (a local database only) it migrates it and seeds the demo data when the
database has no schools yet. Either way it adds school accounts of its own (and extra schools, so that
every simulated school user has a school of their own) with a password made for this run.

The users (threads, standard library HTTP, each with its own cookies) log in through the real login form
with CSRF, then for --seconds mix: the framework tree, goal pages, package search (several queries),
package pages, coverage pages, and plan writes (adding distinct entries, marking them taught). A fifth of
the users are anonymous readers. It prints requests per second, latency percentiles per kind, the errors
(status >= 500, connection errors, timeouts), and then checks in the database that every write that was
answered with success is there ("lost writes: 0").
"""
import argparse
import http.cookiejar
import os
import random
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = ["water", "robot", "licht", "programmeren", "energie", "planten", "bouwen", "digitaal", "weer", "geluid"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", ""}
EXTRA_NETWORK = "LOADTEST"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def flask(env: dict, *args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args],  # noqa: S603 (our own flask)
                            cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


# --- Setting up the database -----------------------------------------------------------------------------------


@dataclass
class Fixture:
    password: str
    school_users: list[tuple[str, int]]  # (email, school id), one school each as far as there are schools
    goal_codes: list[str]
    package_ids: list[int]
    package_titles: dict[int, str]
    year: int
    taken: set  # (school id, groep, package id) already planned in `year`


def prepare(env: dict, school_users: int, fresh: bool) -> Fixture:
    """Migrate, seed when empty, and add the accounts (and schools) the simulated users need."""
    flask(env, "db", "upgrade", "heads")
    os.environ.update(env)
    from sqlalchemy import select

    from wt_curriculum import create_app
    from wt_curriculum.auth import services as auth
    from wt_curriculum.auth.models import User
    from wt_curriculum.extensions import db
    from wt_curriculum.lessons.models import LessonPackage, PackageStatus
    from wt_curriculum.objectives.models import Goal, GoalStatus
    from wt_curriculum.organisations.models import Network, School
    from wt_curriculum.planning.models import PlanEntry
    from wt_curriculum.schoolyears import current_school_year

    app = create_app()
    with app.app_context():
        seeded = db.session.scalar(select(School.id).limit(1)) is not None
    if fresh or not seeded:
        flask(env, "seed", "--demo")  # prints the demo passwords: not shown, the run uses accounts of its own
    password = "load-" + secrets.token_urlsafe(12)
    with app.app_context():
        session = db.session
        schools = list(session.scalars(select(School).where(School.archived.is_(False)).order_by(School.id)))
        if len(schools) < school_users:
            network = session.scalar(select(Network).where(Network.code == EXTRA_NETWORK))
            if network is None:
                network = Network(code=EXTRA_NETWORK, name="Netwerk voor de belastingtest", region="Utrecht")
                session.add(network)
                session.flush()
            for n in range(len(schools), school_users):
                school = School(name=f"Belastingtestschool {n}", brin=f"{n % 100:02d}LT",
                                vestiging=f"{n // 100:02d}", place="Utrecht", network_id=network.id)
                if session.scalar(select(School.id).where(School.brin == school.brin,
                                                          School.vestiging == school.vestiging)) is None:
                    session.add(school)
                    schools.append(school)
            session.flush()
        users = []
        for n in range(school_users):
            school = schools[n % len(schools)]
            role = "coordinator" if n % 2 == 0 else "leraar"
            email = f"load-{n}@example.org"
            user = session.scalar(select(User).where(User.email == email))
            if user is None:
                auth.create_user(session, auth.UserData(email=email, name=f"Belastingtest {n}", role=role,
                                                        school_id=school.id), password)
            else:
                user.school_id, user.role, user.active = school.id, role, True
                user.set_password(password)
            users.append((email, school.id))
        session.commit()
        year = current_school_year()
        packages = session.execute(select(LessonPackage.id, LessonPackage.title)
                                   .where(LessonPackage.status == PackageStatus.PUBLISHED)).all()
        return Fixture(
            password=password, school_users=users,
            goal_codes=list(session.scalars(select(Goal.code).where(Goal.status == GoalStatus.PUBLISHED))),
            package_ids=[p.id for p in packages], package_titles={p.id: p.title for p in packages}, year=year,
            taken={(e.school_id, e.groep, e.package_id) for e in session.scalars(
                select(PlanEntry).where(PlanEntry.school_year == year))})


# --- The simulated users ---------------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


@dataclass
class Stats:
    latencies: dict = field(default_factory=lambda: defaultdict(list))
    errors: dict = field(default_factory=lambda: defaultdict(int))
    unexpected: dict = field(default_factory=lambda: defaultdict(int))  # 4xx nobody should see
    error_samples: list = field(default_factory=list)
    added: list = field(default_factory=list)  # (school, year, groep, package, period) answered with success
    taught: list = field(default_factory=list)  # (entry id, date) answered with success
    refused_writes: int = 0  # answered with an error message (not a success): not expected to be stored
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class Budget:
    """The hard cap on requests and the end of the run."""

    def __init__(self, max_requests: int):
        self.left = max_requests
        self.lock = threading.Lock()
        self.deadline = float("inf")

    def take(self) -> bool:
        with self.lock:
            if self.left <= 0 or time.monotonic() >= self.deadline:
                return False
            self.left -= 1
            return True


class Claims:
    """Distinct (school, groep, package) plan entries to add: never two users the same one."""

    def __init__(self, taken: set):
        self.taken = set(taken)
        self.lock = threading.Lock()

    def claim(self, school_id: int, package_ids: list[int], rng: random.Random):
        with self.lock:
            for _ in range(40):
                key = (school_id, rng.randint(1, 8), rng.choice(package_ids))
                if key not in self.taken:
                    self.taken.add(key)
                    return key
        return None


class OutOfBudget(Exception):
    pass


class User:
    def __init__(self, n: int, base: str, stats: Stats, budget: Budget):
        self.n, self.base, self.stats, self.budget = n, base, stats, budget
        self.rng = random.Random(n)  # noqa: S311 (what a simulated user does next, not a secret)
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())
        self.csrf = ""

    def request(self, kind: str, path: str, data: dict | None = None, count=True) -> tuple[int, str, str]:
        if count and not self.budget.take():
            raise OutOfBudget
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        started = time.perf_counter()
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                status, text, location = response.status, response.read().decode(), ""
        except urllib.error.HTTPError as error:
            with error:
                status, text = error.code, error.read().decode(errors="replace")
                location = error.headers.get("Location") or ""
        except (OSError, urllib.error.URLError) as error:
            status, text, location = 0, repr(error), ""
        elapsed = time.perf_counter() - started
        if count:
            with self.stats.lock:
                self.stats.requests += 1
                self.stats.latencies[kind].append(elapsed)
                if status == 0 or status >= 500:
                    self.stats.errors[kind] += 1
                    if len(self.stats.error_samples) < 10:
                        self.stats.error_samples.append((kind, path, status, text[:300]))
                elif 400 <= status < 500:
                    self.stats.unexpected[kind] += 1
        return status, text, location

    def login(self, email: str, password: str) -> None:
        status, page, _ = self.request("login", "/inloggen", count=False)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', page)
        data = {"csrf_token": token.group(1) or token.group(2), "email": email, "password": password}
        status, page, _ = self.request("login", "/inloggen", data, count=False)
        if status != 302:
            raise SystemExit(f"login of {email} answered {status}")

    def read(self, fixture: Fixture) -> None:
        roll = self.rng.random()
        if roll < 0.2:
            self.request("framework tree", "/doelen")
        elif roll < 0.5:
            self.request("goal page", f"/doelen/{self.rng.choice(fixture.goal_codes)}")
        elif roll < 0.8:
            query = urllib.parse.urlencode({"q": self.rng.choice(QUERIES)})
            self.request("package search", f"/lespakketten?{query}")
        else:
            self.request("package page", f"/lespakketten/{self.rng.choice(fixture.package_ids)}")


class SchoolUser(User):
    def __init__(self, n, base, stats, budget, school_id: int, claims: Claims):
        super().__init__(n, base, stats, budget)
        self.school_id, self.claims = school_id, claims
        self.groepen_with_mine: set[int] = set()  # groepen where this user added something still to mark taught
        self.mine: set[str] = set()  # titles this user added

    def step(self, fixture: Fixture) -> None:
        roll = self.rng.random()
        if roll < 0.6:
            self.read(fixture)
        elif roll < 0.75:
            self.request("coverage page", f"/scholen/{self.school_id}/dekking")
        elif roll < 0.9:
            self.add(fixture)
        else:
            self.mark_taught(fixture)

    def _outcome(self, location: str) -> bool | None:
        """Follow the redirect like a browser; True when it shows success, False for an error message."""
        path = urlsplit(location).path + ("?" + urlsplit(location).query if urlsplit(location).query else "")
        status, page, _ = self.request("plan page", path)
        if status != 200:
            return None
        if "flash-error" in page:
            return False
        return "flash-success" in page

    def add(self, fixture: Fixture) -> None:
        key = self.claims.claim(self.school_id, fixture.package_ids, self.rng)
        if key is None:
            return self.read(fixture)
        _, groep, package_id = key
        label = f"{fixture.year}-{fixture.year + 1}"
        period = f"lt{self.n}-{self.rng.randint(1, 999)}"
        status, _, location = self.request("plan add (POST)", "/plan/toevoegen", {
            "csrf_token": self.csrf, "school_id": self.school_id, "school_year": label, "groep": groep,
            "package_id": package_id, "period": period,
            "next": f"/scholen/{self.school_id}/plan/groep/{groep}?jaar={label}"})
        if status == 302 and location:
            ok = self._outcome(location)
            with self.stats.lock:
                if ok:
                    self.stats.added.append((self.school_id, fixture.year, groep, package_id, period))
                else:
                    self.stats.refused_writes += 1
            if ok:
                self.groepen_with_mine.add(groep)
                self.mine.add(fixture.package_titles[package_id])

    def mark_taught(self, fixture: Fixture) -> None:
        if not self.groepen_with_mine:
            return self.add(fixture)
        groep = self.rng.choice(sorted(self.groepen_with_mine))
        label = f"{fixture.year}-{fixture.year + 1}"
        back = f"/scholen/{self.school_id}/plan/groep/{groep}?jaar={label}"
        status, page, _ = self.request("plan page", back)
        if status != 200:
            return None
        rows = re.findall(r'<th scope="row">(.*?)\s*(?:<span|<br|</th>).*?action="/plan/(\d+)/gegeven">.*?'
                          r'name="version" value="(\d+)"', page.replace("\n", " "))
        rows = [(entry, version) for title, entry, version in rows if title.strip() in self.mine]
        if not rows:
            self.groepen_with_mine.discard(groep)
            return None
        entry, version = self.rng.choice(rows)
        taught_on = (date.today() - timedelta(days=self.rng.randint(0, 60))).isoformat()
        status, _, location = self.request("mark taught (POST)", f"/plan/{entry}/gegeven", {
            "csrf_token": self.csrf, "version": version, "taught_on": taught_on, "next": back})
        if status == 302 and location:
            ok = self._outcome(location)
            with self.stats.lock:
                if ok:
                    self.stats.taught.append((int(entry), taught_on))
                else:
                    self.stats.refused_writes += 1
        return None


class Reader(User):
    def step(self, fixture: Fixture) -> None:
        self.read(fixture)


# --- Running ---------------------------------------------------------------------------------------------------


def start_gunicorn(env: dict, workers: int, log_path: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with open(log_path, "wb") as log:
        process = subprocess.Popen(  # noqa: S603 (our own gunicorn, our own app)
            [str(gunicorn), "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
             "app:app"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as response:  # noqa: S310 (http://127.0.0.1)
                if response.status == 200:
                    return process, base
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"gunicorn did not answer /healthz within 60 s; see {log_path}")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def lost_writes(env: dict, stats: Stats) -> list:
    from sqlalchemy import select, tuple_

    from wt_curriculum import create_app
    from wt_curriculum.extensions import db
    from wt_curriculum.planning.models import PlanEntry

    os.environ.update(env)
    app = create_app()
    lost = []
    with app.app_context():
        stored = set()
        for chunk in range(0, len(stats.added), 500):
            part = stats.added[chunk:chunk + 500]
            stored |= set(db.session.execute(
                select(PlanEntry.school_id, PlanEntry.school_year, PlanEntry.groep, PlanEntry.package_id,
                       PlanEntry.period).where(tuple_(PlanEntry.school_id, PlanEntry.school_year, PlanEntry.groep,
                                                      PlanEntry.package_id).in_([k[:4] for k in part]))).all())
        lost += [("add", key) for key in stats.added if tuple(key) not in stored]
        taught = dict(db.session.execute(select(PlanEntry.id, PlanEntry.taught_on).where(
            PlanEntry.id.in_([entry for entry, _ in stats.taught]))).all()) if stats.taught else {}
        lost += [("taught", (entry, day)) for entry, day in stats.taught
                 if taught.get(entry) is None or taught[entry].isoformat() != day]
        db.engine.dispose()
    return lost


def report(stats: Stats, seconds: float, users: int, workers: int, database: str, lost: list) -> None:
    print(f"\ndatabase: {database}; gunicorn workers: {workers}; users: {users}; measured: {seconds:.1f} s")
    print(f"requests: {stats.requests}  ({stats.requests / seconds:.1f} per second)")
    print(f"| {'kind':<20} | {'requests':>8} | {'p50 ms':>7} | {'p90 ms':>7} | {'p99 ms':>7} | {'max ms':>7} | "
          f"{'errors':>6} | {'4xx':>4} |")
    print(f"|{'-' * 22}|{'-' * 9}:|{'-' * 8}:|{'-' * 8}:|{'-' * 8}:|{'-' * 8}:|{'-' * 7}:|{'-' * 5}:|")
    for kind in sorted(stats.latencies):
        values = [v * 1000 for v in stats.latencies[kind]]
        print(f"| {kind:<20} | {len(values):>8} | {percentile(values, 50):>7.0f} | {percentile(values, 90):>7.0f} | "
              f"{percentile(values, 99):>7.0f} | {max(values):>7.0f} | {stats.errors[kind]:>6} | "
              f"{stats.unexpected[kind]:>4} |")
    everything = [v * 1000 for values in stats.latencies.values() for v in values]
    if everything:
        print(f"| {'all':<20} | {len(everything):>8} | {percentile(everything, 50):>7.0f} | "
              f"{percentile(everything, 90):>7.0f} | {percentile(everything, 99):>7.0f} | {max(everything):>7.0f} | "
              f"{sum(stats.errors.values()):>6} | {sum(stats.unexpected.values()):>4} |")
    print(f"errors (status >= 500, connection errors, timeouts): {sum(stats.errors.values())}")
    for sample in stats.error_samples:
        print("  ", sample)
    print(f"writes answered with success: {len(stats.added)} plan entries added, {len(stats.taught)} marked taught; "
          f"refused with a message: {stats.refused_writes}")
    print(f"lost writes: {len(lost)}")
    for item in lost[:10]:
        print("  ", item)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database_url", nargs="?", help="a local database (default: a fresh SQLite file)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--max-requests", type=int, default=30000, help="hard cap on requests in the run")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--readers", type=float, default=0.2, help="share of anonymous readers")
    args = parser.parse_args(argv)
    if not 1 <= args.users <= 500 or not 0 < args.seconds <= 3600 or args.max_requests < 1:
        parser.error("use 1-500 users, at most 3600 seconds and a positive request cap")

    tmp = Path(tempfile.mkdtemp(prefix="wt-loadtest-"))
    url = args.database_url or f"sqlite:///{tmp / 'load.sqlite'}"
    host = urlsplit(url).hostname or ""
    if not url.startswith("sqlite") and host not in LOCAL_HOSTS:
        parser.error("only a database on this machine (127.0.0.1)")
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(32)}
    readers = round(args.users * args.readers)
    print(f"preparing {url} ...", flush=True)
    fixture = prepare(env, args.users - readers, fresh=args.database_url is None)
    stats, budget, claims = Stats(), Budget(args.max_requests), Claims(fixture.taken)
    log_path = tmp / "gunicorn.log"
    process, base = start_gunicorn(env, args.workers, log_path)
    try:
        users: list[User] = [SchoolUser(n, base, stats, budget, school_id, claims)
                             for n, (_, school_id) in enumerate(fixture.school_users)]
        users += [Reader(len(users) + n, base, stats, budget) for n in range(readers)]
        ready = threading.Barrier(len(users) + 1)
        emails = dict(enumerate(email for email, _ in fixture.school_users))

        def run(user: User) -> None:
            try:
                if isinstance(user, SchoolUser):
                    user.login(emails[user.n], fixture.password)
                    _, page, _ = user.request("login", f"/scholen/{user.school_id}/plan", count=False)
                    user.csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            finally:
                ready.wait()
            try:
                while True:
                    user.step(fixture)
            except OutOfBudget:
                pass

        threads = [threading.Thread(target=run, args=(user,), daemon=True) for user in users]
        for thread in threads:
            thread.start()
        print(f"{len(users)} users logging in ...", flush=True)
        ready.wait()
        started = time.monotonic()
        budget.deadline = started + args.seconds
        print(f"running for {args.seconds:.0f} s against {base} ...", flush=True)
        for thread in threads:
            thread.join(timeout=args.seconds + 120)
        elapsed = time.monotonic() - started
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
    lost = lost_writes(env, stats)
    report(stats, elapsed, len(users), args.workers, url.split("@")[-1], lost)
    log = log_path.read_text(errors="replace")
    print(f"server log: {log.count('Traceback')} tracebacks, "
          f"'database is locked' {'seen' if 'database is locked' in log else 'never seen'} ({log_path})")
    return 1 if lost or sum(stats.errors.values()) or "Traceback" in log else 0


if __name__ == "__main__":
    sys.exit(main())
