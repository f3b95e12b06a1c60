def test_admin_sees_who_changed_what(client, login, factory):
    login("beheerder")
    factory.user("leraar", email="juf.anna@example.org")
    body = client.get("/beheer/logboek").get_data(as_text=True)
    assert "user.create" in body and "juf.anna@example.org (leraar)" in body
    filtered = client.get("/beheer/logboek?kind=goal").get_data(as_text=True)
    assert "juf.anna@example.org" not in filtered


def test_audit_log_pages(client, app, login):
    from wt_curriculum.core.services import audit_log, record_audit
    from wt_curriculum.extensions import db

    login("beheerder")
    with app.app_context():
        for n in range(120):
            record_audit(db.session, None, "import.schools", "school", n, f"regel {n}")
        db.session.commit()
        page = audit_log(db.session, page=3, per_page=50)
        assert (page.page, page.pages, page.total) == (3, 3, 121)
        assert len(page.rows) == 21
    body = client.get("/beheer/logboek?page=2&kind=import").get_data(as_text=True)
    assert "regel 69" in body and "regel 119" not in body
    assert client.get("/beheer/logboek?page=abc").status_code == 200
    assert client.get("/beheer/logboek?page=-5").status_code == 200
