"""Packages whose main-aim (kern) goal was retired: their network's coordinators are told in their inbox, once
per package and goal (table retired_aim_notice), besides the list on the network's pages.

Told when a goal is retired through the editor (objectives' goal_changed hook) and, for goals that imports
retire directly, by an hourly task that looks for any pair not told yet."""
from collections import defaultdict

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _nl
from sqlalchemy import exists, insert, select
from sqlalchemy.orm import Session

from ..auth.models import Role, User
from ..notifications.services import notify
from ..objectives import services as objectives
from ..objectives.models import Goal, GoalStatus
from .models import Alignment, LessonPackage, PackageStatus, Relation, RetiredAimNotice

KIND = "package.retired_aim"


def notify_retired_main_aims(session: Session) -> int:
    """Tell each network's coordinators about its packages (not withdrawn) with a retired main-aim goal that they
    were not told about yet: one notification per network, naming each package and goal. Returns the number of
    (package, goal) pairs told. Three queries, then one notify per network concerned."""
    told = exists().where(RetiredAimNotice.package_id == LessonPackage.id, RetiredAimNotice.goal_id == Goal.id)
    pairs = session.execute(
        select(LessonPackage.id, LessonPackage.title, LessonPackage.network_id, Goal.id, Goal.code, Goal.title)
        .join(Alignment, Alignment.package_id == LessonPackage.id).join(Goal, Goal.id == Alignment.goal_id)
        .where(Alignment.relation == Relation.CORE, Goal.status == GoalStatus.RETIRED,
               LessonPackage.status != PackageStatus.WITHDRAWN, ~told)
        .order_by(LessonPackage.network_id, LessonPackage.title, LessonPackage.id, Goal.code)
    ).all()
    if not pairs:
        return 0
    coordinators: dict[int, list[int]] = defaultdict(list)
    for user_id, network_id in session.execute(
        select(User.id, User.network_id).where(User.role == Role.NETWORK, User.active.is_(True),
                                               User.network_id.in_({p[2] for p in pairs}))
    ):
        coordinators[network_id].append(user_id)
    by_network: dict[int, dict[int, list]] = defaultdict(dict)
    for package_id, title, network_id, _goal_id, code, goal_title in pairs:
        by_network[network_id].setdefault(package_id, [title, []])[1].append(f"{code} {goal_title}")
    for network_id, packages in by_network.items():
        lines = [str(_l("%(title)s: %(goals)s", title=title, goals="; ".join(goals)))
                 for title, goals in packages.values()]
        notify(session, coordinators.get(network_id, []), KIND,
               _nl("%(num)s lesson package of your network has a retired main-aim goal",
                   "%(num)s lesson packages of your network have a retired main-aim goal", len(packages)),
               str(_l("The main-aim (kern) goals below are no longer part of the framework. Choose another main "
                      "aim for the package, or withdraw it.")) + "\n" + "\n".join(lines),
               ("lessons.manage", {}))
    session.execute(insert(RetiredAimNotice), [{"package_id": p[0], "goal_id": p[3]} for p in pairs])
    return len(pairs)


@objectives.goal_changed.register
def _on_goal_changed(session: Session, goal: Goal, action: str, editor) -> None:
    if action == "retire":
        notify_retired_main_aims(session)
