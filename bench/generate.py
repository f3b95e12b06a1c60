"""Fill a database with realistic, reproducible data of national shape.

At scale 1: about 7,000 schools in 70 networks of varied size (one of exactly
200 schools, the benchmark's network), 500 goals in both domains (the real
seed framework plus generated goals), 5,000 lesson packages with 1-4
alignments, and ten school years of year plans at ~60 rows per school per
year (~4.2 million plan rows). Smaller scales shrink schools and packages
proportionally; goals stay at 500. Everything comes from one seeded random
generator, so the same scale gives the same data.

Rows are written with set-based INSERTs in large batches (COPY on PostgreSQL
for the plan rows); no ORM objects are built for the bulk tables.
"""
import random
import time
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from wt_curriculum.core.statistics import analyze
from wt_curriculum.groepen import PHASES, to_mask
from wt_curriculum.lessons.models import Alignment, LessonPackage, PackageStatus
from wt_curriculum.objectives.models import Goal, GoalStatus, Strand
from wt_curriculum.organisations.models import Network, School
from wt_curriculum.planning import aggregates
from wt_curriculum.planning.models import PlanEntry

NAMESPACE = uuid.UUID("0b6f5a43-5f7c-4c50-9d8e-7d3c1c2b9a10")
NATIONAL = {"schools": 7000, "networks": 70, "packages": 5000, "goals": 500, "years": 10, "rows_per_year": 60}
BENCH_NETWORK_CODE = "BENCH-200"
BENCH_NETWORK_SIZE = 200
FIRST_YEAR = 2017  # ten school years: 2017-2018 .. 2026-2027
WORDS = ("bruggen bouwen", "waterfilter", "stroomkring", "zonnestelsel", "seizoenen", "programmeren", "robots",
         "nepnieuws", "privacy", "magneten", "kiemen", "insecten", "recyclen", "windenergie", "licht en schaduw",
         "geluid", "weerstation", "data verzamelen", "algoritmes", "3D-ontwerpen", "bodemdiertjes", "vogels",
         "klimaat", "materialen", "hefbomen", "tandwielen", "drijven en zinken", "mediawijsheid", "spreadsheets")
PLACES = ("Utrecht", "Amersfoort", "Zwolle", "Groningen", "Assen", "Eindhoven", "Tilburg", "Breda", "Leiden",
          "Delft", "Haarlem", "Alkmaar", "Arnhem", "Nijmegen", "Maastricht", "Venlo", "Middelburg", "Lelystad")


@dataclass
class GenerateReport:
    scale: float
    networks: int
    schools: int
    goals: int
    packages: int
    alignments: int
    plan_rows: int
    seconds: float

    def lines(self) -> list[str]:
        return [
            f"scale {self.scale}: {self.networks} networks, {self.schools} schools, {self.goals} goals, "
            f"{self.packages} packages ({self.alignments} alignments), {self.plan_rows} plan rows "
            f"in {self.seconds:.1f} s"
        ]


def _batched(rows, size=20_000):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert(session: Session, model, rows) -> int:
    count = 0
    for batch in _batched(rows):
        session.execute(insert(model), batch)
        count += len(batch)
    return count


def _ensure_goals(session: Session, rng: random.Random, target: int, now: datetime) -> int:
    """Top up the framework with generated published goals until there are `target` goals."""
    strands = list(session.execute(select(Strand.id, Strand.code).order_by(Strand.id)))
    if not strands:
        raise RuntimeError("load the framework first: flask --app app seed")
    existing = session.scalar(select(func.count()).select_from(Goal))
    codes = set(session.scalars(select(Goal.code)))
    rows = []
    n = 0
    while existing + len(rows) < target:
        strand_id, strand_code = strands[n % len(strands)]
        number = 100 + n // len(strands)
        code = f"{strand_code}.{number}"
        n += 1
        if code in codes:
            continue
        first, last = rng.choice(PHASES)
        span = rng.choice([(first, last), (first, min(8, last + 2))])
        rows.append({
            "uuid": str(uuid.uuid5(NAMESPACE, "goal:" + code)), "code": code, "strand_id": strand_id,
            "title": f"Leerdoel {code}: {rng.choice(WORDS)}", "description": "Gegenereerd voor de benchmark.",
            "groepen_mask": to_mask(range(span[0], span[1] + 1)), "keywords": ", ".join(rng.sample(WORDS, 2)),
            "source_code": "", "status": GoalStatus.PUBLISHED, "position": number, "published_at": now,
            "created_at": now, "updated_at": now, "version": 1,
        })
    return _insert(session, Goal, rows)


