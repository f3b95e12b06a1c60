"""Fixtures: an app on a clean database per test, a client, and logging in as each role.

The database is SQLite by default; with TEST_DATABASE_URL set (PostgreSQL) the
same tests run against that server, each xdist worker in a schema of its own.
The schema is built once per session by the real migrations; each test then
gets a fresh copy (SQLite) or emptied tables (PostgreSQL). Tests that ask for
`framework` start from a database that already holds it (built once per test
process, like the access table's world), since loading it takes most of a second.
"""
import os
import shutil
import socket
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from wt_curriculum import create_app
from wt_curriculum.extensions import db
from wt_curriculum.i18n import compile_catalogs


def _memoise_url_builders() -> None:
    """Every test makes an app, and Werkzeug compiles two Python functions per URL rule for each (about 200 rules:
    most of `create_app`'s time). The functions depend only on the rule's parts and defaults (the converters are
    looked up on the rule when called), so the tests reuse them across apps."""
    from werkzeug.routing.rules import Rule

    compile_builder = Rule._compile_builder
    builders: dict = {}

    def cached(self, append_unknown: bool = True):
        defaults = sorted((str(k), repr(v), type(self._converters.get(k)).__name__)
                          for k, v in (self.defaults or {}).items())
        key = (tuple(self._trace), tuple(defaults), append_unknown)
        if key not in builders:
            builders[key] = compile_builder(self, append_unknown)
        return builders[key]

    Rule._compile_builder = cached

    # Parsing each rule's text into its parts is the other half: remembered per rule text and converters, with
    # what parsing does to the rule besides (its trace, its converters and arguments) done again for each rule.
    parse_rule = Rule._parse_rule
    parsed: dict = {}

    def parse_once(self, rule: str):
        key = (rule, tuple(sorted((name, id(kind)) for name, kind in self.map.converters.items())))
        if key not in parsed:
            converters = []
            get_converter = self.get_converter

            def recording(variable, name, args, kwargs):
                converters.append((variable, name, args, kwargs))
                return get_converter(variable, name, args, kwargs)

            trace_before = len(self._trace)
            self.get_converter = recording
            try:
                parts = list(parse_rule(self, rule))
            finally:
                del self.get_converter
            parsed[key] = (parts, self._trace[trace_before:], converters)
            return parts
        parts, trace, converters = parsed[key]
        self._trace.extend(trace)
        for variable, name, args, kwargs in converters:
            self._converters[variable] = self.get_converter(variable, name, args, kwargs)
            self.arguments.add(variable)
        return list(parts)

    Rule._parse_rule = parse_once


_memoise_url_builders()


def _share_compiled_templates() -> None:
    """Each app's Jinja environment compiles every template it renders anew: a quarter of the suite's time, as
    every test makes an app. The tests' apps are configured alike, so they share the compiled code through one
    in-memory bytecode cache, keyed by the template's name and checked against a checksum of its source."""
    from flask import Flask
    from jinja2 import BytecodeCache

    class SharedBytecode(BytecodeCache):
        def __init__(self):
            self.compiled: dict[str, tuple[str, object]] = {}

        def load_bytecode(self, bucket):
            found = self.compiled.get(bucket.key)
            if found is not None and found[0] == bucket.checksum:
                bucket.code = found[1]

        def dump_bytecode(self, bucket):
            self.compiled[bucket.key] = (bucket.checksum, bucket.code)

    shared = SharedBytecode()
    create_jinja_environment = Flask.create_jinja_environment

    def with_shared_bytecode(self):
        environment = create_jinja_environment(self)
        environment.bytecode_cache = shared
        return environment

    Flask.create_jinja_environment = with_shared_bytecode


_share_compiled_templates()


pytest_plugins = ["tests.browser_fixtures", "tests.access_world", "tests.queue_fixtures", "tests.mail_fixtures"]

ROOT = Path(__file__).resolve().parent.parent
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
ROLES = ("beheerder", "redacteur", "netwerkcoordinator", "coordinator", "leraar")
PASSWORD = "een-goed-testwachtwoord"
BASE_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret",
    "WTF_CSRF_ENABLED": False,
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # fast hashing; production keeps scrypt
    "SERVER_NAME": None,
    # Tasks run where they are sent; tests about the queue itself use real consumers (tests/core/queue_fixtures.py).
    "QUEUE_IMMEDIATE": True,
    # Two-step sign-in is required for administrators and editors by default; tests of it turn it on.
    "REQUIRE_2FA_FOR": "",
    # Tests of editing see their change at once; four-eyes publishing has its own tests, with it on
    # (tests/objectives/test_four_eyes.py).
    "FOUR_EYES": False,
}


