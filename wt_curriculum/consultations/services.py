"""Consultation rounds: plain functions that take the session, flush, and never commit.

Who may see a round: editors always; everyone else when the round has started and its audience includes
their role. Responding needs the round to be open (started, not past its end date, not closed early).
"""
import difflib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from flask_babel import format_date, lazy_pgettext, pgettext
from flask_babel import lazy_gettext as _
from flask_babel import lazy_ngettext as _nl
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from ..auth.models import Role, User
from ..auth.permissions import is_editor
from ..core.hooks import Section, home_page_sections, start_page_sections
from ..core.models import Revision
from ..core.services import record_audit
from ..errors import Conflict, Forbidden, NotFound, ValidationError
from ..lessons.models import Alignment, LessonPackage
from ..notifications.services import notify
from ..objectives import services as goals
from ..objectives.models import Goal, GoalStatus, Strand
from ..organisations.models import Network, School
from ..planning.models import PlanEntry
from .models import Answer, Audience, ConsultationResponse, ConsultationRound, Position, RoundGoal

MAX_TITLE = 200
MAX_TEXT = 5000
MAX_REASON = 500
AUDIENCE_ROLES = {
    Audience.NETWORKS: (Role.NETWORK,),
    Audience.COORDINATORS: (Role.COORDINATOR,),
    Audience.TEACHERS: (Role.TEACHER,),
    Audience.EVERYONE: tuple(Role),
}


def today() -> date:
    return datetime.now(UTC).date()


def audience_labels() -> dict[str, str]:
    return {
        Audience.NETWORKS: _("network coordinators"),
        Audience.COORDINATORS: _("school coordinators"),
        Audience.TEACHERS: _("teachers"),
        Audience.EVERYONE: _("anyone logged in"),
    }


def position_labels() -> dict[str, str]:
    return {
        Position.AGREE: _("agree"),
        Position.AGREE_WITH_CHANGES: _("agree with changes"),
        Position.DISAGREE: _("disagree"),
    }


def answer_labels() -> dict[str, str]:
    return {
        Answer.ADOPTED: pgettext("consultation answer", "adopted"),
        Answer.PARTLY: _("partly adopted"),
        Answer.NOT_ADOPTED: _("not adopted"),
    }


def lazy_answer_labels() -> dict:
    """The answers' words as lazy texts, for notifications rendered later in each reader's language."""
    return {
        Answer.ADOPTED: lazy_pgettext("consultation answer", "adopted"),
        Answer.PARTLY: _("partly adopted"),
        Answer.NOT_ADOPTED: _("not adopted"),
    }


def audience_roles(round_: ConsultationRound) -> set[str]:
    roles: set[str] = set()
    for audience in round_.audiences:
        roles.update(AUDIENCE_ROLES.get(audience, ()))
    return roles


def in_audience(round_: ConsultationRound, user) -> bool:
    return bool(user is not None and user.is_authenticated and user.role in audience_roles(round_))


def is_open(round_: ConsultationRound, on: date | None = None) -> bool:
    on = on or today()
    return round_.closed_at is None and round_.starts_on <= on <= round_.ends_on


def is_closed(round_: ConsultationRound, on: date | None = None) -> bool:
    on = on or today()
    return round_.closed_at is not None or round_.ends_on < on


def _clean(value: str | None) -> str:
    return (value or "").strip()


def _text(value: str | None, field_name: str, limit: int, empty_message=None) -> str:
    value = _clean(value)
    if empty_message is not None and not value:
        raise ValidationError(empty_message, field=field_name)
    if len(value) > limit:
        raise ValidationError(_nl("Use at most %(n)s character.", "Use at most %(n)s characters.", limit, n=limit),
                              field=field_name)
    return value


# --- Opening and closing a round -------------------------------------------------------------------------------


@dataclass
class RoundData:
    title: str
    explanation: str
    starts_on: date | None
    ends_on: date | None
    audiences: list[str]
    on_draft: bool
    goal_codes: str = ""  # comma- or space-separated, when not on the draft


