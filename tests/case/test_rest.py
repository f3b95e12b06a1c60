"""The CASE 1.1 REST binding: every endpoint, its parameters or a 400, imsx_StatusInfo errors, URIs from
WT_BASE_URL that resolve (browser: the page; JSON client: the CASE object), every answer validated against the
official CASE 1.1 schema (wt_curriculum/case/schemas, the same file as ../shared/case)."""
import json
from pathlib import Path

import pytest
from jsonschema import Draft201909Validator

from wt_curriculum.case import openapi, services
from wt_curriculum.extensions import db

REST = "/ims/case/v1p1"
BASE = "https://leerdoelen.example.nl"
UNKNOWN = "00000000-0000-4000-8000-000000000000"
OFFICIAL = Path(__file__).parent / "data" / "case-v1p1-cfpackage-schema.json"


def errors(answer: str, body) -> list[str]:
    schema = openapi.answer_schemas()[answer]
    validator = Draft201909Validator(schema, format_checker=Draft201909Validator.FORMAT_CHECKER)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]


@pytest.fixture
def published(app, framework):
    from tests.references.conftest import SEEDS
    from wt_curriculum.references.seed import load_references, load_seed_crosswalk
    from wt_curriculum.seed import read_yaml

    app.config["BASE_URL"] = BASE + "/"
    with app.app_context():
        load_references(db.session, read_yaml(SEEDS / "references.yaml"))
        load_seed_crosswalk(db.session, read_yaml(SEEDS / "framework.yaml"))
        db.session.commit()
        return services.export_package(db.session, BASE)


def get(client, path, **kwargs):
    return client.get(f"{REST}/{path}", headers={"Accept": "application/json", **kwargs.pop("headers", {})},
                      **kwargs)


def test_the_shipped_schema_is_the_official_one():
    assert openapi.SCHEMA_FILE.read_bytes() == OFFICIAL.read_bytes()


def test_package_is_valid_and_has_definitions(client, published):
    document_id = services.DOCUMENT_UUID
    response = get(client, f"CFPackages/{document_id}")
    assert response.status_code == 200
    package = response.get_json()
    assert errors("CFPackage", package) == []
    assert "CFPackageURI" not in package["CFDocument"]
    definitions = package["CFDefinitions"]
    assert [t["title"] for t in definitions["CFItemTypes"]] == ["Domein", "Leerlijn", "Leerdoel"]
    assert [s["title"] for s in definitions["CFSubjects"]] == ["Wetenschap & technologie", "Digitale geletterdheid"]
    assert definitions["CFLicenses"][0]["title"] == "CC BY-SA 4.0"
    assert "verwondering" in {c["keywords"] for c in definitions["CFConcepts"]}
    groupings = {g["title"] for g in definitions["CFAssociationGroupings"]}
    assert groupings == {"Kruistabel: Kerndoelen primair onderwijs 2006",
                         "Kruistabel: Kerndoelen primair onderwijs (herzien, 2025)",
                         "Kruistabel: Curriculum.nu bouwstenen Mens & Natuur en Digitale geletterdheid (2019)"}
    # Items point at their type and licence; crosswalk associations at their grouping.
    goal = next(i for i in package["CFItems"] if i["humanCodingScheme"] == "MN.1.1")
    assert goal["CFItemTypeURI"]["identifier"] == definitions["CFItemTypes"][2]["identifier"]
    crosswalk = [a for a in package["CFAssociations"] if a["associationType"] in ("isRelatedTo", "isPartOf")]
    assert crosswalk and all("CFAssociationGroupingURI" in a for a in crosswalk)
    # Every URI is built from WT_BASE_URL, not from the Host the client named.
    assert package["CFDocument"]["uri"] == f"{BASE}{REST}/CFDocuments/{document_id}"
    assert all(i["uri"].startswith(f"{BASE}{REST}/CFItems/") for i in package["CFItems"])
    other = client.get(f"{REST}/CFPackages/{document_id}", headers={"Host": "evil.example"}).get_json()
    assert other["CFDocument"]["uri"] == package["CFDocument"]["uri"]


