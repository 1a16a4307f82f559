"""Every page reflows at 320 px wide (WCAG 2.2 SC 1.4.10), and a failed send moves focus to the
error summary (the GOV.UK pattern) without any script the Content Security Policy refuses.

See docs/architecture.md, "Accessibility".
"""

import re

import pytest
from playwright.sync_api import expect

from tests.articles.factories import ArticleFactory, ReferenceFactory, TopicFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Words and addresses with no place to break: the worst an editor or a reader can type.
LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis"
LONG_URL = (
    "https://www.example.org/research/publications/"
    "lowbackpainandsciaticainover16sassessmentandmanagementfullguidelineappendices"
    "?utm_source=unityphysiotherapyclinicreferencelist&utm_medium=website"
)
BODY = f"""\
## Why {LONG_WORD} matters

Some words are long: {LONG_WORD}{LONG_WORD}. So are addresses: <{LONG_URL}> [1].

> A quotation that runs on: {LONG_WORD}{LONG_WORD}.

| Exercise | Sets | Repetitions | Rest between sets | Weekly sessions | Notes for {LONG_WORD} |
|---|---|---|---|---|---|
| Bridging | 3 | 12 | 60 seconds | 3 | Squeeze the glutes at the top |
| Bird-dog | 3 | 10 each side | 45 seconds | 3 | Keep the back flat |

<figure><img src="/static/img/favicon.svg" alt="The clinic's mark" width="1200" height="800">
<figcaption>A figure with a wide picture and a caption: {LONG_WORD}</figcaption></figure>

    a_line_of_code_with_no_spaces_at_all = "{LONG_URL}"

Inline code: `{LONG_WORD}{LONG_WORD}`.

## What helps

Keep moving gently.

## When to get help

If it does not settle.
"""

# The elements that reach, or whose text reaches, past the right edge of the viewport, each named
# only if its parent stays inside, so that the list says where the overflow starts. Content in a
# scroll container (overflow-x: auto or scroll) that itself fits can be scrolled to and is not
# counted; content clipped by overflow: hidden is, as it is lost to the reader. Visually hidden
# text (1 px, clipped) is left out.
OVERFLOWING_ELEMENTS = """
() => {
  const limit = Math.min(window.innerWidth, document.documentElement.clientWidth) + 0.5;
  const beyond = (element) => {
    const rect = element.getBoundingClientRect();
    return rect.width > 0 && rect.height > 0 && rect.right > limit;
  };
  const scrollsWithin = (element) => {
    for (let a = element.parentElement; a && a !== document.body; a = a.parentElement) {
      const overflow = getComputedStyle(a).overflowX;
      if ((overflow === "auto" || overflow === "scroll") && !beyond(a)) return true;
    }
    return false;
  };
  const visuallyHidden = (element) => {
    for (let a = element; a && a !== document.body; a = a.parentElement) {
      const rect = a.getBoundingClientRect();
      if (getComputedStyle(a).overflowX !== "visible" && rect.width <= 1) return true;
    }
    return false;
  };
  const describe = (element) => {
    const rect = element.getBoundingClientRect();
    let name = element.tagName.toLowerCase();
    if (element.id) name += "#" + element.id;
    for (const cls of element.classList) name += "." + cls;
    const text = (element.innerText || element.value || "").trim().slice(0, 40);
    return `${name} "${text}" (${Math.round(rect.left)} to ${Math.round(rect.right)} px)`;
  };
  // Text that runs out of its box: the box itself may fit, so measure the text.
  const range = document.createRange();
  const textBeyond = (element) => [...element.childNodes].some((node) => {
    if (node.nodeType !== Node.TEXT_NODE || !node.textContent.trim()) return false;
    range.selectNodeContents(node);
    return range.getBoundingClientRect().right > limit;
  });
  return [...document.body.querySelectorAll("*")]
    .filter((element) => beyond(element) || textBeyond(element))
    .filter((element) => !scrollsWithin(element) && !visuallyHidden(element))
    .filter((element, _, all) => !all.includes(element.parentElement))
    .map(describe);
}
"""


@pytest.fixture
def long_article():
    topic = TopicFactory(name="Occupational lung and back health", slug="occupational")
    # Enough for a second page, so the lists show their pagination too; made first, so that
    # the long article is the newest and leads every list.
    ArticleFactory.create_batch(10, topics=[topic])
    article = ArticleFactory(
        title=f"Living with {LONG_WORD}",
        slug="living-with-a-long-word",
        summary=f"Advice on {LONG_WORD}, with a very long reference address.",
        body=BODY,
        topics=[topic],
    )
    ReferenceFactory(article=article, position=1, url=LONG_URL, title=f"{LONG_WORD} guideline")
    return article


