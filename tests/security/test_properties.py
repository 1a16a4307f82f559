"""Generated hostile input (Hypothesis): the article renderer never lets anything dangerous
through and always closes what it opens; no field of a public form can cause a 500."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse
from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from articles.rendering import ALLOWED_TAGS, ALLOWED_URL_SCHEMES, render_body

VOID_TAGS = {"br", "hr", "img"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "srcset", "poster"}

# Pieces an attacker (or a careless paste) puts in an article body.
HOSTILE_FRAGMENTS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href=" &#14;javascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    "[click](javascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD4=)",
    "![img](javascript:alert(1))",
    "[ref]: javascript:alert(1)\n\n[ref]",
    "<javascript:alert(1)>",
    '<svg onload="alert(1)"><circle/></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<iframe src=//evil.example></iframe>",
    "<object data=x></object><embed src=x>",
    "<form action=//evil.example><input name=q><button formaction=javascript:alert(1)>",
    '<div style="background:url(javascript:alert(1))">',
    "<style>body{display:none}</style>",
    "<base href=//evil.example/>",
    '<meta http-equiv="refresh" content="0;url=//evil.example">',
    '<p title="</p><script>alert(1)</script>">',
    "<!-- <script>alert(1)</script> -->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<a href="#" onclick="alert(1)" onmouseover=alert(1)>x</a>',
    '<h2 id="x" onfocus=alert(1) tabindex=1>Heading</h2>',
    "<table><tr><td>cell",
    "<ul><li>one<li>two",
    "</div></main></body>",
    "<b><i>overlap</b></i>",
    "<p>unclosed",
    "<details open ontoggle=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "`<script>alert(1)</script>`",
    "```\n<script>alert(1)</script>\n```",
]
MARKDOWN_PIECES = [
    "\n\n", "\n", "# ", "## Heading\n", "### Sub\n", "> ", "* ", "1. ", "- [ ] ", "    ",
    "**", "_", "`", "[2]", "[link](https://example.org/a?b=1&c=2)", "<https://example.org>",
    "| a | b |\n|---|---|\n| 1 | 2 |\n", "---\n", "&amp;", "&#0;", "\x00", "\u202e", '"', "'",
    "<", ">", "&", "=", "(", ")", "[", "]",
]  # fmt: skip

markdown_and_html = st.lists(
    st.one_of(
        st.sampled_from(HOSTILE_FRAGMENTS),
        st.sampled_from(MARKDOWN_PIECES),
        st.text(max_size=20),
    ),
    max_size=25,
).map("".join)


class PageBreakingOutput(HTMLParser):
    """Collects everything in rendered HTML that could run code or break the page around it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.open_tags = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"<{tag}> is not allowed")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name} on <{tag}>")
            if name in {"style", "srcdoc"}:
                self.problems.append(f"{name} attribute on <{tag}>")
            if name in URL_ATTRIBUTES and value:
                self.check_url(tag, value)
        if tag not in VOID_TAGS:
            self.open_tags.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS and self.open_tags:
            self.open_tags.pop()

    def handle_endtag(self, tag):
        if tag in VOID_TAGS:
            return
        if not self.open_tags or self.open_tags[-1] != tag:
            self.problems.append(f"</{tag}> does not close the open {self.open_tags[-1:]}")
            return
        self.open_tags.pop()

    def check_url(self, tag, value):
        # Browsers ignore control characters and whitespace inside a scheme.
        squeezed = "".join(ch for ch in value if ch > " " and ch != "\x7f").lower()
        scheme, colon, _ = squeezed.partition(":")
        if colon and not any(ch in scheme for ch in "/?#") and scheme not in ALLOWED_URL_SCHEMES:
            self.problems.append(f"{scheme}: URL on <{tag}>")

    def close(self):
        super().close()
        if self.open_tags:
            self.problems.append(f"unclosed {self.open_tags}")


def problems_in(html: str) -> list[str]:
    parser = PageBreakingOutput()
    parser.feed(html)
    parser.close()
    return parser.problems


def test_the_checker_finds_what_it_looks_for():
    """The property below is only as good as this checker, so check the checker."""
    assert problems_in("<script>x</script>")
    assert problems_in('<a href="java\tscript:x">x</a>')
    assert problems_in('<img src="data:image/png;base64,AAAA">')
    assert problems_in('<p onclick="x">x</p>')
    assert problems_in("<p>unclosed")
    assert problems_in("<b><i>x</b></i>")
    assert problems_in("</div>")
    assert not problems_in('<p><a href="https://example.org/x:y">x</a><br><img src="/a.png"></p>')


@hypothesis_settings(max_examples=200)
@given(source=markdown_and_html)
@example(source="".join(HOSTILE_FRAGMENTS))
def test_rendered_articles_never_carry_code_or_break_the_page(source):
    html = render_body(source).html

    assert problems_in(html) == [], html


# ---------------------------------------------------------------------------------------
# Public forms: any text in any field gets a page or a form error, never a 500.
# ---------------------------------------------------------------------------------------

any_text = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=60),
    st.sampled_from(
        [
            "",
            "\x00",
            "a\r\nBcc: victim@example.org",
            "a@example.org, b@example.org",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "%00%0d%0a",
            "李小龍 🦵 Zoë",
            "x" * 10_000,
            "\u202e\ufeff\u200b",
        ]
    ),
)
field_values = st.one_of(any_text, st.lists(any_text, max_size=3))
BOOKING_FIELDS = [
    "name", "email", "phone", "help_with", "contact_method", "preferred_times", "message",
    "consent", "article", "referrer", "utm_source", "utm_medium", "utm_campaign", "form_shown_at",
    "website",
]  # fmt: skip


@pytest.mark.django_db
@hypothesis_settings(max_examples=50)
@given(q=any_text, page=any_text)
def test_search_never_fails_whatever_is_searched_for(client, q, page):
    response = client.get(reverse("articles:search"), {"q": q, "page": page})

    assert response.status_code < 500


@pytest.mark.django_db
@hypothesis_settings(max_examples=50)
@given(data=st.fixed_dictionaries({}, optional=dict.fromkeys(BOOKING_FIELDS, field_values)))
def test_the_booking_form_never_fails_whatever_is_sent(client, form_data, data):
    response = client.post(reverse("bookings:book"), form_data(**data))

    assert response.status_code in {200, 302, 400}


@pytest.mark.django_db
@hypothesis_settings(max_examples=50)
@given(params=st.fixed_dictionaries(
    {}, optional=dict.fromkeys(["article", "utm_source", "utm_medium", "utm_campaign"], any_text)
))  # fmt: skip
def test_the_booking_page_never_fails_whatever_link_led_to_it(client, params):
    response = client.get(reverse("bookings:book"), params)

    assert response.status_code == 200
