"""The API: /api/v1/consultations, their responses, and /api/v1/releases/{old}...{new}."""
from tests.consultations.helpers import add_response, close, make_goals, make_round, two_releases


def test_consultations_and_their_responses_with_the_pages_access_rules(app, client, factory, login):
    codes = make_goals(app, n=1)
    open_round = make_round(app, codes, title="Open voor iedereen")
    teachers_round = make_round(app, codes, audiences=("leraren",), title="Voor leraren")
    teacher = factory.user("leraar")
    response_id = add_response(app, open_round, teacher.id, codes[0], comment="Mooi doel",
                               proposed_title="Beter doel")
    assert client.get("/api/v1/consultations").status_code == 401
    login("coordinator")
    listing = client.get("/api/v1/consultations").json
    assert [item["title"] for item in listing["items"]] == ["Open voor iedereen"]
    assert listing["items"][0]["response_count"] == 1 and listing["items"][0]["state"] == "open"
    assert client.get(f"/api/v1/consultations/{teachers_round}/responses").status_code == 403
    [item] = client.get(f"/api/v1/consultations/{open_round}/responses").json["items"]
    assert item["id"] == response_id and item["goal"] == codes[0] and item["comment"] == "Mooi doel"
    assert item["author"]["role"] == "leraar" and item["proposed_title"] == "Beter doel" and item["answer"] is None
    login("redacteur")
    assert {i["title"] for i in client.get("/api/v1/consultations").json["items"]} == {"Open voor iedereen",
                                                                                         "Voor leraren"}
    close(app, open_round)
    assert client.get(f"/api/v1/consultations/{open_round}/responses").json["total"] == 1


def test_release_notes_as_json(app, client, login):
    two_releases(app)
    notes = client.get("/api/v1/releases/2030.1...2030.2").json
    assert (notes["old"], notes["new"]) == ("2030.1", "2030.2")
    assert [g["code"] for g in notes["added"]] == ["CO.1.4"]
    [changed] = notes["changed"]
    assert changed["code"] == "CO.1.1" and changed["changes"][0]["field"] == "title"
    assert changed["changes"][0]["new"] == "Doel 1 over bruggen en torens bouwen"
    assert notes["retired"] == [{"code": "CO.1.2", "title": "Doel 2 over bruggen bouwen", "replaced_by": "CO.1.3"}]
    assert [g["code"] for g in notes["moved"]] == ["CO.1.3"]
    assert client.get("/api/v1/releases/2030.2...concept").status_code == 404
    assert client.get("/api/v1/releases/2030.1...2099.1").json["error"]["status"] == 404
    login("redacteur")
    assert [g["code"] for g in client.get("/api/v1/releases/2030.2...concept").json["added"]] == ["CO.1.5"]


def test_the_openapi_document_describes_them(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert "/api/v1/consultations" in paths and "/api/v1/consultations/{round_id}/responses" in paths
    assert "/api/v1/releases/{old}...{new}" in paths