def test_every_endpoint_answers_a_valid_case_object(client, published):
    package = published
    d = package["CFDefinitions"]
    goal = next(i for i in package["CFItems"] if i["humanCodingScheme"] == "MN.1.1")
    association = package["CFAssociations"][0]
    cases = [
        ("CFDocuments", "CFDocumentSet"),
        (f"CFDocuments/{services.DOCUMENT_UUID}", "CFDocument"),
        (f"CFItems/{goal['identifier']}", "CFItem"),
        (f"CFAssociations/{association['identifier']}", "CFAssociation"),
        (f"CFItemAssociations/{goal['identifier']}", "CFAssociationSet"),
        (f"CFItemTypes/{d['CFItemTypes'][0]['identifier']}", "CFItemTypeSet"),
        (f"CFSubjects/{d['CFSubjects'][1]['identifier']}", "CFSubjectSet"),
        (f"CFConcepts/{d['CFConcepts'][0]['identifier']}", "CFConceptSet"),
        (f"CFLicenses/{d['CFLicenses'][0]['identifier']}", "CFLicense"),
        (f"CFAssociationGroupings/{d['CFAssociationGroupings'][0]['identifier']}", "CFAssociationGrouping"),
    ]
    for path, answer in cases:
        response = get(client, path)
        assert response.status_code == 200, path
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert errors(answer, response.get_json()) == [], path
        assert response.headers["ETag"]
    assert get(client, f"CFItems/{goal['identifier']}").get_json()["humanCodingScheme"] == "MN.1.1"
    assert get(client, f"CFItemTypes/{d['CFItemTypes'][0]['identifier']}").get_json() == {
        "CFItemTypes": [d["CFItemTypes"][0]]}
    assert get(client, f"CFLicenses/{d['CFLicenses'][0]['identifier']}").get_json() == d["CFLicenses"][0]
    # Every URI in the package resolves to its CASE object.
    for uri in [goal["uri"], association["uri"], goal["CFItemTypeURI"]["uri"], goal["licenseURI"]["uri"],
                package["CFDocument"]["uri"], *(s["uri"] for s in package["CFDocument"]["subjectURI"])]:
        response = client.get(uri.removeprefix(BASE), headers={"Accept": "application/json"})
        assert response.status_code == 200, uri
        body = response.get_json()
        found = body["CFSubjects"][0] if "/CFSubjects/" in uri else body["CFItemTypes"][0] \
            if "/CFItemTypes/" in uri else body
        assert uri.endswith(found["identifier"]) and found["uri"] == uri


def test_a_browser_gets_the_page(client, published):
    goal = next(i for i in published["CFItems"] if i["humanCodingScheme"] == "MN.1.1")
    strand = next(i for i in published["CFItems"] if i["humanCodingScheme"] == "MN.1")
    browser = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
    response = client.get(f"{REST}/CFItems/{goal['identifier']}", headers=browser)
    assert response.status_code == 303 and response.headers["Location"].endswith("/doelen/MN.1.1")
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and "MN.1.1" in page.get_data(as_text=True)
    response = client.get(f"{REST}/CFItems/{strand['identifier']}", headers=browser)
    assert response.headers["Location"].endswith("/doelen#strand-MN.1")
    response = client.get(f"{REST}/CFDocuments/{services.DOCUMENT_UUID}", headers=browser)
    assert response.status_code == 303 and response.headers["Location"].endswith("/doelen")
    # Without an Accept header (curl, most CASE clients) the answer is JSON.
    assert client.get(f"{REST}/CFItems/{goal['identifier']}").get_json()["identifier"] == goal["identifier"]


@pytest.mark.parametrize("path", ["CFDocuments", "CFPackages", "CFItems", "CFAssociations", "CFItemAssociations",
                                  "CFItemTypes", "CFSubjects", "CFConcepts", "CFLicenses",
                                  "CFAssociationGroupings", "CFRubrics"])
