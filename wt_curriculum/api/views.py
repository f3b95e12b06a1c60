"""The read-only JSON API under /api/v1: one module per resource, each registering its routes on the blueprint
of .blueprint (which holds what they share: the error shape, CORS, API tokens)."""
from . import account, consultations, coverage, docs, framework, packages, schools  # noqa: F401  (routes)
from .blueprint import bp  # noqa: F401  (registered by the app factory)
