"""SVG charts of the benchmark and the national picture, drawn on the server by plain functions, so that the
page and the PDF (WeasyPrint) show the same picture. Each chart is an image with a title and a description
that says its numbers (role="img", aria-labelledby); every page that shows one has the numbers in a table too.
Nothing here depends on colour alone: the network is a dashed line with diamonds, the country a solid line
with circles over a hatched band; the map's classes have a pattern each and the number is written in.
"""
from flask_babel import format_percent, ngettext
from flask_babel import gettext as _
from markupsafe import Markup, escape

from .benchmark import Adoption, AdoptionRow, BenchmarkSeries

INK, GRID, BAND, NETWORK = "#1d2633", "#b9c2cd", "#9ecae1", "#a63603"
FONT = 'font-family="DejaVu Sans, sans-serif"'


def percent(share: float | None) -> str:
    return "–" if share is None else format_percent(share, format="#,##0%")


def _short_year(year: int) -> str:
    return f"{year % 100:02d}-{(year + 1) % 100:02d}"


def _svg(id_: str, width: int, height: int, title: str, desc: str, body: list[str]) -> Markup:
    # Every text in `body` and here went through escape(); ids and numbers are our own.
    return Markup(  # noqa: S704
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{id_}-title {id_}-desc" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" {FONT} font-size="10">'
        f'<title id="{id_}-title">{escape(title)}</title><desc id="{id_}-desc">{escape(desc)}</desc>'
        + "".join(body) + "</svg>")


def series_description(series: BenchmarkSeries, network_name: str) -> str:
    parts = []
    for p in series.points:
        if p.national.median is None:
            parts.append(_("%(year)s: no school in the country has a year plan.", year=p.year_label))
            continue
        network = (_("%(network)s %(share)s", network=network_name, share=percent(p.network.median))
                   if p.network.median is not None else _("%(network)s has no school with a plan",
                                                          network=network_name))
        parts.append(_("%(year)s: %(network)s; national median %(median)s, middle half %(low)s to %(high)s.",
                       year=p.year_label, network=network, median=percent(p.national.median),
                       low=percent(p.national.low), high=percent(p.national.high)))
    return " ".join(parts)


