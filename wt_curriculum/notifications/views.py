"""The inbox, the mail settings, and unsubscribing from mail without logging in."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..auth.permissions import login_required, public
from ..extensions import db
from ..redirects import safe_next
from . import services
from .forms import PlainForm, SettingsForm
from .models import MailChoice

bp = Blueprint("notifications", __name__, url_prefix="/meldingen")


@bp.app_context_processor
def unread_notifications():
    """`unread_notifications()` in templates: the header's count (a query only where it is shown)."""
    def count() -> int:
        return services.unread_count(db.session, current_user.id) if current_user.is_authenticated else 0

    return {"unread_notifications": count}


@bp.route("")
@login_required
def inbox():
    return render_template("notifications/inbox.html", inbox=services.inbox(db.session, current_user.id),
                           form=PlainForm())


@bp.route("/<int:notification_id>", methods=["POST"])
@login_required
def open_notification(notification_id: int):
    notification = services.open_notification(db.session, current_user.id, notification_id)
    if not PlainForm().validate_on_submit():
        db.session.rollback()
        return redirect(url_for("notifications.inbox"), 303)
    db.session.commit()
    return redirect(safe_next(notification.url) if notification.url else url_for("notifications.inbox"), 303)


@bp.route("/alles-gelezen", methods=["POST"])
@login_required
def mark_all_read():
    if PlainForm().validate_on_submit():
        services.mark_all_read(db.session, current_user.id)
        db.session.commit()
        flash(_l("All notifications are marked as read."), "success")
    return redirect(url_for("notifications.inbox"), 303)


@bp.route("/instellingen", methods=["GET", "POST"])
@login_required
def settings():
    form = SettingsForm()
    if not form.is_submitted():
        form.mail.data = services.mail_choice(db.session, current_user.id)
    if form.validate_on_submit():
        services.set_mail_choice(db.session, current_user.id, form.mail.data)
        db.session.commit()
        flash(_l("Your choice has been saved."), "success")
        return redirect(url_for("notifications.settings"), 303)
    return render_template("notifications/settings.html", form=form)


@bp.route("/afmelden/<token>", methods=["GET", "POST"])
@public
def unsubscribe(token: str):
    """Stop all notification mail for the account the link was made for; no login needed."""
    user = services.user_for_token(db.session, token)
    form = PlainForm()
    done = False
    if form.validate_on_submit():
        services.set_mail_choice(db.session, user.id, MailChoice.OFF)
        db.session.commit()
        done = True
    return render_template("notifications/unsubscribe.html", form=form, done=done, email=user.email,
                           off=services.mail_choice(db.session, user.id) == MailChoice.OFF)
