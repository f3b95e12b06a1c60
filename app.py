"""Entry point for `flask --app app ...` and for gunicorn (`app:app`)."""
from wt_curriculum import create_app

app = create_app()