def _round_goals(session: Session, data: RoundData) -> list[Goal]:
    if data.on_draft:
        found = list(session.scalars(select(Goal).where(Goal.status == GoalStatus.DRAFT).order_by(Goal.code)))
        if not found:
            raise ValidationError(_("There are no draft goals; choose the goals of the round instead."),
                                  field="scope")
        return found
    codes = sorted({c for c in _clean(data.goal_codes).replace(",", " ").split() if c})
    if not codes:
        raise ValidationError(_("Enter the codes of the goals of this round."), field="goal_codes")
    if len(codes) > 500:
        raise ValidationError(_("A round has at most 500 goals."), field="goal_codes")
    found = list(session.scalars(select(Goal).where(Goal.code.in_(codes)).order_by(Goal.code)))
    missing = sorted(set(codes) - {g.code for g in found})
    if missing:
        raise ValidationError(_("There is no goal with code %(code)s.", code=", ".join(missing)[:200]),
                              field="goal_codes")
    retired = [g.code for g in found if g.status == GoalStatus.RETIRED]
    if retired:
        raise ValidationError(_("Goal %(code)s is retired; a round is on draft and published goals.",
                                code=", ".join(retired)[:200]), field="goal_codes")
    return found


def open_round(session: Session, data: RoundData, editor) -> ConsultationRound:
    """Open a round on the draft goals or on a chosen set of goals."""
    title = _text(data.title, "title", MAX_TITLE, _("Enter a title."))
    explanation = _text(data.explanation, "explanation", MAX_TEXT)
    if data.starts_on is None:
        raise ValidationError(_("Enter the start date."), field="starts_on")
    if data.ends_on is None:
        raise ValidationError(_("Enter the end date."), field="ends_on")
    if data.ends_on < data.starts_on:
        raise ValidationError(_("The end date is before the start date."), field="ends_on")
    if data.ends_on < today():
        raise ValidationError(_("The end date has already passed."), field="ends_on")
    audiences = [a for a in Audience if a in set(data.audiences or [])]
    if not audiences:
        raise ValidationError(_("Choose who is asked to respond."), field="audiences")
    if Audience.EVERYONE in audiences:
        audiences = [Audience.EVERYONE]
    chosen = _round_goals(session, data)
    round_ = ConsultationRound(title=title, explanation=explanation, starts_on=data.starts_on,
                               ends_on=data.ends_on, audience=",".join(audiences), on_draft=data.on_draft,
                               created_by_id=getattr(editor, "id", None))
    session.add(round_)
    session.flush()
    session.add_all(RoundGoal(round_id=round_.id, goal_id=g.id) for g in chosen)
    session.flush()
    record_audit(session, editor, "consultation.open", "consultation", round_.id, title)
    if round_.starts_on <= today():
        _announce(session, round_, exclude=editor)
    return round_


def audience_user_ids(session: Session, round_: ConsultationRound) -> list[int]:
    return list(session.scalars(select(User.id).where(User.role.in_(sorted(audience_roles(round_))),
                                                      User.active.is_(True))))


def _announce(session: Session, round_: ConsultationRound, exclude=None) -> None:
    notify(session, audience_user_ids(session, round_), "consultation.open",
           _("Consultation round opened: %(title)s", title=round_.title),
           _("Respond until %(date)s.", date=round_.ends_on),  # a date: each reader's language writes it
           ("consultations.round_page", {"round_id": round_.id}), exclude=exclude)
    round_.opened_notice_sent = True
    session.flush()


def announce_open_rounds(session: Session) -> int:
    """Tell the audience of every round whose start date has come (once per round); how many rounds."""
    due = [r for r in session.scalars(select(ConsultationRound).where(
        ConsultationRound.opened_notice_sent.is_(False), ConsultationRound.starts_on <= today(),
        ConsultationRound.ends_on >= today(), ConsultationRound.closed_at.is_(None)))]
    for round_ in due:
        _announce(session, round_)
    return len(due)


def close_round(session: Session, round_: ConsultationRound, editor) -> None:
    """Close a round before its end date (answering can start)."""
    if is_closed(round_):
        raise ValidationError(_("This round is already closed."))
    round_.closed_at = datetime.now(UTC)
    session.flush()
    record_audit(session, editor, "consultation.close", "consultation", round_.id, round_.title)


