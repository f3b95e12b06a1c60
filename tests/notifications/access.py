"""Who may open the inbox, the mail settings and the unsubscribe page."""
from tests.access import logged_in, public


def prepare(factory, values) -> dict:
    from wt_curriculum.notifications.services import unsubscribe_token

    with factory.app.app_context():
        return {"unsubscribe_token": unsubscribe_token(values["other_user_id"])}


RULES = [
    logged_in("notifications.inbox", "/meldingen"),
    logged_in("notifications.open_notification", "/meldingen/999999", ok=404, method="POST"),
    logged_in("notifications.mark_all_read", "/meldingen/alles-gelezen", ok=303, method="POST"),
    logged_in("notifications.settings", "/meldingen/instellingen"),
    logged_in("notifications.settings", "/meldingen/instellingen", method="POST", data={"mail": "bogus"}),
    public("notifications.unsubscribe", "/meldingen/afmelden/{unsubscribe_token}"),
    public("notifications.unsubscribe", "/meldingen/afmelden/{unsubscribe_token}", method="POST"),
    public("notifications.unsubscribe", "/meldingen/afmelden/not-a-token", status=404),
]
