"""Coverage heat maps as inline SVG: goals x groepen for one strand of a school, schools x strands for a network.

Plain functions returning markup, so that the coverage pages (planning) and the report PDFs (reports) draw the
very same picture. Every cell carries three signals, so it reads without colour: a fill colour, a pattern
(hatching, dots, cross-hatching or solid) and its value as text (a symbol with K/R for a school, a percentage
for a network). Each column heading and cell has a <title> (shown on hover) naming the strand or goal; the
page puts a legend of the strand codes beside it.

Two layouts: `wide` (one line per row, the label on the left) for screens and the PDF, and `narrow` (the label
on its own line, the cells beneath) that a phone shows instead, so that nothing has to shrink.
"""
import dataclasses
import textwrap
from dataclasses import dataclass
from functools import lru_cache

from flask_babel import format_percent, get_locale, ngettext
from flask_babel import gettext as _
from markupsafe import Markup, escape

from ..groepen import ALL_GROEPEN
from .coverage import NONE, PLANNED, TAUGHT, UNKNOWN, Cell, NetworkCoverage, StrandCoverage

FONT = 'font-family="DejaVu Sans, Verdana, sans-serif"'
INK, MUTED, LINE, ACCENT = "#1d2633", "#55606e", "#b9c2cd", "#0b5c8a"


@dataclass(frozen=True)
class Look:
    """How one kind of cell is drawn: background, pattern (None: solid) and text colour."""

    fill: str
    pattern: str | None
    ink: str


# School cells, by state (none splits on whether the goal is meant for the groep).
SCHOOL_LOOKS = {
    TAUGHT: Look("#1e6b34", None, "#ffffff"),
    PLANNED: Look("#e3f1e6", "hatch", INK),
    "gap": Look("#fbeaea", "dots", INK),
    UNKNOWN: Look("#eef1f5", "cross", INK),
    NONE: Look("#ffffff", None, INK),
}
# Network cells, by share: four bands, from few goals covered to most.
BANDS = (
    (0.75, Look("#1e6b34", None, "#ffffff")),
    (0.50, Look("#d7ecdc", "cross", INK)),
    (0.25, Look("#fff2cc", "hatch", INK)),
    (0.0, Look("#fbeaea", "dots", INK)),
)
PATTERN_INK = {"hatch": "#6aa97a", "dots": "#c9656b", "cross": "#8c99a8"}


def band(share: float) -> Look:
    return next(look for low, look in BANDS if share >= low)


def _defs(prefix: str, more: str = "") -> str:
    """The three patterns (and more: the picture's kinds of cell), with ids of this picture only (a page holds
    many pictures)."""
    return (
        "<defs>"
        f'<pattern id="{prefix}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="{PATTERN_INK["hatch"]}" '
        'stroke-width="2"/></pattern>'
        f'<pattern id="{prefix}-dots" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<circle cx="3" cy="3" r="1.2" fill="{PATTERN_INK["dots"]}"/></pattern>'
        f'<pattern id="{prefix}-cross" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<path d="M0 0L6 6M6 0L0 6" stroke="{PATTERN_INK["cross"]}" stroke-width="1"/></pattern>'
        f"{more}</defs>"
    )


def _box(prefix: str, look: Look, x: float, y: float, w: float, h: float, text: str, tip: str = "",
         underline: bool = False, ident: str = "") -> str:
    """One cell: its colour, its pattern over it, a quiet patch behind the text, the text, and a tooltip."""
    parts = [f'<g id="{ident}">' if ident else "<g>", f"<title>{escape(tip)}</title>" if tip else "",
             f'<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{look.fill}" stroke="{LINE}"/>']
    if look.pattern:
        parts.append(f'<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="url(#{prefix}-{look.pattern})"/>')
        if text:
            pw = min(w - 6, 7.5 * len(text) + 6)
            parts.append(f'<rect x="{x + (w - pw) / 2}" y="{y + h / 2 - 8}" width="{pw}" height="16" '
                         f'fill="{look.fill}"/>')
    if underline:
        parts.append(f'<rect x="{x}" y="{y + h - 3}" width="{w}" height="3" fill="{ACCENT}"/>')
    if text:
        weight = ' font-weight="bold"' if look.ink == "#ffffff" else ""
        parts.append(f'<text x="{x + w / 2}" y="{y + h / 2 + 4.5}" text-anchor="middle" font-size="12" '
                     f'fill="{look.ink}"{weight}>{escape(text)}</text>')
    parts.append("</g>")
    return "".join(parts)