# --- Finding rounds --------------------------------------------------------------------------------------------


def get_round(session: Session, round_id: int, viewer) -> ConsultationRound:
    """A round the viewer may see; NotFound for a round that does not exist or has not started for them,
    Forbidden (with the audience named) for a round that is for others."""
    round_ = session.get(ConsultationRound, round_id)
    if round_ is None or (not is_editor(viewer) and round_.starts_on > today()):
        raise NotFound(_("There is no such consultation round."))
    if not is_editor(viewer) and not in_audience(round_, viewer):
        labels = audience_labels()
        raise Forbidden(_("This consultation round is for %(audience)s only.",
                          audience=", ".join(str(labels[a]) for a in round_.audiences)))
    return round_


@dataclass
class RoundRow:
    round: ConsultationRound
    goal_count: int
    response_count: int
    unanswered: int
    state: str  # planned, open, closed, done


def _state(round_: ConsultationRound, unanswered: int) -> str:
    if is_closed(round_):
        return "done" if unanswered == 0 else "closed"
    return "open" if is_open(round_) else "planned"


def state_labels() -> dict[str, str]:
    return {"planned": _("planned"), "open": _("open"), "closed": _("closed, answers due"), "done": _("done")}


def list_rounds(session: Session, viewer, only_open: bool = False) -> list[RoundRow]:
    """The rounds a viewer may see, newest first, with their counts (three queries)."""
    rounds = list(session.scalars(select(ConsultationRound).order_by(
        ConsultationRound.starts_on.desc(), ConsultationRound.id.desc())))
    if not is_editor(viewer):
        rounds = [r for r in rounds if r.starts_on <= today() and in_audience(r, viewer)]
    if only_open:
        rounds = [r for r in rounds if is_open(r)]
    ids = [r.id for r in rounds]
    goal_counts = dict(session.execute(
        select(RoundGoal.round_id, func.count()).where(RoundGoal.round_id.in_(ids)).group_by(RoundGoal.round_id)
    ).all()) if ids else {}
    top = (ConsultationResponse.round_id.in_(ids), ConsultationResponse.parent_id.is_(None),
           ConsultationResponse.hidden_at.is_(None))
    counts: dict[int, tuple[int, int]] = {}
    if ids:
        for round_id, total, unanswered in session.execute(
            select(ConsultationResponse.round_id, func.count(),
                   func.count().filter(ConsultationResponse.answer.is_(None)))
            .where(*top).group_by(ConsultationResponse.round_id)
        ):
            counts[round_id] = (total, unanswered)
    rows = []
    for r in rounds:
        total, unanswered = counts.get(r.id, (0, 0))
        rows.append(RoundRow(r, goal_counts.get(r.id, 0), total, unanswered, _state(r, unanswered)))
    return rows


def home_section(session: Session, viewer) -> Section | None:
    """The open rounds for the viewer's audience, for the home page (nothing when there are none)."""
    if viewer is None or not viewer.is_authenticated or viewer.role == Role.EDITOR:
        return None  # editors run the rounds: their start page lists them (editor_start_section)
    rows = [row for row in list_rounds(session, viewer, only_open=True) if in_audience(row.round, viewer)]
    if not rows:
        return None
    return Section("consultations/_home.html", {"open_rounds": rows}, order=20)


home_page_sections.register(home_section)


@start_page_sections.register(order=22)
def editor_start_section(session: Session, user) -> Section | None:
    """Editors' start page: the rounds running now and the closed ones whose responses still need an answer."""
    if user.role != Role.EDITOR:
        return None
    rows = [row for row in list_rounds(session, user) if row.state in ("open", "closed")]
    return Section("consultations/_start_editor.html", {"rounds": rows[:6], "total": len(rows)}, order=22)


# --- One round: its goals and responses ------------------------------------------------------------------------


@dataclass
class DiffPart:
    op: str  # "same", "del", "ins"
    text: str


