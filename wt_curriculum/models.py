"""Every area's models, imported together so that the mappers and Alembic see the whole schema."""
from .api.models import ApiToken  # noqa: F401
from .auth.models import PasswordReset, RecoveryCode, User, UserSession  # noqa: F401
from .consultations.models import ConsultationResponse, ConsultationRound, RoundGoal  # noqa: F401
from .core.models import AuditEvent, ContentGeneration, Job, Revision  # noqa: F401
from .lessons.models import Alignment, Attachment, LessonPackage  # noqa: F401
from .notifications.models import Notification, NotificationSetting  # noqa: F401
from .oai.models import ExternalMaterial, HarvestSource, MaterialGoal  # noqa: F401
from .objectives.models import Domain, FrameworkRelease, Goal, PendingChange, Strand  # noqa: F401
from .organisations.models import Network, School  # noqa: F401
from .planning import aggregates  # noqa: F401  (keeps the per-school coverage aggregates on every flush)
from .planning.models import PlanEntry, SchoolYearCoverage  # noqa: F401
from .references.models import (  # noqa: F401
    CrosswalkLink,
    ReferenceFramework,
    ReferenceFrameworkVersion,
    ReferenceNode,
    ReferenceNodeAlias,
)