class _Cells:
    """The kinds of cell of one picture, each drawn once in its <defs> and placed with <use>: a coverage map
    has thousands of cells of a few dozen kinds, and drawing every one in full made a school's page megabytes
    long (and its cache entry, and the time to send it)."""

    def __init__(self, prefix: str, w: float, h: float):
        self.prefix, self.w, self.h = prefix, w, h
        self.kinds: dict[tuple, str] = {}
        self.drawn: list[str] = []

    def place(self, look: Look, x: float, y: float, text: str, tip: Markup | str, underline: bool = False) -> str:
        key = (look, text, underline)
        ident = self.kinds.get(key)
        if ident is None:
            ident = self.kinds[key] = f"{self.prefix}-k{len(self.kinds)}"
            self.drawn.append(_box(self.prefix, look, 0, 0, self.w, self.h, text, "", underline, ident))
        return f'<g><title>{escape(tip)}</title><use href="#{ident}" x="{x}" y="{y}"/></g>'

    def defs(self) -> str:
        return "".join(self.drawn)


def _text(x: float, y: float, text: str, size: int = 13, bold: bool = False, anchor: str = "start",
          fill: str = INK) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return (f'<text x="{x}" y="{y}" font-size="{size}" fill="{fill}" text-anchor="{anchor}"{weight}>'
            f"{escape(text)}</text>")


def _lines(text: str, width: int, most: int = 3) -> list[str]:
    lines = textwrap.wrap(text, width) or [""]
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    return lines


def _svg(prefix: str, width: float, height: float, title: str, desc: str, body: list[str], layout: str,
         cells: _Cells) -> Markup:
    return Markup(  # noqa: S704 (every text in it went through escape())
        f'<svg xmlns="http://www.w3.org/2000/svg" class="heatmap heatmap-{layout}" role="img" '
        f'aria-labelledby="{prefix}-title {prefix}-desc" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" {FONT}>'
        f'<title id="{prefix}-title">{escape(title)}</title><desc id="{prefix}-desc">{escape(desc)}</desc>'
        + _defs(prefix, cells.defs()) + "".join(body) + "</svg>")


# --- One school: the goals of a strand x groepen 1-8 ----------------------------------------------------
def cell_symbol(c: Cell) -> str:
    """The text of a cell: ● taught, ○ planned, – meant for the groep but not planned, ? no plan; K/R."""
    symbol = {TAUGHT: "●", PLANNED: "○", UNKNOWN: "?"}.get(c.state, "–" if c.intended else "")
    return symbol + {"kern": "K", "raakt": "R"}.get(c.relation or "", "")


# Cells' texts and percentages depend on a few values and the language only: each is made once per process and
# language. A coverage page has thousands of cells; a gettext or Babel call per cell (and even a language
# look-up per cell) were most of its time.
_CELL_TEXTS: dict[str, dict] = {}
_PERCENT_TEXTS: dict[str, dict] = {}
_VERDICT_TEXTS: dict[str, dict] = {}


def _kept_per_language(store: dict, make):
    """A function key -> make(key) for the current language, remembering what it made (bounded all the same)."""
    texts = store.setdefault(str(get_locale()), {})

    def text(key):
        found = texts.get(key)
        if found is None:
            found = make(key)
            if len(texts) < 100_000:
                texts[key] = found
        return found

    return text


def cell_texts():
    """A cell's description (taught, planned, ...; main aim; meant for the groep) in the current language."""
    text = _kept_per_language(_CELL_TEXTS, lambda key: _describe(*key))
    return lambda c: text((c.state, c.relation, bool(c.intended)))


def percent_texts():
    """A share as a whole percentage in the current language."""
    return _kept_per_language(_PERCENT_TEXTS, lambda share: format_percent(share, format="#,##0%"))


