"""Small hand-made frameworks, packages and plans, built with the models directly."""
import itertools
import uuid
from datetime import date

from wt_curriculum.groepen import to_mask
from wt_curriculum.lessons.models import Alignment, LessonPackage
from wt_curriculum.objectives.models import Domain, Goal, Strand
from wt_curriculum.organisations.models import Network, School
from wt_curriculum.planning.models import PlanEntry

_schools = itertools.count(1)


class Builder:
    """Adds records to a session and remembers them by code/title; the caller commits."""

    def __init__(self, session):
        self.session = session
        self.domains, self.strands, self.goals, self.packages = {}, {}, {}, {}

    def _uuid(self) -> str:
        return str(uuid.uuid4())

    def network(self, code="NW") -> int:
        network = Network(code=code, name=f"Netwerk {code}", region="Utrecht")
        self.session.add(network)
        self.session.flush()
        return network.id

    def school(self, network_id=None, name=None, archived=False) -> int:
        n = next(_schools) % 100
        school = School(name=name or f"School {n}", brin=f"{n:02d}XY", vestiging="00",
                        network_id=network_id, archived=archived)
        self.session.add(school)
        self.session.flush()
        return school.id

    def domain(self, code, position=0):
        d = Domain(uuid=self._uuid(), code=code, title=f"Domein {code}", position=position)
        self.session.add(d)
        self.session.flush()
        self.domains[code] = d
        return d

    def strand(self, code, domain, position=0):
        s = Strand(uuid=self._uuid(), code=code, domain_id=self.domains[domain].id, title=f"Lijn {code}",
                   position=position)
        self.session.add(s)
        self.session.flush()
        self.strands[code] = s
        return s

    def goal(self, code, strand, groepen, status="vastgesteld", position=0):
        g = Goal(uuid=self._uuid(), code=code, strand_id=self.strands[strand].id, title=f"Doel {code}",
                 groepen_mask=to_mask(groepen), status=status, position=position)
        self.session.add(g)
        self.session.flush()
        self.goals[code] = g
        return g

    def package(self, title, groepen, aligned: dict, network_id, status="gepubliceerd", lessons=1, minutes=60):
        p = LessonPackage(uuid=self._uuid(), title=title, groepen_mask=to_mask(groepen), network_id=network_id,
                          status=status, lesson_count=lessons, minutes_per_lesson=minutes)
        p.alignments = [Alignment(goal_id=self.goals[code].id, relation=rel) for code, rel in aligned.items()]
        self.session.add(p)
        self.session.flush()
        self.packages[title] = p
        return p

    def plan(self, school_id, year, groep, title, taught_on: date | None = None, period=""):
        entry = PlanEntry(school_id=school_id, school_year=year, groep=groep, package_id=self.packages[title].id,
                          taught_on=taught_on, period=period)
        self.session.add(entry)
        self.session.flush()
        return entry


def base_framework(b: Builder, network_id: int) -> None:
    """Domain T (strand T.A: A1 groep 1-2, A2 3-4, A3 5-6, A4 4) and domain U (strand U.B: B1 7-8,
    retired R1 groep 5, draft D1); packages P1 (A1 kern, A2 raakt; groep 1-2), P2 (A1 raakt; 1-2),
    P3 (A3 kern, R1 raakt; 5-6)."""
    b.domain("T", 0)
    b.domain("U", 1)
    b.strand("T.A", "T")
    b.strand("U.B", "U")
    b.goal("T.A.1", "T.A", [1, 2], position=1)
    b.goal("T.A.2", "T.A", [3, 4], position=2)
    b.goal("T.A.3", "T.A", [5, 6], position=3)
    b.goal("T.A.4", "T.A", [4], position=4)
    b.goal("U.B.1", "U.B", [7, 8], position=1)
    b.goal("U.B.9", "U.B", [5], status="vervallen", position=9)
    b.goal("U.B.5", "U.B", [1], status="concept", position=5)
    b.package("P1", [1, 2], {"T.A.1": "kern", "T.A.2": "raakt"}, network_id)
    b.package("P2", [1, 2], {"T.A.1": "raakt"}, network_id)
    b.package("P3", [5, 6], {"T.A.3": "kern", "U.B.9": "raakt"}, network_id)