def word_diff(old: str, new: str) -> list[DiffPart]:
    """A word-by-word difference between two texts (difflib), for showing a proposed wording."""
    a, b = old.split(), new.split()
    parts: list[DiffPart] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            parts.append(DiffPart("same", " ".join(a[i1:i2])))
        if tag in ("delete", "replace"):
            parts.append(DiffPart("del", " ".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            parts.append(DiffPart("ins", " ".join(b[j1:j2])))
    return parts


@dataclass
class ResponseView:
    id: int
    goal_id: int | None
    parent_id: int | None
    author_id: int | None
    author_name: str
    author_role: str
    organisation: str  # the respondent's network or school
    network: str  # the respondent's network (their school's, for school staff)
    position: str | None
    comment: str
    proposed_title: str
    proposed_description: str
    created_at: datetime
    updated_at: datetime
    hidden: bool
    hidden_reason: str
    answer: str | None
    answer_reason: str
    applied_revision: int | None
    title_diff: list[DiffPart] = field(default_factory=list)
    description_diff: list[DiffPart] = field(default_factory=list)
    replies: list["ResponseView"] = field(default_factory=list)

    @property
    def has_proposal(self) -> bool:
        return bool(self.proposed_title or self.proposed_description)

    @property
    def edited(self) -> bool:
        return (self.updated_at - self.created_at).total_seconds() > 1


@dataclass
class GoalItem:
    goal: Goal
    strand_code: str
    responses: list[ResponseView]


@dataclass
class RoundPage:
    round: ConsultationRound
    goals: list[GoalItem]
    general: list[ResponseView]  # on the round as a whole
    state: str
    can_respond: bool
    responded_goal_ids: set  # the viewer's own top-level responses (None: on the round)
    unanswered: int


def _response_views(session: Session, round_id: int, with_hidden: bool,
                    goal_texts: dict[int, tuple[str, str]]) -> list[ResponseView]:
    """Every response of a round with its author, role and organisation, replies under their parents."""
    author = aliased(User)
    query = (
        select(ConsultationResponse, author.name, Network.name, School.name)
        .outerjoin(author, author.id == ConsultationResponse.author_id)
        .outerjoin(Network, Network.id == ConsultationResponse.author_network_id)
        .outerjoin(School, School.id == ConsultationResponse.author_school_id)
        .where(ConsultationResponse.round_id == round_id)
        .order_by(ConsultationResponse.created_at, ConsultationResponse.id)
    )
    if not with_hidden:
        query = query.where(ConsultationResponse.hidden_at.is_(None))
    views: dict[int, ResponseView] = {}
    top: list[ResponseView] = []
    for r, author_name, network_name, school_name in session.execute(query):
        view = ResponseView(
            r.id, r.goal_id, r.parent_id, r.author_id, author_name or _("(removed account)"), r.author_role,
            school_name or network_name or "", network_name or "", r.position, r.comment, r.proposed_title,
            r.proposed_description,
            r.created_at, r.updated_at, r.hidden_at is not None, r.hidden_reason, r.answer, r.answer_reason,
            r.applied_revision)
        if r.goal_id in goal_texts:
            title, description = goal_texts[r.goal_id]
            if r.proposed_title:
                view.title_diff = word_diff(title, r.proposed_title)
            if r.proposed_description:
                view.description_diff = word_diff(description, r.proposed_description)
        views[r.id] = view
        if r.parent_id is None:
            top.append(view)
        elif r.parent_id in views:
            views[r.parent_id].replies.append(view)
    return top


def round_goals(session: Session, round_id: int) -> list[tuple[Goal, str]]:
    return list(session.execute(
        select(Goal, Strand.code).join(RoundGoal, RoundGoal.goal_id == Goal.id)
        .join(Strand, Strand.id == Goal.strand_id)
        .where(RoundGoal.round_id == round_id).order_by(Goal.code)
    ).tuples())


def round_page(session: Session, round_: ConsultationRound, viewer) -> RoundPage:
    """A round with its goals, every response the viewer may see (editors: hidden ones too, marked)."""
    editor = is_editor(viewer)
    goal_rows = round_goals(session, round_.id)
    texts = {g.id: (g.title, g.description) for g, _code in goal_rows}
    top = _response_views(session, round_.id, with_hidden=editor, goal_texts=texts)
    by_goal: dict[int | None, list[ResponseView]] = {}
    for view in top:
        by_goal.setdefault(view.goal_id, []).append(view)
    mine = {v.goal_id for v in top if v.author_id == getattr(viewer, "id", None) and not v.hidden}
    unanswered = sum(1 for v in top if not v.hidden and v.answer is None)
    return RoundPage(
        round_, [GoalItem(g, code, by_goal.get(g.id, [])) for g, code in goal_rows], by_goal.get(None, []),
        _state(round_, unanswered), is_open(round_) and in_audience(round_, viewer), mine, unanswered)


# --- Responding ------------------------------------------------------------------------------------------------


@dataclass
class ResponseData:
    goal_id: int | None
    position: str | None
    comment: str
    proposed_title: str = ""
    proposed_description: str = ""


def _check_can_respond(round_: ConsultationRound, user) -> None:
    if not in_audience(round_, user):
        labels = audience_labels()
        raise Forbidden(_("This consultation round is for %(audience)s only.",
                          audience=", ".join(str(labels[a]) for a in round_.audiences)))
    if round_.starts_on > today():
        raise ValidationError(_("This round opens on %(date)s.", date=format_date(round_.starts_on, "long")))
    if is_closed(round_):
        raise ValidationError(_("This round closed on %(date)s; responses are no longer accepted.",
                                date=format_date(min(round_.ends_on, (round_.closed_at or datetime.max.replace(
                                    tzinfo=UTC)).date()), "long")))


def _clean_response(session: Session, round_: ConsultationRound, data: ResponseData) -> ResponseData:
    if data.position not in set(Position):
        raise ValidationError(_("Choose your position."), field="position")
    comment = _text(data.comment, "comment", MAX_TEXT)
    if not comment and data.position != Position.AGREE:
        raise ValidationError(_("Explain your position in a comment."), field="comment")
    proposed_title = _text(data.proposed_title, "proposed_title", goals.MAX_TITLE)
    proposed_description = _text(data.proposed_description, "proposed_description", goals.MAX_DESCRIPTION)
    if data.goal_id is not None:
        in_round = session.scalar(select(RoundGoal.goal_id).where(
            RoundGoal.round_id == round_.id, RoundGoal.goal_id == data.goal_id))
        if in_round is None:
            raise ValidationError(_("This goal is not part of the round."), field="goal_id")
    elif proposed_title or proposed_description:
        raise ValidationError(_("A proposed wording belongs to a goal."), field="proposed_title")
    return ResponseData(data.goal_id, data.position, comment, proposed_title, proposed_description)


def respond(session: Session, round_: ConsultationRound, user, data: ResponseData) -> ConsultationResponse:
    """A response on one goal of the round, or on the round as a whole; one per person per goal."""
    _check_can_respond(round_, user)
    data = _clean_response(session, round_, data)
    earlier = earlier_response(session, round_.id, user.id, data.goal_id)
    if earlier is not None:
        message = (_("You have already responded to this goal; change your response instead.")
                   if data.goal_id is not None else
                   _("You have already responded to this round; change your response instead."))
        raise ValidationError(message, field="comment", response_id=earlier)
    response = ConsultationResponse(
        round_id=round_.id, goal_id=data.goal_id, author_id=user.id, author_role=user.role,
        author_network_id=_user_network(session, user), author_school_id=user.school_id,
        position=data.position, comment=data.comment, proposed_title=data.proposed_title,
        proposed_description=data.proposed_description, once_key=once_key(data.goal_id))
    try:
        with session.begin_nested():  # the unique constraint: a second response sent at the same moment
            session.add(response)
            session.flush()
    except IntegrityError:
        raise Conflict(_("You have already responded to this goal (perhaps from another window, at the same "
                         "moment); change your response instead.") if data.goal_id is not None else
                       _("You have already responded to this round (perhaps from another window, at the same "
                         "moment); change your response instead."), field="comment") from None
    record_audit(session, user, "consultation.respond", "consult_response", response.id,
                 f"{round_.title}: {data.comment[:200]}")
    return response


def earlier_response(session: Session, round_id: int, user_id: int, goal_id: int | None) -> int | None:
    """The id of the user's visible response to this goal (or to the round) that is already saved, if any."""
    goal_condition = (ConsultationResponse.goal_id == goal_id if goal_id is not None
                      else ConsultationResponse.goal_id.is_(None))
    return session.scalar(select(ConsultationResponse.id).where(
        ConsultationResponse.round_id == round_id, ConsultationResponse.author_id == user_id,
        ConsultationResponse.parent_id.is_(None), ConsultationResponse.hidden_at.is_(None), goal_condition))


def once_key(goal_id: int | None) -> str:
    """What makes a top-level response unique per person in its round: its goal, or the round as a whole."""
    return f"goal:{goal_id}" if goal_id is not None else "round"


def _user_network(session: Session, user) -> int | None:
    if user.network_id:
        return user.network_id
    if user.school_id:
        return session.scalar(select(School.network_id).where(School.id == user.school_id))
    return None


def get_response(session: Session, round_: ConsultationRound, response_id: int, viewer) -> ConsultationResponse:
    """A response of this round the viewer can see: NotFound for another round's, or a hidden one (except
    for editors)."""
    response = session.get(ConsultationResponse, response_id)
    if response is None or response.round_id != round_.id:
        raise NotFound(_("There is no such response."))
    if response.hidden_at is not None and not is_editor(viewer):
        raise NotFound(_("There is no such response."))
    if response.parent_id is not None:
        parent = session.get(ConsultationResponse, response.parent_id)
        if parent is not None and parent.hidden_at is not None and not is_editor(viewer):
            raise NotFound(_("There is no such response."))
    return response


def update_response(session: Session, round_: ConsultationRound, response: ConsultationResponse, user,
                    data: ResponseData) -> ConsultationResponse:
    """The respondent changes their own response while the round is open."""
    if response.author_id != user.id:
        raise Forbidden(_("Only the person who wrote a response can change it."))
    _check_can_respond(round_, user)
    if response.parent_id is not None:
        response.comment = _text(data.comment, "comment", MAX_TEXT, _("Write your reply."))
    else:
        data = _clean_response(session, round_, ResponseData(response.goal_id, data.position, data.comment,
                                                             data.proposed_title, data.proposed_description))
        response.position, response.comment = data.position, data.comment
        response.proposed_title, response.proposed_description = data.proposed_title, data.proposed_description
    response.updated_at = datetime.now(UTC)
    session.flush()
    record_audit(session, user, "consultation.edit_response", "consult_response", response.id,
                 response.comment[:200])
    return response


def reply(session: Session, round_: ConsultationRound, parent: ConsultationResponse, user,
          comment: str) -> ConsultationResponse:
    """A reply to a response (one level: a reply to a reply is refused)."""
    if parent.parent_id is not None:
        raise ValidationError(_("You can reply to a response, not to a reply."))
    if not is_editor(user):
        _check_can_respond(round_, user)
    elif is_closed(round_):
        raise ValidationError(_("This round is closed; answer the response instead of replying."))
    comment = _text(comment, "comment", MAX_TEXT, _("Write your reply."))
    response = ConsultationResponse(
        round_id=round_.id, goal_id=parent.goal_id, parent_id=parent.id, author_id=user.id,
        author_role=user.role, author_network_id=_user_network(session, user), author_school_id=user.school_id,
        comment=comment)
    session.add(response)
    session.flush()
    record_audit(session, user, "consultation.reply", "consult_response", response.id, comment[:200])
    notify(session, [parent.author_id], "consultation.reply",
           _("%(name)s replied to your response in \"%(round)s\"", name=user.name, round=round_.title),
           comment[:500], ("consultations.round_page", {"round_id": round_.id, "_anchor": f"r{response.id}"}),
           exclude=user)
    return response


def hide_response(session: Session, round_: ConsultationRound, response: ConsultationResponse, editor,
                  reason: str) -> None:
    """Hide an abusive response from everyone but editors; the audit log keeps what it said."""
    reason = _text(reason, "reason", MAX_REASON, _("Say why the response is hidden."))
    if response.hidden_at is not None:
        raise ValidationError(_("This response is already hidden."))
    response.hidden_at, response.hidden_by_id, response.hidden_reason = datetime.now(UTC), editor.id, reason
    response.once_key = None  # its author may respond again
    session.flush()
    record_audit(session, editor, "consultation.hide_response", "consult_response", response.id,
                 f"{reason} | {response.comment}")


# --- Explain or comply -----------------------------------------------------------------------------------------


@dataclass
class AnswerData:
    answer: str | None
    reason: str
    apply_wording: bool = False
    title: str = ""  # the wording applied to the goal (the proposal, possibly edited by the editor)
    description: str = ""


def answer_response(session: Session, round_: ConsultationRound, response: ConsultationResponse, editor,
                    data: AnswerData) -> ConsultationResponse:
    """The editor's answer to a response after the round closed: adopted, partly adopted or not, with a reason.
    Adopting a proposed wording applies it to the goal as a revision that names the response."""
    if response.parent_id is not None or response.hidden_at is not None:
        raise NotFound(_("There is no such response."))
    if not is_closed(round_):
        raise ValidationError(_("Responses are answered after the round has closed."))
    if data.answer not in set(Answer):
        raise ValidationError(_("Choose an answer."), field="answer")
    reason = _text(data.reason, "reason", MAX_TEXT, _("Give the reason for your answer."))
    if data.apply_wording:
        if data.answer == Answer.NOT_ADOPTED:
            raise ValidationError(_("A wording that is not adopted is not applied."), field="apply_wording")
        if response.goal_id is None:
            raise ValidationError(_("A proposed wording belongs to a goal."), field="apply_wording")
        if response.applied_revision is not None:
            raise ValidationError(_("This wording has already been applied."), field="apply_wording")
        _apply_wording(session, round_, response, editor, data)
    response.answer, response.answer_reason = data.answer, reason
    response.answered_at, response.answered_by_id = datetime.now(UTC), editor.id
    session.flush()
    record_audit(session, editor, "consultation.answer", "consult_response", response.id,
                 f"{data.answer}: {reason[:200]}")
    notify(session, [response.author_id], "consultation.answer",
           _("Your response in \"%(round)s\" was answered: %(answer)s", round=round_.title,
             answer=lazy_answer_labels()[data.answer]),
           reason[:500], ("consultations.round_page", {"round_id": round_.id, "_anchor": f"r{response.id}"}))
    return response


def _apply_wording(session: Session, round_: ConsultationRound, response: ConsultationResponse, editor,
                   data: AnswerData) -> None:
    goal = session.get(Goal, response.goal_id)
    if goal is None:
        raise NotFound(_("There is no such goal."))
    if goal.status == GoalStatus.RETIRED:
        raise ValidationError(_("The goal has been retired; its wording no longer changes."),
                              field="apply_wording")
    title = _clean(data.title) or response.proposed_title or goal.title
    description = _clean(data.description) or response.proposed_description or goal.description
    domain_id = session.scalar(select(Strand.domain_id).where(Strand.id == goal.strand_id))
    author = session.scalar(select(User.name).where(User.id == response.author_id)) or "?"
    note = str(_("Wording from response #%(id)s by %(name)s in consultation round \"%(round)s\"",
                 id=response.id, name=author, round=round_.title))[:goals.MAX_NOTE]
    data = goals.GoalData(goal.code, domain_id, goal.strand_id, title, description, goal.groepen, goal.keywords,
                          goal.source_code)
    if goals.four_eyes(goal):
        # A published goal changes when a second editor approves (four-eyes publishing): the wording waits in
        # the approval queue, its note naming the response.
        goals.propose_goal_update(session, goal, data, editor, note, goal.version)
        return
    goals.update_goal(session, goal, data, editor, note, goal.version)
    response.applied_revision = session.scalar(select(func.max(Revision.number)).where(
        Revision.entity_type == "goal", Revision.entity_id == goal.id))


# --- Telling users of a goal that it changed -------------------------------------------------------------------


def goal_user_ids(session: Session, goal_id: int) -> list[int]:
    """The network coordinators whose network made a package for the goal, and the coordinators and teachers
    of schools whose year plans hold such a package (two queries)."""
    packages = select(Alignment.package_id).where(Alignment.goal_id == goal_id)
    networks = select(LessonPackage.network_id).where(LessonPackage.id.in_(packages))
    schools = select(PlanEntry.school_id).where(PlanEntry.package_id.in_(packages))
    ids = set(session.scalars(select(User.id).where(User.role == Role.NETWORK, User.network_id.in_(networks))))
    ids |= set(session.scalars(select(User.id).where(User.role.in_((Role.COORDINATOR, Role.TEACHER)),
                                                     User.school_id.in_(schools))))
    return sorted(ids)


@goals.goal_changed.register
def _tell_goal_users(session: Session, goal: Goal, action: str, editor) -> None:
    if action == "retire":
        subject = _("Goal %(code)s has been retired", code=goal.code)
    else:
        subject = _("Goal %(code)s has been changed", code=goal.code)
    notify(session, goal_user_ids(session, goal.id), f"goal.{action}", subject,
           _("%(code)s %(title)s is used by your lesson packages or your year plan.", code=goal.code,
             title=goal.title), ("objectives.goal", {"code": goal.code}), exclude=editor)


# --- The consultation report -----------------------------------------------------------------------------------


@dataclass
class PositionCounts:
    label: str  # a role, or a network's name
    counts: dict[str, int]  # position -> number of responses

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class ReportGoal:
    code: str | None  # None: the round as a whole
    title: str
    by_role: list[PositionCounts]
    by_network: list[PositionCounts]
    responses: list[ResponseView]


@dataclass
class RoundReport:
    round: ConsultationRound
    state: str
    goals: list[ReportGoal]
    response_count: int
    answered: int


def _counts(responses: list[ResponseView], key) -> list[PositionCounts]:
    table: dict[str, dict[str, int]] = {}
    for r in responses:
        if r.position:
            row = table.setdefault(key(r), {p.value: 0 for p in Position})
            row[r.position] += 1
    return [PositionCounts(label, counts) for label, counts in sorted(table.items())]


def round_report(session: Session, round_: ConsultationRound) -> RoundReport:
    """Per goal (and for the round as a whole) the positions counted by role and by network, and every visible
    response with its answer and replies (three queries)."""
    goal_rows = round_goals(session, round_.id)
    texts = {g.id: (g.title, g.description) for g, _code in goal_rows}
    top = _response_views(session, round_.id, with_hidden=False, goal_texts=texts)
    by_goal: dict[int | None, list[ResponseView]] = {}
    for view in top:
        by_goal.setdefault(view.goal_id, []).append(view)

    def item(code, title, responses):
        return ReportGoal(code, title, _counts(responses, lambda r: r.author_role),
                          _counts(responses, lambda r: r.network or "—"), responses)

    goals_ = [item(None, str(_("The round as a whole")), by_goal.get(None, []))]
    goals_ += [item(g.code, g.title, by_goal.get(g.id, [])) for g, _code in goal_rows]
    answered = sum(1 for v in top if v.answer)
    return RoundReport(round_, _state(round_, len(top) - answered), goals_, len(top), answered)


def report_stamp(session: Session, round_id: int) -> str:
    """Changes whenever anything the report shows changes (for the PDF cache key)."""
    count, updated, answered, hidden = session.execute(select(
        func.count(), func.max(ConsultationResponse.updated_at), func.max(ConsultationResponse.answered_at),
        func.max(ConsultationResponse.hidden_at)).where(ConsultationResponse.round_id == round_id)).one()
    return f"{count}|{updated}|{answered}|{hidden}"


def response_total(session: Session, round_id: int) -> int:
    """How many responses and replies a round has (hidden ones included)."""
    return session.scalar(select(func.count()).select_from(ConsultationResponse).where(
        ConsultationResponse.round_id == round_id)) or 0
