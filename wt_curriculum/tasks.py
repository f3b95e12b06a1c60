"""Every area's tasks for the queue, imported together so that a consumer knows them all (as models.py does
for the tables)."""
from .auth import tasks as auth_tasks  # noqa: F401
from .case import tasks as case_tasks  # noqa: F401
from .case import web_tasks as case_web_tasks  # noqa: F401
from .consultations import tasks as consultations_tasks  # noqa: F401
from .core import mail as core_mail  # noqa: F401
from .core import tasks as core_tasks  # noqa: F401
from .interchange import tasks as interchange_tasks  # noqa: F401
from .lessons import tasks as lessons_tasks  # noqa: F401
from .notifications import tasks as notifications_tasks  # noqa: F401
from .oai import tasks as oai_tasks  # noqa: F401
from .objectives import tasks as objectives_tasks  # noqa: F401
from .organisations import tasks as organisations_tasks  # noqa: F401
from .references import tasks as references_tasks  # noqa: F401
from .reports import tasks as reports_tasks  # noqa: F401
