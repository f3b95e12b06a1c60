"""Package descriptions: Markdown rendered by markdown-it-py, then cleaned by nh3.

markdown-it escapes raw HTML (html=False) and refuses javascript:/data: links;
nh3 is the second wall: only the tags and attributes below survive, links may
only point to http(s) or mailto, and every link gets rel="noopener noreferrer".
"""
import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "s", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6", "a",
    "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> Markup:
    """Safe HTML for a package description; headings start at h2 (the page has the h1)."""
    html = _md.render(text or "")
    # The page title is the only h1: shift Markdown's # headings one level down.
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    cleaned = nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer", strip_comments=True,
    )
    return Markup(cleaned)  # noqa: S704 (cleaned by nh3 just above)