# The slowest tests (tens of seconds each: servers, consumers, browsers, whole-app walks) start first, so that
# the parallel test processes are not left waiting for one of them at the end. Whole files, in their own order.
SLOW_FIRST = (
    "tests/test_hostile_requests.py", "tests/test_fuzz_forms.py", "tests/reports/test_web_memory.py",
    "tests/core/test_consumer.py", "tests/core/test_concurrency.py", "tests/e2e/test_journeys.py",
    "tests/planning/test_heatmap_browser.py", "tests/case/test_pages_browser.py",
    "tests/consultations/test_browser.py", "tests/bench/test_generate.py", "tests/test_access.py",
    "tests/reports/test_pdf_layout.py", "tests/test_fuzz_imports.py", "tests/planning/test_browser.py",
    "tests/case/test_case.py", "tests/core/test_gunicorn.py",
)


def pytest_collection_modifyitems(config, items):
    rank = {path: number for number, path in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(SLOW_FIRST)))


# The id sequences of the test schema with the table and column owning each (serial or identity columns).
SEQUENCES_SQL = (
    "SELECT quote_ident(s.relname), t.relname, a.attname FROM pg_class s "
    "JOIN pg_namespace n ON n.oid = s.relnamespace "
    "JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass "
    "AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') "
    "JOIN pg_class t ON t.oid = d.refobjid "
    "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid "
    "WHERE s.relkind = 'S' AND n.nspname = current_schema()"
)


def _pg_url(worker: str) -> tuple[str, str, str]:
    url = TEST_DATABASE_URL
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix):]
    # One schema per test process, so parallel runs on one server never meet; dropped at the end.
    schema = f"wt_test_{worker}_{os.getpid()}"
    sep = "&" if "?" in url else "?"
    # Commits need not wait for the disk: a test database is thrown away anyway.
    return url, f"{url}{sep}options=-csearch_path%3D{schema}%20-csynchronous_commit%3Doff", schema


@pytest.fixture(scope="session")
def database_template(tmp_path_factory, worker_id):
    """Build the schema once with `flask db upgrade`; return how to get a clean database from it."""
    from flask_migrate import upgrade

    compile_catalogs()
    if TEST_DATABASE_URL:
        base_url, url, schema = _pg_url(worker_id)
        engine = create_engine(base_url)
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine.dispose()
        app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade(revision="heads")
            tables = [t.name for t in db.metadata.sorted_tables]
            sequences = [name for name, _table, _column in db.session.execute(text(SEQUENCES_SQL))]
            db.session.rollback()
            db.engine.dispose()
        yield {"kind": "postgresql", "url": url, "tables": tables, "all_sequences": sequences}
        engine = create_engine(base_url)
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()
    else:
        path = tmp_path_factory.mktemp("template") / "template.sqlite"
        app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
        with app.app_context():
            upgrade(revision="heads")
            db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
            db.engine.dispose()
        yield {"kind": "sqlite", "path": path}


@pytest.fixture(scope="session")
def worker_id(request):
    return getattr(request.config, "workerinput", {}).get("workerid", "main")


def _fresh_database_url(template, tmp_path: Path) -> str:
    if template["kind"] == "sqlite":
        target = tmp_path / "test.sqlite"
        shutil.copyfile(template["path"], target)
        return f"sqlite:///{target}"
    engine = create_engine(template["url"])
    with engine.begin() as conn:
        # DELETE, children first, then every id sequence back to 1: for tables of a few rows far cheaper than
        # TRUNCATE, which makes new files for every table and index (about half a second per test).
        for table in reversed(template["tables"]):
            conn.execute(text(f'DELETE FROM "{table}"'))
        conn.execute(text("SELECT setval(CAST(s AS regclass), 1, false) FROM unnest(CAST(:s AS text[])) AS s"),
                     {"s": template["all_sequences"]})
        if template.get("snapshot"):
            # The rows of the framework database, copied back, and the id sequences past them.
            for table in template["snapshot_tables"]:
                conn.execute(text(f'INSERT INTO "{table}" SELECT * FROM "{template["snapshot"]}"."{table}"'))
            for sequence, value in template["sequences"]:
                conn.execute(text("SELECT setval(:sequence, :value)"), {"sequence": sequence, "value": value})
        else:
            conn.execute(text("INSERT INTO content_generation (id, value) VALUES (1, 0)"))  # as the migration made it
    engine.dispose()
    return template["url"]


