"""Every address that became Dutch still works: the old one answers with a permanent redirect to the new one."""
import pytest

from wt_curriculum.site.old_paths import OLD_PATHS


@pytest.mark.parametrize("old, new", [
    ("/reports/framework", "/rapporten/leerdoelenkader"),
    ("/reports/framework.pdf", "/rapporten/leerdoelenkader.pdf"),
    ("/reports/schools/12/coverage?year=2026-2027", "/rapporten/scholen/12/dekking?year=2026-2027"),
    ("/reports/schools/12/coverage.xlsx?year=2026-2027", "/rapporten/scholen/12/dekking.xlsx?year=2026-2027"),
    ("/reports/schools/12/cohort.pdf?start=2020-2021", "/rapporten/scholen/12/cohort.pdf?start=2020-2021"),
    ("/reports/schools/12/kerndoelen.csv?set=kd2025-po", "/rapporten/scholen/12/kerndoelen.csv?set=kd2025-po"),
    ("/reports/networks/3/coverage.pdf", "/rapporten/netwerken/3/dekking.pdf"),
    ("/reports/networks/3/kerndoelen", "/rapporten/netwerken/3/kerndoelen"),
    ("/login?next=/doelen", "/inloggen?next=/doelen"),
    ("/admin/users/7", "/beheer/gebruikers/7"),
    ("/admin/audit", "/beheer/logboek"),
    ("/account/tokens", "/account/api-sleutels"),
])
def test_an_old_address_redirects_permanently_to_its_new_one(client, old, new):
    response = client.get(old)
    assert response.status_code == 308
    assert response.headers["Location"] == new


def test_a_form_posted_to_an_old_address_stays_a_post(client):
    response = client.post("/language", data={"lang": "en"})
    assert response.status_code == 308  # 308: the browser sends the same POST to the new address
    assert response.headers["Location"].endswith("/taal")


def test_every_new_address_exists(app):
    """The redirects lead somewhere: each target matches a route of the app."""
    adapter = app.url_map.bind("localhost")
    for _, new in OLD_PATHS:
        path = new.replace("<school_id>", "1").replace("<network_id>", "1").replace("<user_id>", "1") \
            .replace("<token_id>", "1").replace("<token>", "a" * 32).replace("<fmt>", "pdf")
        method = "POST" if new.endswith(("/uitloggen", "/taal", "/intrekken")) else "GET"
        endpoint, _ = adapter.match(path, method=method)
        assert not endpoint.startswith("site.old_path"), new
