"""Realistic traffic: hundreds of different goal pages, package pages and searches, anonymous and logged in as
a teacher, with the caches on, the page cache off and all caches off, each as a share of `/healthz` measured in
the same server run.

For each cache setting gunicorn (2 workers) runs on the benchmark database; wrk (2 threads, 8 connections,
--seconds each) asks `/healthz` first, then each mix, every request a random address of the mix (a Lua
script); with --mix-warm every address is visited once first (whatever cache is on), as on a site visited all
day. "Page cache off" turns off the cache of whole anonymous pages (WT_PAGE_CACHE=false): every request is
rendered, from the cached fragments that do not depend on the viewer, as a logged-in user's always is. "Caches
off" turns off the fragment cache too (WT_FRAGMENT_CACHE=false): everything is made from the database each time.
The teacher's session cookie is signed with the server's key.
"""
import contextlib
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-mixes-secret"  # noqa: S105 - signs the session cookies of a local benchmark server
PER_MIX = 300
# The server's cache settings, as environment variables: the first two cached, the last nothing at all.
SETTINGS = {
    "caches on": {},
    "page cache off": {"WT_PAGE_CACHE": "false"},
    "caches off": {"WT_PAGE_CACHE": "false", "WT_FRAGMENT_CACHE": "false"},
}
WORDS = ("bruggen", "water", "stroomkring", "zonnestelsel", "seizoenen", "programmeren", "robots", "nepnieuws",
         "privacy", "magneten", "kiemen", "insecten", "recyclen", "windenergie", "licht", "geluid", "weerstation",
         "algoritmes", "bodemdiertjes", "vogels", "klimaat", "materialen", "hefbomen", "tandwielen", "drijven")
LUA = """
local paths = {}
local headers = {}
init = function(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  if args[2] ~= nil and args[2] ~= "" then headers["Cookie"] = args[2] end
  math.randomseed(os.time() * 1000 + math.floor(os.clock() * 1000000))
end
request = function()
  return wrk.format("GET", paths[math.random(#paths)], headers)
end
"""


def addresses(app, seed: int = 18) -> dict[str, list[str]]:
    """Hundreds of different addresses per kind (seeded): goal pages, package pages, searches (words, words
    with a domain or groep, filters alone)."""
    from sqlalchemy import select

    from wt_curriculum.extensions import db
    from wt_curriculum.lessons.models import LessonPackage, PackageStatus
    from wt_curriculum.objectives.models import Domain, Goal, GoalStatus

    rng = random.Random(seed)
    with app.app_context():
        goals = list(db.session.scalars(select(Goal.code).where(Goal.status == GoalStatus.PUBLISHED)))
        packages = list(db.session.scalars(
            select(LessonPackage.id).where(LessonPackage.status == PackageStatus.PUBLISHED)))
        domains = list(db.session.scalars(select(Domain.code)))
    searches = set()
    while len(searches) < PER_MIX:
        word, domain, groep = rng.choice(WORDS), rng.choice(domains), rng.randint(1, 8)
        searches.add("/lespakketten?" + rng.choice([
            f"q={word}", f"q={word}&domain={domain}", f"q={word}&groep={groep}", f"groep={groep}&domain={domain}",
            f"q={word}&domain={domain}&page=2"]))
    mixes = {
        "goal pages": [f"/doelen/{c}" for c in rng.sample(goals, min(PER_MIX, len(goals)))],
        "package pages": [f"/lespakketten/{i}" for i in rng.sample(packages, min(PER_MIX, len(packages)))],
        "searches": sorted(searches),
    }
    mixes["all three"] = [p for paths in mixes.values() for p in paths]
    return mixes


