"""Who may call a view. Every view carries exactly one of these decorators.

`public` views are open to anonymous visitors; `roles_required` views need a
logged-in user with one of the roles. Whether a user may act on a particular
school or network is checked by the services (`can_edit_school`, ...).
"""
from functools import wraps

from flask import abort, redirect, request, url_for
from flask_login import current_user

from ..groepen import bit
from .models import Role

ALL_ROLES = tuple(Role)


def public(view):
    view.access = "public"
    return view


def roles_required(*roles: str):
    """Allow logged-in users whose role is one of `roles` (all roles when none are given)."""
    allowed = tuple(roles) or ALL_ROLES

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                if request.path.startswith("/api/"):
                    abort(401)
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        wrapped.access = allowed
        return wrapped

    return decorator


login_required = roles_required()


def is_editor(user) -> bool:
    return user.is_authenticated and user.role in (Role.ADMIN, Role.EDITOR)


def can_see_school(user, school) -> bool:
    """Admins and editors see every school, network coordinators their network's, school users their own."""
    if not user.is_authenticated:
        return False
    if user.role in (Role.ADMIN, Role.EDITOR):
        return True
    if user.role == Role.NETWORK:
        return school.network_id is not None and school.network_id == user.network_id
    return user.school_id == school.id


def can_edit_school_plan(user, school) -> bool:
    """Only the school's own coordinator and teachers (and admins) change its year plan."""
    if not user.is_authenticated:
        return False
    if user.role == Role.ADMIN:
        return True
    return user.role in (Role.COORDINATOR, Role.TEACHER) and user.school_id == school.id


def can_change_plan_entry(user, entry) -> bool:
    """Edit an entry, mark it taught or not: admins and the school's coordinator every entry of the school,
    a teacher the entries of their own groepen and the ones they added themselves."""
    if not user.is_authenticated:
        return False
    if user.role == Role.ADMIN:
        return True
    if user.school_id != entry.school_id:
        return False
    if user.role == Role.COORDINATOR:
        return True
    return user.role == Role.TEACHER and (
        entry.created_by_id == user.id or bool(user.groepen_mask & bit(entry.groep)))


def can_remove_plan_entry(user, entry) -> bool:
    """Remove an entry: admins and the school's coordinator; a teacher only the entries they added."""
    if not user.is_authenticated:
        return False
    if user.role == Role.ADMIN:
        return True
    if user.school_id != entry.school_id:
        return False
    return user.role == Role.COORDINATOR or (user.role == Role.TEACHER and entry.created_by_id == user.id)


def can_copy_school_plan(user, school) -> bool:
    """Copy a whole year plan: admins and the school's coordinator."""
    if not user.is_authenticated:
        return False
    return user.role == Role.ADMIN or (user.role == Role.COORDINATOR and user.school_id == school.id)


def can_see_network(user, network) -> bool:
    if not user.is_authenticated:
        return False
    if user.role in (Role.ADMIN, Role.EDITOR):
        return True
    return user.role == Role.NETWORK and user.network_id == network.id
