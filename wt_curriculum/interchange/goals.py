"""Goals: one row per goal, matched by its code. Changes go through the objectives services (revisions, audit)."""
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..auth.permissions import is_editor
from ..groepen import label
from ..objectives import services as objectives
from ..objectives.models import Domain, Goal, GoalStatus, Strand
from ..tables import Table
from .base import (
    ADD,
    CHANGE,
    SAME,
    Column,
    Columns,
    Preview,
    RowError,
    RowPlan,
    at_line,
    check_duplicates,
    diff,
    limited,
    norm_text,
    parse_groepen,
)

NAME = "goals"
COLUMNS = Columns([
    Column("code", ("doelcode", "leerdoel", "goal"), _l("The goal's code, e.g. MN.3.2: the strand's code, a dot and a "
                                                        "number. Rows are matched by it."), required=True),
    Column("strand", ("leerlijn", "streng", "strand_code", "grote_opdracht"),
           _l("The code of the strand (leerlijn) the goal belongs to, e.g. MN.3."), required=True),
    Column("title", ("titel", "naam"), _l("The title, at most 200 characters."), required=True),
    Column("description", ("omschrijving", "beschrijving"), _l("The description, at most 5,000 characters.")),
    Column("groepen", ("groep", "groups", "grades"), _l("The groepen, e.g. 5-8 or 5,6,7,8."), required=True),
    Column("keywords", ("trefwoorden", "zoekwoorden"), _l("Keywords, separated by commas.")),
    Column("status", ("staat",), _l("concept, vastgesteld or vervallen (draft, published, retired); empty: a new goal "
                                    "is a draft and an existing one keeps its status.")),
    Column("source_code", ("bron", "broncode", "source", "bouwsteen"),
           _l("The curriculum.nu building block, e.g. MN07.1.")),
])
STATUSES = {
    "concept": GoalStatus.DRAFT, "draft": GoalStatus.DRAFT,
    "vastgesteld": GoalStatus.PUBLISHED, "published": GoalStatus.PUBLISHED,
    "vervallen": GoalStatus.RETIRED, "retired": GoalStatus.RETIRED,
}
NOTE = "import"


@dataclass
class GoalRow:
    code: str
    strand: Strand
    title: str
    description: str
    groepen: list[int]
    keywords: str
    source_code: str
    status: str | None  # None: keep (existing) or draft (new)

    def goal_data(self) -> objectives.GoalData:
        return objectives.GoalData(self.code, self.strand.domain_id, self.strand.id, self.title, self.description,
                                   self.groepen, self.keywords, self.source_code)


@dataclass
class GoalPlan:
    row: GoalRow
    goal_id: int | None
    content_changed: bool
    transition: str | None  # publish, retire or None
    was_published: bool = False  # the goal it changes is published (four-eyes publishing)


def _keywords(text: str) -> str:
    return ", ".join(k.strip() for k in text.split(",") if k.strip())


def _parse(record: dict[str, str], strands: dict[str, Strand]) -> GoalRow:
    code = limited(record["code"], "code", 30)
    if not code:
        raise RowError(_l("Fill in the code."))
    strand = strands.get(record["strand"])
    if strand is None:
        raise RowError(_l("There is no strand with code “%(code)s”.", code=record["strand"][:30]))
    if not re.fullmatch(re.escape(strand.code) + r"\.[1-9]\d{0,2}", code):
        raise RowError(_l("The code %(code)s does not fit strand %(strand)s: write %(example)s.",
                          code=code, strand=strand.code, example=f"{strand.code}.1"))
    title = limited(record["title"], "title", objectives.MAX_TITLE)
    if not title:
        raise RowError(_l("Fill in the title."))
    description = limited(record["description"], "description", objectives.MAX_DESCRIPTION)
    groepen = parse_groepen(record["groepen"])
    keywords = limited(_keywords(record["keywords"]), "keywords", objectives.MAX_KEYWORDS)
    source = limited(record["source_code"], "source_code", objectives.MAX_SOURCE)
    if not objectives.SOURCE_CODE.fullmatch(source):
        raise RowError(_l("source_code may hold only letters, digits, dots and hyphens, e.g. MN07.1."))
    status = None
    if record["status"]:
        status = STATUSES.get(record["status"].lower())
        if status is None:
            raise RowError(_l("The status “%(value)s” is not one of concept, vastgesteld, vervallen.",
                              value=record["status"][:20]))
    return GoalRow(code, strand, title, description, groepen, keywords, source, status)