def generate(session: Session, scale: float = 1.0, seed: int = 2026) -> GenerateReport:
    """Add the national-scale data set (at `scale`) to a database that holds the seed framework."""
    started = time.perf_counter()
    rng = random.Random(seed)
    now = datetime.now(timezone.utc)
    n_schools = max(BENCH_NETWORK_SIZE + 10, round(NATIONAL["schools"] * scale))
    n_networks = max(3, round(NATIONAL["networks"] * scale))
    n_packages = max(100, round(NATIONAL["packages"] * scale))

    if session.scalar(select(Network.id).where(Network.code == BENCH_NETWORK_CODE)) is not None:
        raise RuntimeError("this database already holds generated data: start from an empty one")
    goals_added = _ensure_goals(session, rng, NATIONAL["goals"], now)
    goals = list(session.execute(select(Goal.id, Goal.groepen_mask).where(Goal.status == GoalStatus.PUBLISHED)))

    # Networks of varied size: one of exactly 200 schools, the rest drawn from a skewed distribution.
    network_rows = [{"code": BENCH_NETWORK_CODE, "name": "Benchmarknetwerk (200 scholen)", "region": "Utrecht",
                     "archived": False, "created_at": now}]
    network_rows += [{"code": f"GEN-{i:03d}", "name": f"W&T-netwerk {i}", "region": rng.choice(PLACES),
                      "archived": False, "created_at": now} for i in range(1, n_networks)]
    _insert(session, Network, network_rows)
    network_ids = dict(session.execute(select(Network.code, Network.id).where(
        Network.code.in_([r["code"] for r in network_rows]))).all())
    weights = [rng.paretovariate(1.5) for _ in range(n_networks - 1)]
    others = [network_ids[f"GEN-{i:03d}"] for i in range(1, n_networks)]

    school_rows = []
    for i in range(n_schools):
        network_id = network_ids[BENCH_NETWORK_CODE] if i < BENCH_NETWORK_SIZE else rng.choices(others, weights)[0]
        brin = f"{i // 676 % 100:02d}{chr(65 + i // 26 % 26)}{chr(65 + i % 26)}"
        school_rows.append({"name": f"Basisschool {rng.choice(WORDS).title()} {i}", "brin": brin,
                            "vestiging": f"{90 + i // 67600:02d}", "place": rng.choice(PLACES),
                            "network_id": network_id, "archived": False, "created_at": now})
    _insert(session, School, school_rows)

    package_rows = []
    for i in range(n_packages):
        first, last = rng.choice(PHASES)
        groepen = range(first, last + 1) if rng.random() < 0.7 else range(first, min(8, last + 2) + 1)
        theme = rng.choice(WORDS)
        status = PackageStatus.PUBLISHED if rng.random() < 0.92 else rng.choice(
            [PackageStatus.DRAFT, PackageStatus.WITHDRAWN])
        package_rows.append({
            "uuid": str(uuid.uuid5(NAMESPACE, f"package:{seed}:{i}")), "title": f"{theme.capitalize()} ({i})",
            "summary": f"Lessen over {theme} voor groep {first} tot {groepen[-1]}.",
            "description": f"In dit pakket werken leerlingen aan **{theme}**. Gegenereerd voor de benchmark.",
            "groepen_mask": to_mask(groepen), "lesson_count": rng.randint(1, 8),
            "minutes_per_lesson": rng.choice([30, 45, 60, 90]), "materials": "", "keywords": theme,
            "network_id": rng.choice(list(network_ids.values())), "authors": "Benchmark", "licence": "CC-BY-SA",
            "links": "", "status": status, "published_at": now, "created_at": now, "updated_at": now, "version": 1,
        })
    _insert(session, LessonPackage, package_rows)
    packages = list(session.execute(
        select(LessonPackage.id, LessonPackage.groepen_mask, LessonPackage.status)
        .where(LessonPackage.authors == "Benchmark").order_by(LessonPackage.id)
    ))

    alignment_rows = []
    for package_id, mask, _status in packages:
        fitting = [gid for gid, gmask in goals if gmask & mask] or [gid for gid, _ in goals]
        chosen = rng.sample(fitting, min(len(fitting), rng.randint(1, 4)))
        for k, goal_id in enumerate(chosen):
            alignment_rows.append({"package_id": package_id, "goal_id": goal_id,
                                   "relation": "kern" if k == 0 or rng.random() < 0.2 else "raakt"})
    alignments = _insert(session, Alignment, alignment_rows)

    published_by_groep = {
        g: [pid for pid, mask, status in packages if status == PackageStatus.PUBLISHED and mask & (1 << (g - 1))]
        for g in range(1, 9)
    }
    school_ids = list(session.scalars(
        select(School.id).where(School.network_id.in_(list(network_ids.values()))).order_by(School.id)))
    plan_rows = _write_plans(session, rng, school_ids, published_by_groep, now)
    session.flush()
    aggregates.rebuild(session)  # the rows were written past the ORM, so its flush hook did not see them
    # Give the query planner statistics for the new shape, as the app does after every large import.
    analyze(session.connection())
    return GenerateReport(scale, len(network_rows), len(school_rows), goals_added, len(package_rows), alignments,
                          plan_rows, time.perf_counter() - started)


def _plan_rows(rng, school_ids, published_by_groep):
    """~60 rows per school per year; each school has its own diligence, so coverage varies."""
    per_year = NATIONAL["rows_per_year"]
    for school_id in school_ids:
        diligence = rng.uniform(0.5, 1.5)
        for year in range(FIRST_YEAR, FIRST_YEAR + NATIONAL["years"]):
            if rng.random() < 0.05:
                continue  # a year without a plan: shown as unknown in cohort views
            for groep in range(1, 9):
                fitting = published_by_groep[groep]
                k = min(len(fitting), max(1, round(per_year / 8 * diligence * rng.uniform(0.7, 1.3))))
                for package_id in rng.sample(fitting, k):
                    taught = date(year + 1, rng.randint(1, 6), rng.randint(1, 28)) \
                        if year < FIRST_YEAR + NATIONAL["years"] - 1 and rng.random() < 0.8 else None
                    yield (school_id, year, groep, package_id, f"periode {rng.randint(1, 4)}", taught)


def _write_plans(session: Session, rng, school_ids, published_by_groep, now) -> int:
    columns = ("school_id", "school_year", "groep", "package_id", "period", "taught_on")
    rows = _plan_rows(rng, school_ids, published_by_groep)
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        # COPY is an order of magnitude faster than INSERT for millions of rows.
        count = 0
        raw = connection.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(
            "COPY plan_entry (school_id, school_year, groep, package_id, period, taught_on, created_at, "
            "updated_at, version) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row((*row, now, now, 1))
                count += 1
        return count
    return _insert(session, PlanEntry, (
        {**dict(zip(columns, row, strict=True)), "created_at": now, "updated_at": now, "version": 1}
        for row in rows
    ))


