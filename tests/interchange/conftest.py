import pytest


@pytest.fixture(autouse=True)
def import_folder(request, tmp_path):
    """Keep uploaded files of the tests out of the instance folder."""
    if "app" in request.fixturenames:
        app = request.getfixturevalue("app")
        app.config["IMPORT_FOLDER"] = str(tmp_path / "imports")
    return tmp_path / "imports"


@pytest.fixture
def world(app, factory, framework):
    from tests.interchange.helpers import make_world

    return make_world(app, factory)
