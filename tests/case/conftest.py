"""Fixtures of the CASE tests: another instance of this app serving its own CASE binding on a local port."""
import threading

import pytest
from werkzeug.serving import make_server

from tests.conftest import BASE_CONFIG
from wt_curriculum import create_app
from wt_curriculum.extensions import db


@pytest.fixture
def other(tmp_path):
    """Another instance of the app, with its own database, serving on a free local port."""
    other_app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'other.sqlite'}",
                            "FILE_STORE_FOLDER": str(tmp_path / "other-files")})
    with other_app.app_context():
        db.create_all()
    server = make_server("127.0.0.1", 0, other_app, threaded=True)
    other_app.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield other_app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    with other_app.app_context():
        db.engine.dispose()