def teacher_cookie(app) -> str:
    """A session cookie of a teacher at the benchmark network's first school (created once)."""
    from sqlalchemy import select

    from bench.generate import BENCH_NETWORK_CODE
    from wt_curriculum.auth import services, sessions
    from wt_curriculum.auth.models import User
    from wt_curriculum.extensions import db
    from wt_curriculum.organisations.models import Network, School

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "bench-teacher@example.org"))
        if user is None:
            school_id = db.session.scalar(select(School.id).join(Network, Network.id == School.network_id)
                                          .where(Network.code == BENCH_NETWORK_CODE).order_by(School.id).limit(1))
            user = services.create_user(db.session, services.UserData(
                email="bench-teacher@example.org", name="Leraar", role="leraar", school_id=school_id),
                "lange-sterke-meetsleutel-18")
        # A server-side session of its own, as logging in makes (auth/sessions.py); the cookie carries its secret.
        sessions.start_session(db.session, user, "bench")
        db.session.commit()
        value = app.session_interface.get_signing_serializer(app).dumps({"_user_id": user.get_id(), "_fresh": True})
    return f"{app.config['SESSION_COOKIE_NAME']}={value}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_answering(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own local server
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def _wrk(url: str, seconds: int, script: Path | None = None, args: tuple = ()) -> dict:
    command = ["wrk", "-t2", "-c8", f"-d{seconds}s"] + (["-s", str(script)] if script else []) + [url, *args]
    output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60).stdout
    rps = next((float(line.split()[1]) for line in output.splitlines() if line.startswith("Requests/sec")), None)
    errors = next((line.strip() for line in output.splitlines() if "Non-2xx" in line), "")
    return {"requests_per_second": rps, "non_2xx": errors}


def _warm(base: str, paths: list[str], cookie: str) -> None:
    """Every address once, anonymous and as the teacher: the steady state of a site visited all day."""
    for path in paths:
        for value in ("", cookie):
            request = urllib.request.Request(base + path, headers={"Cookie": value} if value else {})  # noqa: S310 - our own local server
            with contextlib.suppress(OSError), urllib.request.urlopen(request, timeout=60):  # noqa: S310 - local
                pass


def run_mixes(database_url: str, seconds: int = 5, warm: bool = False) -> dict:
    """{setting: {healthz, (mix, anonymous|teacher): rps and share}} for each of SETTINGS."""
    from wt_curriculum import create_app

    os.environ["DATABASE_URL"] = database_url  # read (and normalised) by the app's config
    app = create_app({"SECRET_KEY": SECRET})
    mixes = addresses(app)
    cookie = teacher_cookie(app)
    with app.app_context():
        from wt_curriculum.extensions import db

        db.engine.dispose()
    folder = Path(tempfile.mkdtemp(prefix="wt-bench-mixes-"))
    script = folder / "random.lua"
    script.write_text(LUA)
    files = {}
    for name, paths in mixes.items():
        files[name] = folder / (name.replace(" ", "-") + ".txt")
        files[name].write_text("\n".join(paths) + "\n")
    results: dict = {"addresses": {name: len(paths) for name, paths in mixes.items()}, "seconds": seconds,
                     "warmed": warm}
    for setting, flags in SETTINGS.items():
        port = _free_port()
        env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": SECRET, **flags}
        server = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "--workers", "2", "--bind", f"127.0.0.1:{port}",
             "--log-level", "warning", "app:app"], cwd=ROOT, env=env)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_answering(base + "/healthz")
            _wrk(base + "/healthz", 2)  # both workers up and warm before anything is counted
            if warm and flags.get("WT_FRAGMENT_CACHE") != "false":
                _warm(base, mixes["all three"], cookie)
            runs = {"healthz": _wrk(base + "/healthz", seconds)}
            for name in mixes:
                for who, value in (("anonymous", ""), ("teacher", cookie)):
                    runs[f"{name}, {who}"] = _wrk(base + "/", seconds, script, (str(files[name]), value))
            trivial = runs["healthz"]["requests_per_second"] or 0
            for run in runs.values():
                rps = run["requests_per_second"] or 0
                run["share_of_healthz"] = round(rps / trivial, 3) if trivial else None
            results[setting] = runs
        finally:
            server.terminate()
            server.wait(timeout=10)
    return results


def print_mixes(results: dict) -> None:
    print(f"\nvaried traffic ({results['addresses']} different addresses, wrk -t2 -c8 -d{results['seconds']}s, "
          f"gunicorn 2 workers{', caches warmed first' if results.get('warmed') else ', caches cold'})")
    settings = [setting for setting in SETTINGS if setting in results]
    print(f"{'mix':34}" + "".join(f" {setting + ' req/s':>22} {'share':>6}" for setting in settings))
    for name in results[settings[0]]:
        runs = [results[setting][name] for setting in settings]
        print(f"{name:34}" + "".join(f" {run['requests_per_second'] or 0:>22.0f} {run['share_of_healthz']:>6.0%}"
                                     for run in runs)
              + ("  non-2xx: " + " / ".join(str(run["non_2xx"]) for run in runs)
                 if any(run["non_2xx"] for run in runs) else ""))
