"""Test data for the lessons area: goals (written directly, the objectives area owns their pages) and packages."""
import uuid
from datetime import UTC, datetime

from wt_curriculum.extensions import db

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def make_goals(app, prefix="LX", count=3, domain_title="Lestestdomein", status="vastgesteld") -> dict[str, int]:
    """A domain `prefix`, a strand `prefix.1` and goals `prefix.1.1`...; returns {code: id}."""
    from wt_curriculum.objectives.models import Domain, Goal, Strand

    with app.app_context():
        domain = Domain(uuid=str(uuid.uuid4()), code=prefix, title=domain_title, position=9)
        db.session.add(domain)
        db.session.flush()
        strand = Strand(uuid=str(uuid.uuid4()), code=f"{prefix}.1", domain_id=domain.id, title=f"Streng {prefix}",
                        position=1)
        db.session.add(strand)
        db.session.flush()
        goals = {}
        for n in range(1, count + 1):
            goal = Goal(uuid=str(uuid.uuid4()), code=f"{prefix}.1.{n}", strand_id=strand.id,
                        title=f"Leerdoel {n} over bruggen en water" if n == 1 else f"Leerdoel {n} over robots",
                        groepen_mask=0b11111111, status=status, position=n,
                        published_at=datetime.now(UTC) if status == "vastgesteld" else None)
            db.session.add(goal)
            db.session.flush()
            goals[goal.code] = goal.id
        db.session.commit()
        return goals


def make_package(app, network_id: int, goal_ids: list[int], title="Bruggen bouwen", status="gepubliceerd",
                 summary="Een brug van karton", description="Leerlingen **bouwen** een brug.",
                 keywords="bruggen, constructies", groepen_mask=0b00110000, lesson_count=4, minutes=60,
                 licence="CC-BY-SA") -> int:
    from wt_curriculum.lessons.models import Alignment, LessonPackage

    with app.app_context():
        package = LessonPackage(
            uuid=str(uuid.uuid4()), title=title, summary=summary, description=description,
            groepen_mask=groepen_mask, lesson_count=lesson_count, minutes_per_lesson=minutes,
            keywords=keywords, network_id=network_id, licence=licence, status=status,
            published_at=datetime.now(UTC) if status == "gepubliceerd" else None,
            alignments=[Alignment(goal_id=gid, relation="kern" if i == 0 else "raakt")
                        for i, gid in enumerate(goal_ids)],
        )
        db.session.add(package)
        db.session.commit()
        return package.id


def make_attachment(app, package_id: int, data: bytes = PDF_BYTES, filename="werkblad.pdf") -> int:
    from wt_curriculum.lessons import attachments as files
    from wt_curriculum.lessons.models import Attachment

    with app.app_context():
        stored = files.store_bytes(app.config["UPLOAD_FOLDER"], data)
        attachment = Attachment(package_id=package_id, filename=filename, stored_name=stored,
                                content_type="application/pdf", size=len(data))
        db.session.add(attachment)
        db.session.commit()
        return attachment.id
