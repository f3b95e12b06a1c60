"""Headers: HSTS over HTTPS, no-store on every logged-in answer (HTML, API, CASE), Permissions-Policy; public
URLs (CASE URIs, API page links) from WT_BASE_URL whatever Host the request names."""
from tests.api.helpers import bearer, make_token

BASE = "https://wt.example.nl/"
EVIL = {"Host": "evil.example"}


def test_permissions_policy_on_every_answer(client):
    for path in ("/", "/inloggen", "/does-not-exist", "/api/v1/case/framework"):
        policy = client.get(path).headers["Permissions-Policy"]
        assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy


def test_hsts_only_when_served_over_https(app, client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    app.config["SESSION_COOKIE_SECURE"] = True
    assert client.get("/").headers["Strict-Transport-Security"] == "max-age=31536000"
    assert client.get("/inloggen").headers["Strict-Transport-Security"] == "max-age=31536000"


def test_logged_in_answers_are_never_stored(app, client, login, framework):
    anonymous = app.test_client()
    assert "no-store" not in anonymous.get("/").headers.get("Cache-Control", "")
    case = anonymous.get("/api/v1/case/framework")
    assert "public" in case.headers["Cache-Control"]
    login("coordinator")
    for path in ("/", "/account", "/doelen", "/api/v1/case/framework"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
    # Static files are the same for everyone and may be cached.
    assert "no-store" not in client.get("/static/css/app.css").headers.get("Cache-Control", "")


def test_api_answers_with_a_token_are_never_stored(app, factory):
    school_id = factory.school()
    user = factory.user("coordinator", school_id=school_id)
    secret = make_token(app, user.id)
    response = app.test_client().get(f"/api/v1/schools/{school_id}/coverage", headers=bearer(secret))
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"


def test_case_uris_come_from_the_base_url_not_the_host_header(app, client, framework):
    app.config["BASE_URL"] = BASE
    package = client.get("/api/v1/case/framework", headers=EVIL).get_json()
    uris = [package["CFDocument"]["uri"]] + [item["uri"] for item in package["CFItems"]]
    assert uris and all(uri.startswith("https://wt.example.nl/") for uri in uris)
    document = client.get("/ims/case/v1p1/CFDocuments", headers=EVIL).get_json()["CFDocuments"][0]
    assert document["CFPackageURI"]["uri"].startswith("https://wt.example.nl/ims/case/v1p1/CFPackages/")
    assert "evil.example" not in client.get("/api/v1/case/framework", headers=EVIL).get_data(as_text=True)


def test_api_page_links_come_from_the_base_url(app, client, framework):
    app.config["BASE_URL"] = BASE
    response = client.get("/api/v1/goals?per_page=1", headers=EVIL)
    assert response.status_code == 200
    link = response.headers["Link"]
    assert "<https://wt.example.nl/api/v1/goals?" in link and "evil.example" not in link