@pytest.fixture
def csp_violations():
    """Collects the Content Security Policy violations reported by the pages passed to watch():
    Chromium's console messages and the page's own securitypolicyviolation events."""
    violations = []

    def note_console(message):
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    def note_event(description):
        violations.append(description)

    def watch(page):
        page.on("console", note_console)
        page.expose_function("unityNoteCspViolation", note_event)
        page.add_init_script(
            "document.addEventListener('securitypolicyviolation', (event) =>"
            " window.unityNoteCspViolation(`${event.violatedDirective}: ${event.blockedURI}`));"
        )
        return page

    watch.violations = violations
    return watch


def overflow(page, url) -> str | None:
    """What makes the page wider than the window, or None if nothing does."""
    width = page.evaluate("window.innerWidth")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    overflowing = page.evaluate(OVERFLOWING_ELEMENTS)
    if scroll_width <= width and not overflowing:
        return None
    return f"{url} is {scroll_width} px wide in a {width} px window; past the right edge: " + (
        "; ".join(overflowing) or "nothing named"
    )


def test_every_kind_of_page_reflows_at_320_px(
    narrow_page, article, long_article, serious_accessibility_violations
):
    page = narrow_page
    urls = [
        "/",
        "/articles/",
        article.get_absolute_url(),
        long_article.get_absolute_url(),
        long_article.topics.get().get_absolute_url(),
        f"/articles/search/?q={LONG_WORD}",
        "/book/",
        "/book/thanks/",
        "/privacy/",
        "/no-such-page/",
    ]
    failures = []
    for url in urls:
        page.goto(url)
        failures.append(overflow(page, url))
        failures.extend(f"{url}: {found}" for found in serious_accessibility_violations(page))

    # The booking page after a failed send: the error summary and every field's message.
    page.goto("/book/")
    page.get_by_role("button", name="Request my free consultation").click()
    expect(page.locator("#error-summary")).to_be_visible()
    failures.append(overflow(page, "/book/ after a failed send"))

    failures = [failure for failure in failures if failure]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("start", ["article", "booking page"])
def test_a_failed_send_moves_focus_to_the_error_summary_and_its_links_to_the_fields(
    phone_page, article, start, csp_violations, serious_accessibility_violations, settings
):
    settings.BOOKINGS_MIN_FILL_SECONDS = 0
    page = csp_violations(phone_page)
    # Bootstrap scrolls smoothly otherwise: a label passing through the window on the way would
    # count as shown.
    page.emulate_media(reduced_motion="reduce")
    page.goto(article.get_absolute_url() if start == "article" else "/book/")
    page.get_by_label("Your name").fill("Zoë Ångström")
    page.get_by_label("Email address").fill("not an email address")
    page.get_by_label("What would you like help with?").fill("")
    # A reader cannot untick a radio button, but a browser that restores a form may.
    page.locator("[name=contact_method]").evaluate_all(
        "(radios) => radios.forEach((radio) => { radio.checked = false; })"
    )
    page.locator("#consultation-form").get_by_role(
        "button", name="Request my free consultation"
    ).click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    expect(summary).to_be_in_viewport()

    # A link in the summary focuses its field and shows the field's label above it, or, for a
    # group of radio buttons, the group's question.
    summary.get_by_role("link", name=re.compile("email address like")).click()
    expect(page.get_by_label("Email address")).to_be_focused()
    expect(page.locator("label[for=id_email]")).to_be_in_viewport(ratio=1)
    summary.get_by_role("link", name=re.compile("how we should contact you")).click()
    expect(page.get_by_role("radio", name="Phone")).to_be_focused()
    expect(page.get_by_text("How should we contact you?")).to_be_in_viewport(ratio=1)
    summary.get_by_role("link", name=re.compile("Tick the box")).click()
    expect(page.get_by_role("checkbox", name=re.compile("I agree"))).to_be_focused()
    summary.get_by_role("link", name=re.compile("what you would like help with")).click()
    expect(page.get_by_label("What would you like help with?")).to_be_focused()

    assert serious_accessibility_violations(page) == []
    assert csp_violations.violations == []