def preview(session: Session, table: Table, user) -> Preview:
    """What importing the goals would add, change or leave alone, and every problem (writes nothing)."""
    result = Preview(NAME)
    records, result.errors = COLUMNS.records(table)
    strands = {s.code: s for s in session.scalars(select(Strand))}
    strand_codes = {s.id: s.code for s in strands.values()}
    goals = {g.code: g for g in session.scalars(select(Goal))}
    bad = check_duplicates(result, [(line, r["code"] or None) for line, r in records],
                           lambda key: _l("goal %(code)s", code=key))
    for line, record in records:
        if line in bad:
            continue
        try:
            row = _parse(record, strands)
            plan = _plan(row, goals.get(row.code), strand_codes)
        except RowError as error:
            result.error(line, error.message)
            continue
        result.rows.append(plan_row(line, row, plan, goals.get(row.code), strand_codes))
    result.rows.sort(key=lambda r: r.line)
    return result


def _plan(row: GoalRow, goal: Goal | None, strand_codes: dict[int, str]) -> GoalPlan:
    if goal is None:
        if row.status == GoalStatus.RETIRED:
            raise RowError(_l("A new goal cannot be imported as vervallen (retired)."))
        return GoalPlan(row, None, True, "publish" if row.status == GoalStatus.PUBLISHED else None)
    target = row.status or goal.status
    content_changed = bool(_content_changes(row, goal, strand_codes))
    if goal.status == GoalStatus.RETIRED:
        if content_changed or target != GoalStatus.RETIRED:
            raise RowError(_l("Goal %(code)s is vervallen (retired): it cannot be changed and its code cannot be "
                              "reused. Give a new goal a new code.", code=goal.code))
        return GoalPlan(row, goal.id, False, None)
    if goal.status == GoalStatus.PUBLISHED and row.strand.id != goal.strand_id:
        raise RowError(_l("The strand of a published goal never changes; make a new goal instead."))
    transition = None
    if target != goal.status:
        if goal.status == GoalStatus.DRAFT and target == GoalStatus.PUBLISHED:
            transition = "publish"
        elif goal.status == GoalStatus.PUBLISHED and target == GoalStatus.RETIRED:
            transition = "retire"
        elif target == GoalStatus.RETIRED:
            raise RowError(_l("Goal %(code)s is a draft: only a published goal can become vervallen.", code=goal.code))
        else:
            raise RowError(_l("Goal %(code)s is vastgesteld (published): it cannot go back to concept.",
                              code=goal.code))
    return GoalPlan(row, goal.id, content_changed, transition, goal.status == GoalStatus.PUBLISHED)


def touches_published(result: Preview) -> bool:
    """Whether the import changes or retires a published goal, or publishes one: then, with four-eyes
    publishing, it waits for a second editor."""
    return any(r.action != SAME and (r.data.was_published or r.data.transition == "publish") for r in result.rows)


def _content_changes(row: GoalRow, goal: Goal, strand_codes: dict[int, str]):
    return diff([
        ("strand", strand_codes.get(goal.strand_id, ""), row.strand.code),
        ("title", goal.title, row.title),
        ("description", norm_text(goal.description), row.description),
        ("groepen", label(goal.groepen), label(row.groepen)),
        ("keywords", _keywords(goal.keywords), row.keywords),
        ("source_code", goal.source_code, row.source_code),
    ])


def plan_row(line: int, row: GoalRow, plan: GoalPlan, goal: Goal | None, strand_codes) -> RowPlan:
    if goal is None:
        return RowPlan(line, row.code, row.title, ADD, [], plan)
    changes = _content_changes(row, goal, strand_codes)
    changes += diff([("status", goal.status, row.status or goal.status)])
    return RowPlan(line, row.code, row.title, CHANGE if changes else SAME, changes, plan)


def apply(session: Session, result: Preview, user, progress=None) -> None:
    """Write the previewed goals through the objectives services; a DomainError names its line (see services)."""

    for done, row_plan in enumerate(result.rows, 1):
        if progress is not None:
            progress(done)
        plan: GoalPlan = row_plan.data
        if row_plan.action == SAME:
            continue
        with at_line(row_plan.line):
            if plan.goal_id is None:
                goal = objectives.create_goal(session, plan.row.goal_data(), user, NOTE)
            else:
                goal = session.get(Goal, plan.goal_id)
                if plan.content_changed:
                    objectives.update_goal(session, goal, plan.row.goal_data(), user, NOTE, goal.version)
            if plan.transition == "publish":
                objectives.publish_goal(session, goal, user, NOTE)
            elif plan.transition == "retire":
                objectives.retire_goal(session, goal, user, NOTE)


def export(session: Session, user) -> tuple[list[str], list[list[str]]]:
    """Every goal in framework order; drafts and retired goals only for editors."""
    query = (
        select(Goal, Strand.code)
        .join(Strand, Strand.id == Goal.strand_id).join(Domain, Domain.id == Strand.domain_id)
        .order_by(Domain.position, Domain.code, Strand.position, Strand.code, Goal.position, Goal.code)
    )
    if not is_editor(user):
        query = query.where(Goal.status == GoalStatus.PUBLISHED)
    rows = [[g.code, strand, g.title, g.description, label(g.groepen), _keywords(g.keywords), g.status,
             g.source_code] for g, strand in session.execute(query)]
    return COLUMNS.names, rows