def benchmark_chart(id_: str, series: BenchmarkSeries, network_name: str) -> Markup:
    """One small multiple: school years along, 0-100% up; the national interquartile range as a hatched
    band per year, the national median as a solid line with circles, the network's median as a dashed line
    with diamonds."""
    width, height, left, right, top, bottom = 230, 150, 34, 8, 22, 122
    n = len(series.points)
    step = (width - left - right) / max(n, 1)

    def x(i):
        return left + (i + 0.5) * step

    def y(share):
        return bottom - (bottom - top) * share

    title = f"{series.code} {series.title}".strip()
    body = [
        f'<defs><pattern id="{id_}-iqr" patternUnits="userSpaceOnUse" width="6" height="6">'
        f'<rect width="6" height="6" fill="{BAND}"/><path d="M0,6 L6,0" stroke="#ffffff" stroke-width="1.2"/>'
        f'</pattern></defs>',
        f'<text x="0" y="12" fill="{INK}" font-size="11" font-weight="bold">{escape(title[:40])}</text>',
    ]
    for share in (0.0, 0.5, 1.0):
        body.append(f'<line x1="{left}" x2="{width - right}" y1="{y(share):.1f}" y2="{y(share):.1f}" '
                    f'stroke="{GRID}" stroke-width="0.8"/>')
        body.append(f'<text x="{left - 4}" y="{y(share) + 3:.1f}" text-anchor="end" fill="{INK}">'
                    f'{int(share * 100)}%</text>')
    national, network = [], []
    for i, p in enumerate(series.points):
        cx = x(i)
        body.append(f'<text x="{cx:.1f}" y="{bottom + 13}" text-anchor="middle" fill="{INK}">'
                    f'{_short_year(p.year)}</text>')
        if p.national.median is None:
            continue
        body.append(f'<rect x="{cx - 11:.1f}" y="{y(p.national.high):.1f}" width="22" '
                    f'height="{max(y(p.national.low) - y(p.national.high), 1.5):.1f}" fill="url(#{id_}-iqr)" '
                    f'stroke="#3182bd" stroke-width="0.8"/>')
        national.append((cx, y(p.national.median)))
        if p.network.median is not None:
            network.append((cx, y(p.network.median)))
    if len(national) > 1:
        body.append(f'<polyline points="{" ".join(f"{a:.1f},{b:.1f}" for a, b in national)}" fill="none" '
                    f'stroke="{INK}" stroke-width="1.6"/>')
    for a, b in national:
        body.append(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="3.2" fill="{INK}"/>')
    if len(network) > 1:
        body.append(f'<polyline points="{" ".join(f"{a:.1f},{b:.1f}" for a, b in network)}" fill="none" '
                    f'stroke="{NETWORK}" stroke-width="2" stroke-dasharray="5 3"/>')
    for a, b in network:
        body.append(f'<path d="M{a:.1f},{b - 5:.1f} L{a + 5:.1f},{b:.1f} L{a:.1f},{b + 5:.1f} L{a - 5:.1f},{b:.1f} Z" '
                    f'fill="#ffffff" stroke="{NETWORK}" stroke-width="2"/>')
    return _svg(id_, width, height, _("%(series)s: %(network)s against the country", series=title,
                                       network=network_name),
                series_description(series, network_name), body)


def benchmark_legend(id_: str, network_name: str) -> Markup:
    """The key of the small multiples, drawn with the same marks."""
    # (gettext outside the f-strings: the message extractor does not look inside them)
    own, national, middle = (_("median of its schools"), _("National median"),
                             _("The middle half of all schools (first to third quartile)"))
    body = [
        f'<defs><pattern id="{id_}-iqr" patternUnits="userSpaceOnUse" width="6" height="6">'
        f'<rect width="6" height="6" fill="{BAND}"/><path d="M0,6 L6,0" stroke="#ffffff" stroke-width="1.2"/>'
        f'</pattern></defs>',
        f'<path d="M6,10 L26,10" stroke="{NETWORK}" stroke-width="2" stroke-dasharray="5 3"/>'
        f'<path d="M16,5 L21,10 L16,15 L11,10 Z" fill="#ffffff" stroke="{NETWORK}" stroke-width="2"/>',
        f'<text x="32" y="14" fill="{INK}" font-size="11">{escape(network_name[:60])}: '
        f'{escape(own)}</text>',
        f'<path d="M6,32 L26,32" stroke="{INK}" stroke-width="1.6"/><circle cx="16" cy="32" r="3.2" fill="{INK}"/>',
        f'<text x="32" y="36" fill="{INK}" font-size="11">{escape(national)}</text>',
        f'<rect x="5" y="46" width="22" height="14" fill="url(#{id_}-iqr)" stroke="#3182bd" stroke-width="0.8"/>',
        f'<text x="32" y="57" fill="{INK}" font-size="11">'
        f'{escape(middle)}</text>',
    ]
    return _svg(id_, 520, 66, _("Key to the charts"),
                _("Dashed line with diamonds: %(network)s. Solid line with circles: the national median. "
                  "Hatched band: the middle half of all schools.", network=network_name), body)


# --- The map of the provinces --------------------------------------------------------------------
# A tile grid, not the provinces' shapes: no open geometry of the Dutch provinces is available to this
# project from the package registries it may use (see docs/DEVELOPING.md); each province is one tile, placed
# roughly where it lies (column, row).
TILES = {
    "FR": (1, 0), "GR": (2, 0),
    "NH": (0, 1), "FL": (1, 1), "DR": (2, 1),
    "ZH": (0, 2), "UT": (1, 2), "OV": (2, 2),
    "ZE": (0, 3), "NB": (1, 3), "GE": (2, 3),
    "LI": (2, 4),
}
# Five classes of the share of schools with a year plan; each has a shade and a pattern of its own.
CLASSES = (
    ("#f7fbff", ""),
    ("#c6dbef", '<circle cx="3" cy="3" r="1.1" fill="#1d2633"/>'),
    ("#6baed6", '<path d="M0,8 L8,0" stroke="#1d2633" stroke-width="1"/>'),
    ("#2171b5", '<path d="M0,8 L8,0 M0,0 L8,8" stroke="#ffffff" stroke-width="1"/>'),
    ("#08306b", '<path d="M0,2 L8,2 M0,6 L8,6" stroke="#ffffff" stroke-width="1"/>'),
)
NO_SCHOOLS = ("#ffffff", '<path d="M0,4 L8,4" stroke="#9aa5b1" stroke-width="1" stroke-dasharray="2 2"/>')


def adoption_class(share: float | None) -> int | None:
    """0-4 for 0-19%, 20-39%, 40-59%, 60-79%, 80-100% of the schools with a plan; None without schools."""
    if share is None:
        return None
    return min(4, int(share * 5))


def class_label(n: int | None) -> str:
    if n is None:
        return _("no schools")
    return _("%(low)s to %(high)s%%", low=20 * n, high=20 * n + 19 if n < 4 else 100)


def _patterns(id_: str) -> str:
    out = []
    for i, (shade, marks) in enumerate((*CLASSES, NO_SCHOOLS)):
        out.append(f'<pattern id="{id_}-c{i}" patternUnits="userSpaceOnUse" width="8" height="8">'
                   f'<rect width="8" height="8" fill="{shade}"/>{marks}</pattern>')
    return "<defs>" + "".join(out) + "</defs>"


def _latest(row: AdoptionRow) -> Adoption:
    return row.latest


def province_map(id_: str, provinces: list[AdoptionRow], year_label: str) -> Markup:
    """The twelve provinces as a tile grid: each tile shaded and patterned by the share of its schools with a
    year plan in the last school year, with that share and the province's name written in, and a key."""
    tile_w, tile_h, gap, left, top = 140, 84, 6, 4, 4
    body = [_patterns(id_)]
    parts = []
    for row in provinces:
        col, line = TILES[row.key]
        a = _latest(row)
        cls = adoption_class(a.share)
        fill = f"url(#{id_}-c{5 if cls is None else cls})"
        x, y = left + col * (tile_w + gap), top + line * (tile_h + gap)
        cx = x + tile_w / 2
        number = percent(a.share) if a.share is not None else "–"
        counts = _("%(n)s of %(m)s", n=a.with_plan, m=a.schools)
        # The pattern shows around a white label, so the words and the number read on any shade.
        body.append(f'<g><rect x="{x}" y="{y}" width="{tile_w}" height="{tile_h}" rx="4" fill="{fill}" '
                    f'stroke="#1d2633" stroke-width="1"/>'
                    f'<rect x="{cx - 50}" y="{y + 17}" width="100" height="50" rx="3" '
                    f'fill="#ffffff" stroke="#1d2633" stroke-width="0.6"/>'
                    f'<text x="{cx}" y="{y + 31}" text-anchor="middle" fill="{INK}" font-size="10.5">'
                    f'{escape(row.name)}</text>'
                    f'<text x="{cx}" y="{y + 50}" text-anchor="middle" fill="{INK}" font-size="15" '
                    f'font-weight="bold">{escape(number)}</text>'
                    f'<text x="{cx}" y="{y + 62}" text-anchor="middle" fill="{INK}" font-size="8.5">'
                    f'{escape(counts)}</text></g>')
        parts.append(ngettext("%(province)s: %(share)s (%(n)s of %(num)s school), class %(label)s.",
                              "%(province)s: %(share)s (%(n)s of %(num)s schools), class %(label)s.", a.schools,
                              province=row.name, share=number, n=a.with_plan, label=class_label(cls)))
    # The key, to the left of Limburg under Zeeland and Brabant.
    kx, ky = left, top + 4 * (tile_h + gap) + 2
    for i in range(6):
        cls = None if i == 5 else i
        yy = ky + (i % 3) * 22
        xx = kx + (i // 3) * (tile_w + gap)
        body.append(f'<rect x="{xx}" y="{yy}" width="26" height="16" fill="url(#{id_}-c{i})" stroke="#1d2633" '
                    f'stroke-width="0.8"/><text x="{xx + 32}" y="{yy + 12}" fill="{INK}" font-size="10">'
                    f'{escape(class_label(cls))}</text>')
    width = left * 2 + 3 * tile_w + 2 * gap
    height = top + 5 * (tile_h + gap) + 2
    title = _("Schools with a year plan per province, %(year)s (tile map: every province one tile)",
              year=year_label)
    return _svg(id_, width, height, title, " ".join(parts), body)
