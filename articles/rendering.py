"""Article bodies: Markdown in, sanitised HTML out, with heading anchors and citation links.

Rendering happens when an article is saved, so readers are served stored HTML.
"""

import html
import re
from collections import Counter
from dataclasses import dataclass

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.toc import slugify
from markdown.inlinepatterns import InlineProcessor
from markdown.postprocessors import Postprocessor

# Reference numbers run from 1 to 999: "[1000]" or "[0]" is never a citation.
HIGHEST_REFERENCE_NUMBER = 999
_NUMBER = r"[1-9]\d{0,2}"
_NUMBER_OR_RANGE = rf"{_NUMBER}(?:\s*[-–]\s*{_NUMBER})?"
# One bracket of citations: "[2]", "[1, 2]", "[1–3]" (en dash or hyphen) or "[1-3, 5]".
_CITATION_BRACKET = rf"\[{_NUMBER_OR_RANGE}(?:\s*,\s*{_NUMBER_OR_RANGE})*\]"
# A bracket of citations, alone or in a row like "[1][2]", but not a link text "[2](...)",
# a link definition "[2]: ..." nor either half of a reference-style link "[text][2]".
CITATION_PATTERN = rf"(?<!\])({_CITATION_BRACKET})(?=(?:{_CITATION_BRACKET})*(?![(\[:]))"
# Each citation's <sup> gets an id "cite-<number>-<nth citation of that number>", added in
# the order of the text; headings are kept off these ids and the references' "ref-<number>".
_CITATION = re.compile(r'<sup><a class="citation" href="#ref-(\d+)">')
RESERVED_ID_PREFIXES = ("cite-", "ref-")
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
    "sup": {"id"},  # the citations' "cite-…" ids, which the references link back to
    "td": {"align"},
    "th": {"align", "scope"},
    "ol": {"start"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}


def cited_numbers(bracket: str) -> list[int]:
    """The reference numbers a citation bracket names, e.g. [1, 3] for "[1, 3]" and [1, 2, 3]
    for "[1–3]"; none for a backwards range."""
    numbers = []
    for item in bracket.strip("[]").split(","):
        first, _, last = item.replace("–", "-").partition("-")
        first, last = int(first), int(last or first)
        if last < first:
            return []
        numbers.extend(range(first, last + 1))
    return list(dict.fromkeys(numbers))


class CitationProcessor(InlineProcessor):
    def handleMatch(self, m, data):  # noqa: N802 - Markdown's API
        numbers = cited_numbers(m.group(1))
        if not numbers:
            return None, None, None
        # One <sup> per number, so "[1, 2]" reads as "[1][2]" and each has its own id.
        sups = "".join(
            f'<sup><a class="citation" href="#ref-{number}">[{number}]</a></sup>'
            for number in numbers
        )
        return self.md.htmlStash.store(sups), m.start(0), m.end(0)


class CitationIdPostprocessor(Postprocessor):
    def run(self, text):
        seen = Counter()

        def add_id(match):
            number = match[1]
            seen[number] += 1
            return f'<sup id="cite-{number}-{seen[number]}">{match[0].removeprefix("<sup>")}'

        return _CITATION.sub(add_id, text)


class CitationExtension(Extension):
    """Turns "[2]" in the body into a link to the second entry of the references list."""

    def extendMarkdown(self, md):  # noqa: N802 - Markdown's API
        # Above the link patterns (160-170), so "[2]" is a citation before it can be a link.
        md.inlinePatterns.register(CitationProcessor(CITATION_PATTERN, md), "citation", 175)
        # Below raw_html (30), which puts the citations' HTML into the text.
        md.postprocessors.register(CitationIdPostprocessor(md), "citation_ids", 5)


def heading_id(value: str, separator: str) -> str:
    """A heading's anchor, never one of the ids kept for citations and references."""
    slug = slugify(value, separator)
    return f"section-{slug}" if slug.startswith(RESERVED_ID_PREFIXES) else slug


def citation_ids(body_html: str, number: int) -> list[str]:
    """The ids of the citations of reference `number` in a rendered body, in order."""
    return re.findall(rf'<sup id="(cite-{number}-\d+)">', body_html)


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
        extension_configs={"toc": {"permalink": False, "toc_depth": "2-3", "slugify": heading_id}},
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
