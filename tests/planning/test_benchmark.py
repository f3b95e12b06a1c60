"""The network benchmark and the national picture against the hand-computed world (benchmark_world.py), the
charts' accessible text, and a fixed number of queries."""
import re

import pytest

from tests.planning.benchmark_world import build
from wt_curriculum.errors import ValidationError
from wt_curriculum.extensions import db
from wt_curriculum.planning import charts
from wt_curriculum.planning.benchmark import Spread, national_picture, network_benchmark, spread, year_span


def approx(s: Spread) -> tuple:
    return (s.schools, *(None if v is None else round(v, 4) for v in (s.median, s.low, s.high)))


def test_spread_is_median_and_quartiles():
    assert spread([]) == Spread(0, None, None, None)
    assert spread([0.3]) == Spread(1, 0.3, 0.3, 0.3)
    assert approx(spread([1.0, 0.2, 0.6, 0.2])) == (4, 0.4, 0.2, 0.7)
    assert year_span(2026, 3) == [2024, 2025, 2026]
    with pytest.raises(ValidationError):
        year_span(2026, 0)


def test_network_benchmark_per_strand_and_kerndoel(app):
    ids = build(app)
    with app.app_context():
        data = network_benchmark(db.session, ids["n1"], 2026)
    assert data.years == [2024, 2025, 2026] and data.schools == 3  # the archived school is not one
    none = (0, None, None, None)
    overall = data.overall.points
    assert [approx(p.network) for p in overall] == [none, (1, 0.2, 0.2, 0.2), (2, 0.4, 0.3, 0.5)]
    assert [approx(p.national) for p in overall] == [none, (1, 0.2, 0.2, 0.2), (5, 0.2, 0.2, 0.6)]
    assert overall[-1].difference == pytest.approx(0.2)
    assert [(s.code, s.title) for s in data.strands] == [("T.A", "Lijn T.A"), ("T.B", "Lijn T.B")]
    ta, tb = (s.latest for s in data.strands)
    # T.A: a .5, b .5 | nation .5 .5 1 0 .5 (g)
    assert approx(ta.network) == (2, 0.5, 0.5, 0.5)
    assert approx(ta.national) == (5, 0.5, 0.5, 0.5)
    # T.B: a 0, b 2/3 | nation 0, 2/3, 1, 1/3, 0
    assert approx(tb.network) == (2, 0.3333, 0.1667, 0.5)
    assert approx(tb.national) == (5, 0.3333, 0.0, 0.6667)
    assert data.kerndoel_set == "kd2025-po"
    assert [s.code for s in data.kerndoelen] == ["K1", "K2"]
    k1, k2 = (s.latest for s in data.kerndoelen)
    assert approx(k1.network) == (2, 0.5, 0.5, 0.5) and approx(k1.national) == (5, 0.5, 0.5, 0.5)
    # K2 (only K2a, through B1 in groep 5-6): d and e cover it.
    assert approx(k2.network) == (2, 0.0, 0.0, 0.0) and approx(k2.national) == (5, 0.0, 0.0, 1.0)


def test_benchmark_without_kerndoelen_and_with_a_fixed_number_of_queries(app, count_queries):
    ids = build(app)
    with app.app_context():
        with count_queries() as c:
            network_benchmark(db.session, ids["n2"], 2026)
        assert c.count <= 9  # six when the country's part comes from the cache (in a request)
        data = network_benchmark(db.session, ids["n2"], 2026, kerndoel_set="kd2006-po")
    assert data.kerndoelen == [] and data.kerndoel_set == ""
    assert approx(data.overall.latest.network) == (2, 0.6, 0.4, 0.8)


def test_national_picture_per_year_network_and_province(app, count_queries):
    ids = build(app)
    with app.app_context():
        with count_queries() as c:
            data = national_picture(db.session, 2026)
        assert c.count <= 5
    assert data.years == [2022, 2023, 2024, 2025, 2026] and data.goals == 5
    nation = [(a.schools, a.with_plan, a.median) for a in data.nation.years]
    assert nation == [(6, 0, None)] * 3 + [(6, 1, 0.2), (6, 5, 0.2)]
    networks = {r.key: (r.latest.schools, r.latest.with_plan, r.latest.median) for r in data.networks}
    assert networks == {"N1": (3, 2, pytest.approx(0.4)), "N2": (2, 2, pytest.approx(0.6))}
    assert data.networks[0].network_id == ids["n1"]
    provinces = {r.key: (r.latest.schools, r.latest.with_plan, r.latest.median) for r in data.provinces}
    assert len(provinces) == 12
    assert provinces["UT"] == (2, 2, pytest.approx(0.4))
    assert provinces["GR"] == (1, 0, None) and provinces["NB"] == (1, 1, 1.0) and provinces["ZH"] == (1, 1, 0.2)
    assert provinces["FR"] == (0, 0, None) and data.provinces[1].latest.share is None
    assert (data.unknown_province.latest.schools, data.unknown_province.latest.with_plan) == (1, 1)
    assert (data.without_network.latest.schools, data.without_network.latest.with_plan) == (1, 1)


def test_charts_say_their_numbers(app):
    ids = build(app)
    with app.test_request_context():
        data = network_benchmark(db.session, ids["n1"], 2026)
        svg = str(charts.benchmark_chart("x", data.strands[1], "Netwerk <N1>"))
        picture = national_picture(db.session, 2026)
        map_svg = str(charts.province_map("m", picture.provinces, "2026-2027"))
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="x-title x-desc"')
    assert "Netwerk &lt;N1&gt;" in svg and "<N1>" not in svg  # names are escaped
    desc = re.search(r'<desc id="x-desc">(.*?)</desc>', svg).group(1)
    assert "2026-2027: Netwerk &lt;N1&gt; 33%; landelijke mediaan 33%, middelste helft 0% tot 67%." in desc
    assert "2024-2025: geen school in het land heeft een jaarplanning." in desc
    assert svg.count("<circle") == 2 and 'stroke-dasharray="5 3"' in svg  # two years with plans; the network dashed
    # The map: twelve tiles with the share written in, a pattern per class, and the key.
    assert map_svg.count('rx="4"') == 12
    assert ">100%<" in map_svg and "Utrecht" in map_svg and "Fryslân" in map_svg
    assert 'fill="url(#m-c4)"' in map_svg and 'fill="url(#m-c5)"' in map_svg and 'fill="url(#m-c0)"' in map_svg
    assert "Utrecht: 100% (2 van 2 scholen), klasse 80 tot 100%." in map_svg
    assert "Fryslân: – (0 van 0 scholen), klasse geen scholen." in map_svg
    assert charts.adoption_class(0.79) == 3 and charts.adoption_class(1.0) == 4 and charts.adoption_class(None) is None
