"""The app as `flask worker` runs it, plus the test job kinds (tests/core/job_kinds.py): for consumer tests."""
from tests.core import job_kinds  # noqa: F401  (registers the test kinds before the consumer starts)
from wt_curriculum import create_app

app = create_app()
