"""The consultation report: positions counted by role and network, every response with its answer; HTML, PDF
(in the request or through the task queue), CSV and XLSX."""
import csv
import io

from openpyxl import load_workbook
from sqlalchemy import select

from tests.consultations.helpers import add_response, close, make_goals, make_round
from tests.reports.helpers import pdf_text
from wt_curriculum.consultations import services
from wt_curriculum.consultations.models import ConsultationResponse, ConsultationRound
from wt_curriculum.extensions import db


def _answered_round(app, factory):
    codes = make_goals(app, n=2)
    round_id = make_round(app, codes, title="Bruggenronde")
    network = factory.network(name="Techniek Oost")
    school = factory.school(network_id=network, name="De Klimop")
    teacher = factory.user("leraar", school_id=school)
    other_teacher = factory.user("leraar", school_id=school)
    coordinator = factory.user("netwerkcoordinator", network_id=network)
    first = add_response(app, round_id, teacher.id, codes[0], position="eens-met-wijzigingen",
                         comment="Noem torens", proposed_title="Bruggen en torens")
    add_response(app, round_id, other_teacher.id, codes[0], position="oneens", comment="Te lastig voor groep 5")
    add_response(app, round_id, coordinator.id, codes[0], position="eens", comment="")
    add_response(app, round_id, coordinator.id, None, position="eens", comment="Mooie ronde")
    close(app, round_id)
    with app.test_request_context():
        round_ = db.session.get(ConsultationRound, round_id)
        services.answer_response(db.session, round_, db.session.get(ConsultationResponse, first), _Editor(),
                                 services.AnswerData("overgenomen", "Goed idee, verwerkt."))
        db.session.commit()
    return round_id, codes


class _Editor:
    id = None
    is_authenticated = True
    role = "redacteur"


def test_the_report_counts_positions_by_role_and_network_and_lists_every_response(app, client, factory, login):
    round_id, codes = _answered_round(app, factory)
    login("redacteur")
    page = client.get(f"/consultaties/{round_id}/rapport").get_data(as_text=True)
    section = page.split(f'<span class="code">{codes[0]}</span>')[1].split("</section>")[0]
    by_role = section.split("Standpunten per rol")[1].split("</table>")[0]
    assert "<th scope=\"row\">Leraar</th><td>0</td><td>1</td><td>1</td><td>2</td>" in by_role
    assert "<th scope=\"row\">Netwerkcoördinator</th><td>1</td><td>0</td><td>0</td><td>1</td>" in by_role
    by_network = section.split("Standpunten per netwerk")[1].split("</table>")[0]
    assert "<th scope=\"row\">Techniek Oost</th><td>1</td><td>1</td><td>1</td><td>3</td>" in by_network
    assert "Noem torens" in section and "Goed idee, verwerkt." in section and "Te lastig voor groep 5" in section
    assert "Nog niet beantwoord." in section
    assert "Mooie ronde" in page  # on the round as a whole


def test_the_report_as_csv_and_xlsx(app, client, factory, login):
    round_id, codes = _answered_round(app, factory)
    login("redacteur")
    response = client.get(f"/consultaties/{round_id}/rapport.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Leerdoel", "Titel", "Respondent"]
    assert len(rows) == 5
    adopted = next(r for r in rows if r[7] == "Noem torens")
    assert adopted[0] == codes[0] and adopted[3] == "Leraar" and adopted[4] == "De Klimop"
    assert adopted[5] == "Techniek Oost" and adopted[8] == "Bruggen en torens" and adopted[10] == "overgenomen"
    book = load_workbook(io.BytesIO(client.get(f"/consultaties/{round_id}/rapport.xlsx").data))
    values = [[c.value for c in row] for row in book.active.iter_rows()]
    assert len(values) == 5 and any(v[11] == "Goed idee, verwerkt." for v in values)


def test_the_report_pdf_is_made_in_the_request_or_by_the_queue(app, client, factory, login):
    round_id, codes = _answered_round(app, factory)
    login("redacteur")
    response = client.get(f"/consultaties/{round_id}/rapport.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    _pages, texts = pdf_text(response.data)
    text = " ".join(texts)
    assert "Bruggenronde" in text and "Noem torens" in text and "Goed idee, verwerkt." in text
    # Unchanged: the cached PDF, at once, even when large reports go to the queue.
    app.config["CONSULTATION_REPORT_INLINE"] = 0
    assert client.get(f"/consultaties/{round_id}/rapport.pdf").status_code == 200
    # A new answer makes the cached PDF stale: now the queue makes it (at once in the tests), with a job page.
    with app.test_request_context():
        round_ = db.session.get(ConsultationRound, round_id)
        second = db.session.scalar(select(ConsultationResponse).where(
            ConsultationResponse.round_id == round_id, ConsultationResponse.comment == "Te lastig voor groep 5"))
        services.answer_response(db.session, round_, second, _Editor(),
                                 services.AnswerData("niet-overgenomen", "Blijft voor groep 6."))
        db.session.commit()
    job = client.get(f"/consultaties/{round_id}/rapport.pdf")
    assert job.status_code == 303 and "/taken/" in job.headers["Location"]
    page = client.get(job.headers["Location"]).get_data(as_text=True)
    assert "Consultatierapport: Bruggenronde" in page
