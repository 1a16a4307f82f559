"""Article bodies: Markdown in, sanitised HTML out, with heading anchors and citation links.

Rendering happens when an article is saved, so readers are served stored HTML.
"""

import html
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass

import markdown
import nh3
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.util import AtomicString

# A bare reference number in square brackets, e.g. "[2]", not a link text "[2](...)"
# nor the reference part of "[text][2]".
CITATION_PATTERN = r"(?<!\])\[(\d{1,3})\](?![(\[:])"
WORDS_PER_MINUTE = 230

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "figcaption",
    "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "strong",
    "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "img": {"src", "alt", "title", "width", "height", "loading"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "h5": {"id"},
    "h6": {"id"},
    "sup": {"id"},
    "td": {"align"},
    "th": {"align", "scope"},
    "ol": {"start"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}


class CitationProcessor(InlineProcessor):
    def handleMatch(self, m, data):  # noqa: N802 - Markdown's API
        number = m.group(1)
        sup = etree.Element("sup")
        link = etree.SubElement(sup, "a")
        link.set("href", f"#ref-{number}")
        link.set("class", "citation")
        link.text = AtomicString(f"[{number}]")
        return sup, m.start(0), m.end(0)


class CitationExtension(Extension):
    """Turns "[2]" in the body into a link to the second entry of the references list."""

    def extendMarkdown(self, md):  # noqa: N802 - Markdown's API
        # Above the link patterns (160-170), so "[2]" is a citation before it can be a link.
        md.inlinePatterns.register(CitationProcessor(CITATION_PATTERN, md), "citation", 175)


@dataclass(frozen=True)
class RenderedBody:
    html: str
    headings: list[dict]
    word_count: int

    @property
    def reading_minutes(self) -> int:
        return max(1, round(self.word_count / WORDS_PER_MINUTE))


def sanitise(untrusted_html: str) -> str:
    return nh3.clean(
        untrusted_html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def render_body(source: str) -> RenderedBody:
    md = markdown.Markdown(
        extensions=["toc", "tables", "sane_lists", "smarty", CitationExtension()],
        extension_configs={"toc": {"permalink": False, "toc_depth": "2-3"}},
        output_format="html",
    )
    body_html = sanitise(md.convert(source))
    headings = [
        {"id": token["id"], "title": html.unescape(token["name"])}
        for token in md.toc_tokens
        if token["level"] == 2
    ]
    text = re.sub(r"<[^>]+>", " ", body_html)
    return RenderedBody(
        html=body_html, headings=headings, word_count=len(html.unescape(text).split())
    )