def _describe(state: str, relation: str | None, intended: bool) -> str:
    text = {TAUGHT: _("taught"), PLANNED: _("planned"), UNKNOWN: _("no plan for this year")}.get(
        state, _("not planned"))
    if relation == "kern":
        text += f" ({_('main aim')})"
    elif relation == "raakt":
        text += f" ({_('touches on')})"
    if intended:
        text += ", " + _("meant for this groep")
    return text


def _school_look(c: Cell) -> Look:
    if c.state == NONE:
        return SCHOOL_LOOKS["gap" if c.intended else NONE]
    return SCHOOL_LOOKS[c.state]


def verdict_texts():
    """goal -> whether it counts as covered, in words, in the current language (for the map's last column and
    the table; made once per language and kind of verdict)."""
    text = _kept_per_language(_VERDICT_TEXTS, lambda key: _verdict(*key))
    return lambda goal: text((bool(goal.retired), bool(goal.covered), bool(goal.covered_outside_only)))


def _verdict(retired: bool, covered: bool, covered_outside_only: bool) -> str:
    if retired:
        return "—"
    if covered:
        return "✔ " + _("yes")
    if covered_outside_only:
        return "⚠ " + _("outside its groepen")
    return "✘ " + _("no")


@lru_cache(maxsize=8192)
def _goal_label(name: str, narrow: bool, y: float) -> tuple[str, int]:
    """A goal's label at the start of its row (wrapped, with its full name as tooltip) and its number of lines.
    Every school's map of a strand puts the same goals at the same heights, so it is made once."""
    lines = _lines(name, 40 if narrow else 56, 3 if narrow else 2)
    if narrow:
        texts = [_text(2, y + 14 + 16 * k, line, 12) for k, line in enumerate(lines)]
    else:
        texts = [_text(4, y + 15 + 16 * k, line, 13) for k, line in enumerate(lines)]
    return f'<g><title>{escape(name)}</title>{"".join(texts)}</g>', len(lines)


def school_strand_heatmap(strand: StrandCoverage, prefix: str, layout: str = "wide") -> Markup:
    """The goals of one strand x groepen 1-8 of one school year, with a column saying whether each goal counts
    as covered."""
    narrow = layout == "narrow"
    cw, ch = (32, 24) if narrow else (36, 24)
    label_w = 0 if narrow else 440
    grid_x = label_w
    verdict_x = grid_x + cw * len(ALL_GROEPEN) + 8
    width = verdict_x + 26 if narrow else verdict_x + 150
    body = [_text(4 if not narrow else 2, 16, _("Goal") if not narrow else "", 12, True, fill=MUTED)]
    groep_labels = {g: escape(_("groep %(n)s", n=g)) for g in ALL_GROEPEN}  # escaped once, used per cell
    describe = cell_texts()
    verdict_of = verdict_texts()
    retired = _("retired")
    cells = _Cells(prefix, cw, ch)
    for i, g in enumerate(ALL_GROEPEN):
        body.append(f'<g><title>{groep_labels[g]}</title>'
                    + _text(grid_x + cw * i + cw / 2, 16, str(g), 12, True, "middle", MUTED) + "</g>")
    if not narrow:
        body.append(_text(verdict_x, 16, _("Covered"), 12, True, fill=MUTED))
    y = 24
    for goal in strand.goals:
        name = f"{goal.code} {goal.title}" + (f" ({retired})" if goal.retired else "")
        label, line_count = _goal_label(name, narrow, y)
        body.append(label)
        if narrow:
            y += 16 * line_count + 4
            row_y = y
        else:
            row_y = y + (max(ch, 16 * line_count + 6) - ch) / 2
        code = escape(goal.code)
        for i, g in enumerate(ALL_GROEPEN):
            c = goal.cells[g]
            tip = Markup(f"{code}, {groep_labels[g]}: {escape(describe(c))}")  # noqa: S704 - escaped parts
            body.append(cells.place(_school_look(c), grid_x + cw * i, row_y, cell_symbol(c), tip, c.intended))
        verdict = verdict_of(goal)
        body.append(_text(verdict_x if not narrow else verdict_x - 4, row_y + 16,
                          verdict if not narrow else verdict[:1], 12))
        y = row_y + ch + 6 if narrow else y + max(ch, 16 * line_count + 6) + 2
        if not narrow:
            body.append(f'<line x1="0" y1="{y - 1}" x2="{width}" y2="{y - 1}" stroke="#e2e7ee"/>')
    title = _("%(code)s %(title)s: goals by groep", code=strand.code, title=strand.title)
    desc = ngettext("%(covered)s of %(total)s goal covered (%(percent)s). The table after the picture gives every "
                    "cell as text.",
                    "%(covered)s of %(total)s goals covered (%(percent)s). The table after the picture gives every "
                    "cell as text.", strand.total, covered=strand.covered, total=strand.total,
                    percent=format_percent(strand.share, format="#,##0%"))
    return _svg(prefix, width, y + 4, title, desc, body, layout, cells)