def test_unknown_and_malformed_identifiers(client, published, path):
    response = get(client, f"{path}/{UNKNOWN}")
    assert response.status_code == 404
    assert errors("imsx_StatusInfo", response.get_json()) == []
    assert response.get_json()["imsx_codeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"] == \
        "unknownobject"
    bad = get(client, f"{path}/geen-uuid")
    assert bad.status_code == 400
    assert bad.get_json()["imsx_codeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"] == "invalid_uuid"
    assert errors("imsx_StatusInfo", bad.get_json()) == []
    # Single objects take no parameters.
    extra = get(client, f"{path}/{UNKNOWN}", query_string={"limit": "5"})
    assert extra.status_code == 400 and errors("imsx_StatusInfo", extra.get_json()) == []


def test_documents_collection_parameters(client, published):
    def documents(**params):
        response = get(client, "CFDocuments", query_string=params)
        assert response.status_code == 200, response.get_json()
        assert errors("CFDocumentSet", response.get_json()) == [] or "fields" in params
        return response

    assert len(documents().get_json()["CFDocuments"]) == 1
    assert documents().headers["X-Total-Count"] == "1"
    assert documents(limit="1", offset="0", sort="title", orderBy="desc").get_json()["CFDocuments"][0][
        "identifier"] == services.DOCUMENT_UUID
    assert documents(offset="1").get_json()["CFDocuments"] == []
    assert len(documents(filter="title~'leerdoelenkader'").get_json()["CFDocuments"]) == 1
    assert documents(filter="language='en'").get_json()["CFDocuments"] == []
    assert len(documents(filter="language='en' OR adoptionStatus='Adopted'").get_json()["CFDocuments"]) == 1
    assert documents(filter="language='nl' AND adoptionStatus='Draft'").headers["X-Total-Count"] == "0"
    assert documents(filter="subject='Digitale geletterdheid'").headers["X-Total-Count"] == "1"
    assert documents(fields="identifier,title").get_json() == {"CFDocuments": [
        {"identifier": services.DOCUMENT_UUID, "title": services.DOCUMENT_TITLE}]}


@pytest.mark.parametrize(("params", "minor"), [
    ({"limit": "0"}, "invalid_selection_field"),
    ({"limit": "abc"}, "invalid_selection_field"),
    ({"offset": "-1"}, "invalid_selection_field"),
    ({"sort": "nonsense"}, "invalid_sort_field"),
    ({"orderBy": "up"}, "invalid_sort_field"),
    ({"filter": "title = zonder quotes"}, "invalid_selection_field"),
    ({"filter": "bogus='x'"}, "invalid_selection_field"),
    ({"filter": "title='a' AND title='b' OR title='c'"}, "invalid_selection_field"),
    ({"fields": "identifier,nonsense"}, "invalid_selection_field"),
    ({"page": "2"}, "invalid_selection_field"),
])
def test_bad_collection_parameters_get_a_400(client, published, params, minor):
    response = get(client, "CFDocuments", query_string=params)
    assert response.status_code == 400
    body = response.get_json()
    assert errors("imsx_StatusInfo", body) == []
    assert body["imsx_codeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"] == minor
    assert body["imsx_description"]


def test_the_binding_is_in_the_openapi_document(client, published):
    document = client.get("/api/v1/openapi.json").get_json()
    for path, operation_id, *_ in openapi.OPERATIONS:
        operation = document["paths"][f"{REST}{path}"]["get"]
        assert operation["operationId"] == operation_id
        assert {"200", "400"} <= set(operation["responses"])
    parameters = {p["name"] for p in document["paths"][f"{REST}/CFDocuments"]["get"]["parameters"]}
    assert parameters == {"limit", "offset", "sort", "orderBy", "filter", "fields"}
    assert "CASECFPckgItem" in document["components"]["schemas"]
    text = json.dumps(document)
    assert "#/$defs/" not in text


def test_a_nul_byte_gets_the_binding_error_shape(client, published):
    response = get(client, "CFDocuments", query_string={"filter": "title='\x00'"})
    assert response.status_code == 400
    assert errors("imsx_StatusInfo", response.get_json()) == []
