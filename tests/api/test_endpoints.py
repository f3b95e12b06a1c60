"""The JSON API: content, visibility of drafts, pagination, 400s, ETag/304, CORS, one error shape."""
import pytest

from tests.api.helpers import bearer, make_framework, make_package, make_token, plan


def error_of(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    error = response.json["error"]
    assert error["status"] == status and error["message"]
    return error


def test_domains_list_the_seed_framework_with_strands(client, framework):
    response = client.get("/api/v1/domains")
    assert response.status_code == 200
    body = response.json
    assert [d["code"] for d in body["items"]] == ["MN", "DG"]
    assert body["total"] == 2 and body["pages"] == 1 and body["page"] == 1
    mn = body["items"][0]
    assert mn["strands"][0]["code"] == "MN.1" and mn["strands"][0]["source_code"] == "MN01"
    assert response.headers["ETag"] and response.headers["Last-Modified"]


def test_goals_are_filtered_and_paged(client, framework):
    everything = client.get("/api/v1/goals?per_page=100").json
    assert everything["total"] == 120 and everything["pages"] == 2 and len(everything["items"]) == 100
    first = everything["items"][0]
    assert first["code"] == "MN.1.1" and first["domain"] == "MN" and first["strand"] == "MN.1"
    assert first["groepen"] == [1, 2] and "verwondering" in first["keywords"] and first["status"] == "vastgesteld"

    dg = client.get("/api/v1/goals?domain=DG&per_page=100").json
    assert dg["total"] and all(g["domain"] == "DG" for g in dg["items"])
    strand = client.get("/api/v1/goals?strand=MN.1").json
    assert strand["total"] and {g["strand"] for g in strand["items"]} == {"MN.1"}
    groep = client.get("/api/v1/goals?groep=8&per_page=100").json
    assert groep["total"] and all(8 in g["groepen"] for g in groep["items"])
    found = client.get("/api/v1/goals?q=verwondering").json
    assert "MN.1.1" in [g["code"] for g in found["items"]]


def test_one_goal_with_its_packages(app, client, framework, factory):
    network_id = factory.network()
    make_package(app, network_id, ["MN.1.1"], title="Vragenmuur")
    make_package(app, network_id, ["MN.1.1"], title="Geheim concept", status="concept")
    body = client.get("/api/v1/goals/MN.1.1").json
    assert body["code"] == "MN.1.1" and body["strand"]["code"] == "MN.1" and body["domain"]["code"] == "MN"
    assert [p["title"] for p in body["packages"]] == ["Vragenmuur"]
    assert body["packages"][0]["relation"] == "kern"
    error_of(client.get("/api/v1/goals/XX.9.9"), 404)


def test_drafts_are_for_editors_only(app, client, login):
    draft, retired = make_framework(app, statuses=("concept", "vervallen"))
    anonymous = client.get("/api/v1/goals").json
    assert anonymous["total"] == 0
    assert error_of(client.get("/api/v1/goals?status=concept"), 403)
    error_of(client.get("/api/v1/goals?status=vervallen"), 403)
    assert client.get("/api/v1/goals?status=vastgesteld").status_code == 200
    error_of(client.get(f"/api/v1/goals/{draft}"), 404)
    assert client.get(f"/api/v1/goals/{retired}").json["status"] == "vervallen"

    login("redacteur")
    assert [g["code"] for g in client.get("/api/v1/goals?status=concept").json["items"]] == [draft]
    assert client.get("/api/v1/goals").json["total"] == 2
    assert client.get(f"/api/v1/goals/{draft}").json["status"] == "concept"


def test_packages_search_filters_and_detail(app, client, factory, login):
    codes = make_framework(app, prefix="APX", statuses=("vastgesteld", "vastgesteld"))
    net_a, net_b = factory.network(), factory.network()
    robots = make_package(app, net_a, [codes[0]], title="Robots bouwen", groepen_mask=0b00110000)
    bridges = make_package(app, net_b, [codes[1]], title="Bruggen van karton", groepen_mask=0b00000011)
    draft = make_package(app, net_a, [codes[0]], title="Concept", status="concept")

    body = client.get("/api/v1/packages").json
    assert body["total"] == 2 and {p["id"] for p in body["items"]} == {robots, bridges}
    item = next(p for p in body["items"] if p["id"] == robots)
    assert item["groepen"] == [5, 6] and item["network"]["id"] == net_a and item["licence"] == "CC-BY-SA"
    assert item["goals"] == [{"code": codes[0], "title": "Doel 1 over robots", "relation": "kern",
                              "status": "vastgesteld"}]
    assert [p["id"] for p in client.get(f"/api/v1/packages?goal={codes[1]}").json["items"]] == [bridges]
    assert [p["id"] for p in client.get("/api/v1/packages?groep=1").json["items"]] == [bridges]
    assert [p["id"] for p in client.get(f"/api/v1/packages?network={net_a}").json["items"]] == [robots]
    assert [p["id"] for p in client.get("/api/v1/packages?q=karton+bruggen").json["items"]] == [bridges]

    detail = client.get(f"/api/v1/packages/{robots}").json
    assert detail["title"] == "Robots bouwen" and "<strong>bouwen</strong>" in detail["description_html"]
    assert detail["status"] == "gepubliceerd" and detail["keywords"] == ["robots", "techniek"]
    error_of(client.get(f"/api/v1/packages/{draft}"), 404)
    login("redacteur")
    assert client.get(f"/api/v1/packages/{draft}").json["status"] == "concept"


def test_networks_and_schools(client, factory):
    net = factory.network(code="NET-X", name="Netwerk X")
    factory.school(network_id=net, name="De Regenboog", brin="12AB", vestiging="01", place="Zeist")
    factory.school(name="Losse school", brin="34CD")
    assert [n["code"] for n in client.get("/api/v1/networks").json["items"]] == ["NET-X"]
    schools = client.get("/api/v1/schools").json
    assert schools["total"] == 2
    rainbow = schools["items"][0]
    assert rainbow == {"id": rainbow["id"], "code": "12AB01", "name": "De Regenboog", "place": "Zeist",
                       "network": {"id": net, "code": "NET-X", "name": "Netwerk X"}}
    assert schools["items"][1]["network"] is None
    assert [s["code"] for s in client.get(f"/api/v1/schools?network={net}").json["items"]] == ["12AB01"]


def test_pagination_envelope_and_link_header(client, factory):
    for n in range(5):
        factory.school(name=f"School {n}", brin=f"{n + 10}ZZ")
    response = client.get("/api/v1/schools?per_page=2&page=2")
    body = response.json
    assert (body["page"], body["per_page"], body["total"], body["pages"]) == (2, 2, 5, 3)
    assert [s["name"] for s in body["items"]] == ["School 2", "School 3"]
    links = response.headers["Link"]
    for rel, page in (("first", 1), ("prev", 1), ("next", 3), ("last", 3)):
        assert f'page={page}&per_page=2>; rel="{rel}"' in links
    past = client.get("/api/v1/schools?per_page=2&page=9").json
    assert past["items"] == [] and past["page"] == 9
    assert client.get("/api/v1/schools?per_page=100").status_code == 200
    assert error_of(client.get("/api/v1/schools?per_page=101"), 400)["details"] == {"parameter": "per_page"}


@pytest.mark.parametrize("query", [
    "page=abc", "page=0", "page=-1", "per_page=0", "per_page=1000", "groep=9", "groep=0", "groep=een",
    "status=gepubliceerd", "domain=mn", "strand=MN", "unknown=1", "page=1&page=2", "q=" + "x" * 201,
    "page=99999999999999999999",
])
def test_bad_goal_queries_are_400_with_the_error_shape(client, query):
    error = error_of(client.get(f"/api/v1/goals?{query}"), 400)
    assert error["details"]["parameter"]


@pytest.mark.parametrize("path", [
    "/api/v1/packages?goal=MN", "/api/v1/packages?network=x", "/api/v1/packages?groep=9",
    "/api/v1/packages?sort=title", "/api/v1/networks?per_page=101", "/api/v1/domains?foo=bar",
    "/api/v1/packages/1?x=1",
])
def test_bad_queries_elsewhere_are_400(client, path):
    error_of(client.get(path), 400)


def test_empty_values_count_as_absent(client, framework):
    assert client.get("/api/v1/goals?groep=&q=&page=").json["page"] == 1


def test_every_error_under_api_has_one_shape(client):
    error_of(client.get("/api/v1/nothing-here"), 404)
    error_of(client.post("/api/v1/goals"), 405)
    error_of(client.get("/api/v1/packages/0"), 404)


def test_etag_and_304(client, framework, app):
    first = client.get("/api/v1/goals?domain=MN")
    etag = first.headers["ETag"]
    again = client.get("/api/v1/goals?domain=MN", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    other = client.get("/api/v1/goals?domain=DG", headers={"If-None-Match": etag})
    assert other.status_code == 200
    domains = client.get("/api/v1/domains")
    assert client.get("/api/v1/domains", headers={"If-None-Match": domains.headers["ETag"]}).status_code == 304
    goal = client.get("/api/v1/goals/MN.1.1")
    assert client.get("/api/v1/goals/MN.1.1", headers={"If-None-Match": goal.headers["ETag"]}).status_code == 304
    # A change to the framework changes the ETag.
    from sqlalchemy import select

    from wt_curriculum.extensions import db
    from wt_curriculum.objectives.models import Goal

    with app.app_context():
        db.session.scalar(select(Goal).where(Goal.code == "MN.1.1")).title = "Nieuwe titel"
        db.session.commit()
    changed = client.get("/api/v1/goals?domain=MN", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


@pytest.mark.parametrize("path", ["/api/v1/domains", "/api/v1/goals", "/api/v1/packages", "/api/v1/networks",
                                  "/api/v1/schools", "/api/v1/openapi.json", "/api/v1/goals?page=x"])
def test_cors_on_public_reads(client, path):
    assert client.get(path).headers["Access-Control-Allow-Origin"] == "*"


def test_no_cors_on_coverage_or_token_pages(client, factory, login):
    school_id = factory.school()
    assert "Access-Control-Allow-Origin" not in client.get(f"/api/v1/schools/{school_id}/coverage").headers
    login("beheerder")
    assert "Access-Control-Allow-Origin" not in client.get(f"/api/v1/schools/{school_id}/coverage").headers
    assert "Access-Control-Allow-Origin" not in client.get("/account/api-sleutels").headers


def test_school_coverage(app, client, factory, login):
    codes = make_framework(app, prefix="APX", statuses=("vastgesteld", "vastgesteld"))
    network_id = factory.network()
    school_id = factory.school(network_id=network_id, brin="12AB")
    package_id = make_package(app, network_id, [codes[0]], groepen_mask=0b00010000)
    plan(app, school_id, package_id, 2026, 5, taught=True)
    login("coordinator", school_id=school_id)
    response = client.get(f"/api/v1/schools/{school_id}/coverage?year=2026-2027")
    assert response.status_code == 200
    body = response.json
    assert body["school"]["code"] == "12AB00" and body["year"] == "2026-2027" and body["has_plan"] is True
    assert (body["covered"], body["total"], body["share"]) == (1, 2, 0.5)
    goals = body["domains"][0]["strands"][0]["goals"]
    assert goals[0]["code"] == codes[0] and goals[0]["covered"] is True
    assert goals[0]["cells"]["5"] == {"state": "taught", "relation": "kern", "intended": True}
    assert goals[1]["cells"]["5"]["state"] == "none"
    error_of(client.get(f"/api/v1/schools/{school_id}/coverage?year=2026"), 400)
    error_of(client.get(f"/api/v1/schools/{school_id}/coverage?year=2026-2028"), 400)
    error_of(client.get("/api/v1/schools/987654/coverage"), 404)


def test_network_coverage(app, client, factory, login):
    codes = make_framework(app, prefix="APX", statuses=("vastgesteld",))
    network_id = factory.network()
    school_id = factory.school(network_id=network_id, brin="12AB")
    factory.school(network_id=network_id, brin="34CD")
    plan(app, school_id, make_package(app, network_id, codes), 2026, 5)
    login("netwerkcoordinator", network_id=network_id)
    body = client.get(f"/api/v1/networks/{network_id}/coverage?year=2026-2027").json
    assert body["network"]["id"] == network_id and body["median"] == 1.0
    assert body["strands"] == [{"code": "APX.1", "title": "Streng APX", "domain": "APX", "total": 1}]
    by_code = {s["code"]: s for s in body["schools"]}
    assert by_code["12AB00"]["has_plan"] is True and by_code["12AB00"]["strands"]["APX.1"]["covered"] == 1
    assert by_code["34CD00"]["has_plan"] is False


def test_coverage_needs_a_login_and_the_right_one(client, factory, login):
    own = factory.school()
    other = factory.school()
    error = error_of(client.get(f"/api/v1/schools/{own}/coverage"), 401)
    assert error["message"]
    assert client.get(f"/api/v1/schools/{own}/coverage").headers["WWW-Authenticate"].startswith("Bearer")
    login("leraar", school_id=own)
    assert client.get(f"/api/v1/schools/{own}/coverage").status_code == 200
    error_of(client.get(f"/api/v1/schools/{other}/coverage"), 403)


def test_token_reads_coverage(app, client, factory):
    school_id = factory.school()
    user = factory.user("coordinator", school_id=school_id)
    secret = make_token(app, user.id)
    assert client.get(f"/api/v1/schools/{school_id}/coverage", headers=bearer(secret)).status_code == 200
    error_of(client.get(f"/api/v1/schools/{factory.school()}/coverage", headers=bearer(secret)), 403)
    error_of(client.get(f"/api/v1/schools/{school_id}/coverage", headers=bearer("wtc_wrong")), 401)
    error_of(client.get(f"/api/v1/schools/{school_id}/coverage", headers={"Authorization": secret}), 401)
    # No cookie is handed out to a token caller.
    assert "Set-Cookie" not in client.get(f"/api/v1/schools/{school_id}/coverage", headers=bearer(secret)).headers


def test_token_sees_drafts_for_an_editor(app, client, factory):
    (draft,) = make_framework(app, statuses=("concept",))
    secret = make_token(app, factory.user("redacteur").id)
    assert client.get(f"/api/v1/goals/{draft}", headers=bearer(secret)).status_code == 200
    assert client.get(f"/api/v1/goals/{draft}").status_code == 404


def test_token_only_counts_on_api_paths(app, client, factory):
    secret = make_token(app, factory.user("beheerder").id)
    response = client.get("/beheer/gebruikers", headers=bearer(secret))
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]
    assert client.get("/account/api-sleutels", headers=bearer(secret)).status_code == 302


def test_docs_page_lists_every_endpoint(client):
    page = client.get("/api/v1/docs", headers={"Accept-Language": "en"})
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    for path in ("/api/v1/goals", "/api/v1/goals/{code}", "/api/v1/packages/{id}",
                 "/api/v1/schools/{school_id}/coverage", "/api/v1/networks/{network_id}/coverage",
                 "/api/v1/domains", "/api/v1/networks", "/api/v1/schools"):
        assert f"GET {path}</span>" in html
    assert "per_page" in html and "Authorization: Bearer" in html and "&#34;error&#34;" in html
    assert "<script" not in html and "cdn" not in html.lower()