def _test_config(url: str, tmp_path: Path) -> dict:
    return {
        **BASE_CONFIG,
        "SQLALCHEMY_DATABASE_URI": url,
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "IMPORT_FOLDER": str(tmp_path / "imports"),
        "FILE_STORE_FOLDER": str(tmp_path / "files"),
        "BACKUP_FOLDER": str(tmp_path / "backups"),
    }


def _load_framework(session) -> None:
    from wt_curriculum.objectives.seed import load_framework
    from wt_curriculum.seed import read_yaml

    load_framework(session, read_yaml(ROOT / "seeds" / "framework.yaml"))


def _load_search_demo(session) -> None:
    """The demo's networks and packages with the framework, references and crosswalk they use (no schools)."""
    from wt_curriculum.lessons.seed import load_demo_packages
    from wt_curriculum.organisations.models import Network
    from wt_curriculum.references.seed import load_references, load_seed_crosswalk
    from wt_curriculum.seed import read_yaml

    data = read_yaml(ROOT / "seeds" / "demo.yaml")
    for network in data["networks"]:
        session.add(Network(code=network["code"], name=network["name"], region="Utrecht"))
    session.flush()
    framework = read_yaml(ROOT / "seeds" / "framework.yaml")
    from wt_curriculum.objectives.seed import load_framework

    load_framework(session, framework)
    load_references(session, read_yaml(ROOT / "seeds" / "references.yaml"))
    load_seed_crosswalk(session, framework)
    load_demo_packages(session, data)


def _load_demo(session) -> None:
    """What `flask seed --demo` loads: the framework, references, demo networks, schools, packages and plans."""
    from wt_curriculum.seed import seed_all

    seed_all(session, ROOT / "seeds", demo=True)


# Data many tests start from, by the name of the fixture that asks for it: each is loaded once per test process
# (it takes from half a second to a few seconds) and every such test starts from a copy (`app`).
STARTING_DATA = {"framework": _load_framework, "search_demo": _load_search_demo, "demo_data": _load_demo}


@pytest.fixture(scope="session")
def starting_data_templates(database_template, tmp_path_factory):
    """name -> a template holding that starting data, built when a test first asks for it."""
    built: dict[str, dict] = {}

    def get(name: str) -> dict:
        if name not in built:
            folder = tmp_path_factory.mktemp(name)
            url = _fresh_database_url(database_template, folder)
            app = create_app(_test_config(url, folder))
            with app.app_context():
                STARTING_DATA[name](db.session)
                db.session.commit()
                if database_template["kind"] == "sqlite":
                    db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
                    db.session.commit()
                db.session.remove()
                db.engine.dispose()
            if database_template["kind"] == "sqlite":
                built[name] = {"kind": "sqlite", "path": folder / "test.sqlite"}
            else:
                built[name] = snapshot_postgresql(database_template, name)
        return built[name]

    yield get
    for template in built.values():
        if template.get("snapshot"):
            drop_snapshot(template)


def snapshot_postgresql(database_template: dict, name: str) -> dict:
    """PostgreSQL: copy the rows now in the test schema into a schema of their own; the returned template makes
    `_fresh_database_url` put them back (with the id sequences past them) instead of leaving the tables empty."""
    schema = database_template["url"].split("search_path%3D", 1)[1].split("%20", 1)[0]
    snapshot = f"{schema}_{name}"
    tables, sequences = [], []
    engine = create_engine(database_template["url"])
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{snapshot}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{snapshot}"'))
        for table in database_template["tables"]:
            if conn.execute(text(f'SELECT EXISTS (SELECT 1 FROM "{table}")')).scalar():
                tables.append(table)
                conn.execute(text(f'CREATE TABLE "{snapshot}"."{table}" AS SELECT * FROM "{table}"'))
        for sequence, table, column in conn.execute(text(SEQUENCES_SQL)):
            if table in tables:
                value = conn.execute(text(f'SELECT max("{column}") FROM "{table}"')).scalar()
                if value is not None:
                    sequences.append((sequence, value))
    engine.dispose()
    return {**database_template, "snapshot": snapshot, "snapshot_tables": tables, "sequences": sequences}


def drop_snapshot(template: dict) -> None:
    engine = create_engine(template["url"])
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{template["snapshot"]}" CASCADE'))
    engine.dispose()


