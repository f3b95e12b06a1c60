"""A scripted OAI-PMH source on a local port, serving hand-made NL-LOM records (and failing when told to)."""
import threading
from urllib.parse import parse_qs

from werkzeug.serving import make_server

OAI = "http://www.openarchives.org/OAI/2.0/"


def envelope(body: str, verb: str = "ListRecords") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?><OAI-PMH xmlns="{OAI}"><responseDate>2026-12-01T10:00:00Z'
            f'</responseDate><request verb="{verb}">http://bron.example/oai</request>{body}</OAI-PMH>')


def record(identifier: str, datestamp: str, lom: str | None = None) -> str:
    if lom is None:
        return (f'<record><header status="deleted"><identifier>{identifier}</identifier>'
                f'<datestamp>{datestamp}</datestamp></header></record>')
    return (f'<record><header><identifier>{identifier}</identifier><datestamp>{datestamp}</datestamp></header>'
            f'<metadata>{lom}</metadata></record>')


IDENTIFY = envelope(
    "<Identify><repositoryName>Bron</repositoryName><baseURL>http://bron.example/oai</baseURL>"
    "<protocolVersion>2.0</protocolVersion><adminEmail>a@bron.example</adminEmail>"
    "<earliestDatestamp>2020-01-01T00:00:00Z</earliestDatestamp><deletedRecord>persistent</deletedRecord>"
    "<granularity>YYYY-MM-DDThh:mm:ssZ</granularity></Identify>", verb="Identify")


class ScriptedSource:
    """pages: list of (records xml, has_next). failure: {page number: "http500" | "expired" | "garbage"}."""

    def __init__(self):
        self.pages: list[list[str]] = []
        self.failure: dict[int, str] = {}
        self.requests: list[dict] = []
        self.identify = IDENTIFY

    def __call__(self, environ, start_response):
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        self.requests.append(query)
        status, body = "200 OK", self.answer(query)
        if body is None:
            status, body = "500 Internal Server Error", "<h1>Kapot</h1>"
        start_response(status, [("Content-Type", "text/xml; charset=utf-8")])
        return [body.encode()]

    def answer(self, query: dict) -> str | None:
        verb = query.get("verb")
        if verb == "Identify":
            return self.identify
        if verb != "ListRecords":
            return envelope(f'<error code="badVerb">{verb}</error>')
        number = int(query["resumptionToken"].removeprefix("page-")) if "resumptionToken" in query else 0
        failure = self.failure.get(number)
        if failure == "http500":
            return None
        if failure == "expired":
            return envelope('<error code="badResumptionToken">The resumptionToken has expired.</error>')
        if failure == "garbage":
            return "<html><body>Onderhoud</body></html>"
        if not self.pages:
            return envelope('<error code="noRecordsMatch">nothing</error>')
        records = "".join(self.pages[number])
        token = f'<resumptionToken cursor="{number}">page-{number + 1}</resumptionToken>' \
            if number + 1 < len(self.pages) else ""
        return envelope(f"<ListRecords>{records}{token}</ListRecords>")


class Served:
    def __init__(self, wsgi):
        self.server = make_server("127.0.0.1", 0, wsgi, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def close(self):
        self.server.shutdown()
        self.thread.join(timeout=5)
