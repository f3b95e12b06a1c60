"""Every area's models, imported together so that the mappers and Alembic see the whole schema."""
from .api.models import ApiToken  # noqa: F401
from .auth.models import LoginFailure, User  # noqa: F401
from .core.models import AuditEvent, ContentGeneration, Job, Revision  # noqa: F401
from .lessons.models import Alignment, Attachment, LessonPackage  # noqa: F401
from .oai.models import ExternalMaterial, HarvestSource, MaterialGoal  # noqa: F401
from .objectives.models import Domain, FrameworkRelease, Goal, Strand  # noqa: F401
from .organisations.models import Network, School  # noqa: F401
from .planning.models import PlanEntry  # noqa: F401
from .references.models import CrosswalkLink, ReferenceFramework, ReferenceNode  # noqa: F401
