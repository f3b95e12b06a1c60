"""`flask seed`: the real goal framework, and with --demo a living demo installation.

Every step matches existing rows by a stable key (uuid, code, e-mail), so
running it again adds nothing twice.
"""
from pathlib import Path

import yaml
from sqlalchemy.orm import Session

# libyaml's loader reads the seed files ten times faster than the pure-Python one; same safe subset of YAML.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> dict:
    with path.open(encoding="utf-8") as f:
        return yaml.load(f, Loader=_SafeLoader)  # noqa: S506 - a safe loader


def seed_all(session: Session, seeds_dir: Path, demo: bool = False) -> list[str]:
    from .objectives.seed import load_framework
    from .references.seed import load_references, load_seed_crosswalk

    framework = read_yaml(seeds_dir / "framework.yaml")
    report = [load_framework(session, framework)]
    report.append(load_references(session, read_yaml(seeds_dir / "references.yaml")))
    report.append(load_seed_crosswalk(session, framework))
    if demo:
        from .lessons.seed import load_demo_packages
        from .organisations.seed import load_demo_schools, load_demo_users
        from .planning.seed import load_demo_plans

        data = read_yaml(seeds_dir / "demo.yaml")
        report.append(load_demo_schools(session, data))
        report.append(load_demo_packages(session, data))
        report.append(load_demo_plans(session))
        report.extend(load_demo_users(session))
    return report