# --- One network: schools x strands ---------------------------------------------------------------------
def difference_text(diff: float | None, percent=None) -> str:
    if diff is None:
        return ""
    percent = percent or percent_texts()
    if diff >= 0.005:
        return "+" + percent(diff)
    if diff <= -0.005:
        return "−" + percent(-diff)
    return "= " + _("median")


def network_heatmap(data: NetworkCoverage, prefix: str, layout: str = "wide") -> Markup:
    """The network's schools x strands: the share of each strand's goals a school covers, its total and the
    difference from the network median."""
    pct = percent_texts()
    narrow = layout == "narrow"
    cw, ch = (50, 24) if narrow else (46, 24)
    strands = data.strands
    cells = _Cells(prefix, cw, ch)
    # The cells' tooltips, from parts escaped once (a percentage needs no escaping).
    strand_names = {st.id: escape(f"{st.code} {st.title}") for st in strands}
    body = []
    if narrow:
        per_row = 6
        width = per_row * (cw + 4)
        y = 0
        for school in data.schools:
            name = escape(school.name)
            lines = _lines(school.name, 40, 2)
            for k, line in enumerate(lines):
                body.append(_text(0, y + 15 + 16 * k, line, 13, True))
            y += 16 * len(lines) + 4
            if not school.has_plan:
                body.append(_text(0, y + 12, _("no year plan for %(year)s", year=data.year_label), 12,
                                  fill=MUTED))
                y += 26
                continue
            body.append(_text(0, y + 12, _("Total %(share)s", share=pct(school.share)) + " · "
                              + _("vs. median") + " " + difference_text(school.difference, pct), 12))
            y += 20
            for i, st in enumerate(strands):
                x, top = (i % per_row) * (cw + 4), y + (i // per_row) * (ch + 18)
                body.append(f'<g><title>{escape(st.title)}</title>'
                            + _text(x + cw / 2, top + 11, st.code, 10, False, "middle", MUTED) + "</g>")
                share = school.strands[st.id].share
                body.append(cells.place(band(share), x, top + 14, pct(share),
                                        Markup(f"{name}, {strand_names[st.id]}: {pct(share)}")))  # noqa: S704
            y += ((len(strands) + per_row - 1) // per_row) * (ch + 18) + 12
        height = y
    else:
        name_w = 210
        total_x = name_w + cw * len(strands) + 8
        diff_x = total_x + 64
        width = diff_x + 120
        body.append(_text(0, 16, _("School"), 12, True, fill=MUTED))
        for i, st in enumerate(strands):
            body.append(f'<g><title>{escape(st.code)} {escape(st.title)}</title>'
                        + _text(name_w + cw * i + cw / 2, 16, st.code, 11, True, "middle", MUTED) + "</g>")
        body.append(_text(total_x + 28, 16, _("Total"), 12, True, "middle", MUTED))
        body.append(_text(diff_x, 16, _("vs. median"), 12, True, fill=MUTED))
        y = 24
        for school in data.schools:
            name = escape(school.name)
            lines = _lines(school.name, 28, 2)
            row_h = _network_row_height(lines, ch)
            row_y = y + (row_h - ch) / 2
            body.append(f"<g><title>{name}</title>")
            for k, line in enumerate(lines):
                body.append(_text(0, y + 15 + 16 * k, line, 13))
            body.append("</g>")
            if school.has_plan:
                for i, st in enumerate(strands):
                    share = school.strands[st.id].share
                    body.append(cells.place(band(share), name_w + cw * i, row_y, pct(share),
                                            Markup(f"{name}, {strand_names[st.id]}: {pct(share)}")))  # noqa: S704
                body.append(_text(total_x + 28, row_y + 16, pct(school.share), 13, True, "middle"))
                body.append(_text(diff_x, row_y + 16, difference_text(school.difference, pct), 13))
            else:
                body.append(_text(name_w + 4, row_y + 16, _("no year plan for %(year)s", year=data.year_label), 12,
                                  fill=MUTED))
            y += row_h + 4
        height = y
    title = _("Schools by strand: share of goals covered")
    desc = _("One row per school, one column per strand; the table after the picture gives the same numbers.")
    return _svg(prefix, width, height + 4, title, desc, body, layout, cells)


# On paper the network map comes in parts, each with its column headings, of at most this height (CSS px, before
# a wide map is shrunk to the page): a picture cannot break across pages, and 200 schools in one ran off the
# bottom of its landscape page (whose content area is about 630 px high).
PRINTED_PART_HEIGHT = 540


def _network_row_height(name_lines: list[str], ch: int = 24) -> int:
    """The height of a school's row in the wide network map (the gap of 4 below it not included)."""
    return max(ch, 16 * len(name_lines) + 4)


def network_parts(data: NetworkCoverage, height: int = PRINTED_PART_HEIGHT) -> list[NetworkCoverage]:
    """The network's coverage in parts of consecutive schools whose wide maps are at most `height` high, for the
    printed map."""
    parts, part, used = [], [], 24  # the heading row
    for school in data.schools:
        row = _network_row_height(_lines(school.name, 28, 2)) + 4
        if part and used + row > height:
            parts.append(part)
            part, used = [], 24
        part.append(school)
        used += row
    parts.append(part)
    return [dataclasses.replace(data, schools=schools) for schools in parts]


def band_legend() -> list[tuple[Look, str, str]]:
    """(look, sample text, meaning) for the four bands of the network map, most covered first."""
    labels = (_("75% or more (solid)"), _("50% to 74% (cross-hatched)"), _("25% to 49% (hatched)"),
              _("less than 25% (dotted)"))
    samples = ("80%", "60%", "30%", "10%")
    return [(look, sample, label) for (_low, look), sample, label in zip(BANDS, samples, labels, strict=True)]


def legend_swatch(prefix: str, look: Look, text: str, underline: bool = False) -> Markup:
    """A small picture of one kind of cell, for a legend (decorative: the legend's words say it)."""
    return Markup(  # noqa: S704 (escaped in _box)
        f'<svg xmlns="http://www.w3.org/2000/svg" class="swatch-svg" aria-hidden="true" focusable="false" '
        f'width="40" height="24" viewBox="0 0 40 24" {FONT}>' + _defs(prefix)
        + _box(prefix, look, 1, 1, 38, 22, text, underline=underline) + "</svg>")


def school_legend_items(prefix: str) -> list[tuple[Markup, str]]:
    """The legend of the school map: each kind of cell and what it means."""
    return [
        (legend_swatch(f"{prefix}-1", SCHOOL_LOOKS[TAUGHT], "●K"),
         _("taught; K = main aim (kern), R = touches on (raakt)")),
        (legend_swatch(f"{prefix}-2", SCHOOL_LOOKS[PLANNED], "○R"), _("planned, not yet taught (hatched)")),
        (legend_swatch(f"{prefix}-3", SCHOOL_LOOKS["gap"], "–", True),
         _("meant for this groep, not planned (dotted)")),
        (legend_swatch(f"{prefix}-4", SCHOOL_LOOKS[NONE], "", True),
         _("a blue line under a cell: the goal is meant for that groep")),
    ]


def network_legend_items(prefix: str) -> list[tuple[Markup, str]]:
    return [(legend_swatch(f"{prefix}-{i}", look, sample), label)
            for i, (look, sample, label) in enumerate(band_legend())]


def template_globals() -> dict:
    """What the heat map templates (templates/planning/_heatmap.html) call, for the pages and the reports."""
    return {
        "school_strand_heatmap": school_strand_heatmap,
        "network_heatmap": network_heatmap,
        "heat_network_parts": network_parts,
        "heat_cell_texts": cell_texts,
        "heat_verdicts": verdict_texts,
        "heat_difference": difference_text,
        "heat_percents": percent_texts,
        "heat_school_legend": school_legend_items,
        "heat_network_legend": network_legend_items,
    }
