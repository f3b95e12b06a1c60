"""The mirrored frameworks for the administrator's page: their address, state, last fetch and last report."""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from ..core.services import record_audit
from ..errors import NotFound
from ..references.models import ReferenceFramework, ReferenceFrameworkVersion


@dataclass
class Mirror:
    id: int
    key: str
    title: str
    url: str
    status: str  # the document's adoptionStatus
    retired: bool
    checked_at: datetime | None
    error: str
    version: int | None  # the latest version's number
    version_at: datetime | None
    report: str  # the latest version's change report

    @property
    def ok(self) -> bool:
        return not self.error


def list_mirrors(session: Session) -> list[Mirror]:
    """Every mirrored framework with its latest version (two queries)."""
    latest = (select(ReferenceFrameworkVersion.framework_id, func.max(ReferenceFrameworkVersion.number).label("n"))
              .group_by(ReferenceFrameworkVersion.framework_id).subquery())
    versions = {row.framework_id: row for row in session.execute(
        select(ReferenceFrameworkVersion.framework_id, ReferenceFrameworkVersion.number,
               ReferenceFrameworkVersion.fetched_at, ReferenceFrameworkVersion.report)
        .join(latest, and_(latest.c.framework_id == ReferenceFrameworkVersion.framework_id,
                           latest.c.n == ReferenceFrameworkVersion.number)))}
    out = []
    for f in session.scalars(select(ReferenceFramework).where(ReferenceFramework.mirror_url.is_not(None))
                             .order_by(ReferenceFramework.title, ReferenceFramework.key)):
        version = versions.get(f.id)
        out.append(Mirror(f.id, f.key, f.title, f.mirror_url, f.status, f.retired, f.mirror_checked_at,
                          f.mirror_error, version.number if version else None,
                          version.fetched_at if version else None, version.report if version else ""))
    return out


def mirrored_framework(session: Session, framework_id: int) -> ReferenceFramework:
    framework = session.get(ReferenceFramework, framework_id)
    if framework is None or not framework.mirror_url:
        raise NotFound(_l("This framework is not mirrored."))
    return framework


def stop_mirroring(session: Session, framework_id: int, user) -> ReferenceFramework:
    """Stop following the server: the framework, its nodes, versions and crosswalk links stay as they are."""
    framework = mirrored_framework(session, framework_id)
    url = framework.mirror_url
    framework.mirror_url = None
    framework.mirror_etag = framework.mirror_modified = framework.mirror_error = ""
    session.flush()
    record_audit(session, user, "case.mirror_remove", "reference_framework", framework.id,
                 f"{framework.key}: {url}"[:500])
    return framework