@pytest.fixture
def app(request, database_template, tmp_path):
    template = database_template
    wanted = [name for name in STARTING_DATA if name in request.fixturenames]
    if len(wanted) > 1:
        raise pytest.UsageError(f"{request.node.nodeid} asks for more than one starting data set: {wanted}")
    if wanted:
        template = request.getfixturevalue("starting_data_templates")(wanted[0])
    app = create_app(_test_config(_fresh_database_url(template, tmp_path), tmp_path))
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@dataclass
class UserRef:
    id: int
    email: str
    role: str
    school_id: int | None
    network_id: int | None
    password: str = PASSWORD


class Factory:
    """Creates records in their own app context and commits, returning plain references."""

    def __init__(self, app):
        self.app = app
        self._counter = 0

    def _next(self) -> int:
        self._counter += 1
        return self._counter

    def network(self, code=None, name=None, region="Utrecht") -> int:
        from wt_curriculum.organisations.models import Network

        n = self._next()
        with self.app.app_context():
            network = Network(code=code or f"NET{n}", name=name or f"Netwerk {n}", region=region)
            db.session.add(network)
            db.session.commit()
            return network.id

    def school(self, network_id=None, name=None, brin=None, vestiging="00", place="Utrecht") -> int:
        from wt_curriculum.organisations.models import School

        n = self._next()
        with self.app.app_context():
            school = School(name=name or f"School {n}", brin=brin or f"{n:02d}ZZ"[-4:], vestiging=vestiging,
                            place=place, network_id=network_id)
            db.session.add(school)
            db.session.commit()
            return school.id

    def user(self, role: str, school_id=None, network_id=None, email=None, active=True) -> UserRef:
        from wt_curriculum.auth import services

        n = self._next()
        if role in ("coordinator", "leraar") and school_id is None:
            school_id = self.school(network_id=network_id)
        if role == "netwerkcoordinator" and network_id is None:
            network_id = self.network()
        with self.app.app_context():
            user = services.create_user(db.session, services.UserData(
                email=email or f"{role}{n}@example.org", name=f"{role.title()} {n}", role=role,
                school_id=school_id, network_id=network_id, active=active), PASSWORD)
            db.session.commit()
            return UserRef(user.id, user.email, user.role, user.school_id, user.network_id)


@pytest.fixture
def factory(app):
    return Factory(app)


def login_as(client, app, user: UserRef) -> UserRef:
    """Log a client in without the password round trip (the login form has its own tests)."""
    from wt_curriculum.auth.models import User
    from wt_curriculum.auth.sessions import start_session

    with app.app_context():
        key = start_session(db.session, db.session.get(User, user.id))
        db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = f"{user.id}:{key}"
        session["_fresh"] = True
    return user


@pytest.fixture
def login(client, app, factory):
    """login('redacteur') makes a user with that role and logs the test client in as it."""

    def _login(role: str, **kwargs) -> UserRef:
        return login_as(client, app, factory.user(role, **kwargs))

    return _login


@pytest.fixture
def framework(app):
    """The real seed framework (seeds/framework.yaml), committed: the `app` fixture of a test that asks for this
    starts from a copy of a database holding it (`STARTING_DATA`)."""
    return app


@pytest.fixture
def search_demo(app):
    """The demo's packages with the framework, references and crosswalk, committed (`STARTING_DATA`)."""
    return app


@pytest.fixture
def demo_data(app):
    """Everything `flask seed --demo` loads, committed (`STARTING_DATA`)."""
    return app


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """`with count_queries() as counter: client.get(...)`, then `counter.count` SQL statements ran."""
    from contextlib import contextmanager

    from sqlalchemy import event

    @contextmanager
    def _count():
        counter = QueryCounter()

        def before(conn, cursor, statement, parameters, context, executemany):
            if not statement.lstrip().upper().startswith(("PRAGMA", "SAVEPOINT", "RELEASE")):
                counter.statements.append(statement)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", before)

    return _count


# Host names for the address checks (core/addresses.py), resolved without a network.
FAKE_DNS = {"public.example": "93.184.215.14", "public6.example": "2606:4700::6810:84e5",
            "inside.example": "10.1.2.3", "metadata.example": "169.254.169.254", "six.example": "::1",
            "mapped.example": "::ffff:10.0.0.1", "localhost": "127.0.0.1"}


@pytest.fixture
def fake_dns(monkeypatch):
    """socket.getaddrinfo answers from FAKE_DNS (an address stays itself; public.example is public,
    inside.example private, metadata.example link-local); returns the list of host names asked for."""
    asked = []

    def getaddrinfo(host, port, *args, **kwargs):
        asked.append(host)
        address = FAKE_DNS.get(host, host)
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked
