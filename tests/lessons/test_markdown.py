"""Package descriptions: Markdown is rendered, anything that could run script is not."""
from html.parser import HTMLParser

import pytest

from tests.lessons.helpers import make_goals, make_package
from wt_curriculum.lessons.markdown import ALLOWED_TAGS, render_markdown

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="https://evil.example"></iframe>',
    '<a href="javascript:alert(1)">klik</a>',
    "[klik](javascript:alert(1))",
    "[klik](JaVaScRiPt:alert(1))",
    "[klik](  javascript:alert(1))",
    "[klik](java\tscript:alert(1))",
    "[klik](&#106;avascript:alert(1))",
    "[klik](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[klik](vbscript:msgbox(1))",
    '![x](javascript:alert(1))',
    '![x](https://example.org/a.png" onerror="alert(1))',
    "<details open ontoggle=alert(1)>",
    '<body onload="alert(1)">',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    "<style>*{background:red}</style>",
    '<a href="https://example.org" onclick="alert(1)">x</a>',
    "[a](https://example.org \"title\" onclick=alert(1))",
    "<!--<script>alert(1)</script>-->",
    "<<script>script>alert(1)<</script>/script>",
]


class TagCollector(HTMLParser):
    """The real tags and attributes of an HTML fragment (escaped text does not count)."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def assert_harmless(html: str) -> None:
    collector = TagCollector()
    collector.feed(html)
    for tag, attrs in collector.tags:
        assert tag in ALLOWED_TAGS, html
        assert not any(name.startswith("on") or name in ("style", "src") for name in attrs), html
        if "href" in attrs:
            assert attrs["href"].lower().startswith(("http://", "https://", "mailto:")), html
            assert attrs.get("rel") == "noopener noreferrer", html
    assert "<script" not in html.lower()


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payloads_are_rendered_harmless(payload):
    assert_harmless(str(render_markdown(f"Tekst\n\n{payload}\n\n{payload}")))


def test_markdown_is_rendered_and_links_get_rel():
    html = str(render_markdown("# Kop\n\n- **vet** en *schuin*\n\n[site](https://example.org)"))
    assert "<h2>Kop</h2>" in html
    assert "<strong>vet</strong>" in html and "<em>schuin</em>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer">site</a>' in html


def test_package_page_shows_the_cleaned_description(app, client, factory):
    goals = make_goals(app, prefix="LM", count=1)
    description = "\n\n".join(XSS_PAYLOADS) + "\n\nGewone **tekst**."
    package_id = make_package(app, factory.network(), list(goals.values()), description=description)
    html = client.get(f"/lespakketten/{package_id}").get_data(as_text=True)
    body = html.split('class="package-description">', 1)[1].split("</section>", 1)[0]
    assert "<strong>tekst</strong>" in body
    assert_harmless(body.rsplit("</div>", 1)[0])
