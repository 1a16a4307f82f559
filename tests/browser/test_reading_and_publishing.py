import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article
from tests.articles.factories import ArticleFactory, ClinicianFactory, ReferenceFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def published_article(topic):
    article = ArticleFactory(
        title="Running with a sore back",
        body="## Why it hurts\n\nThe joints get cross [1].\n\n## What helps\n\nStrength.",
        topics=[topic],
        last_reviewed=timezone.localdate(),
        reviewed_by=ClinicianFactory(name="Rev Iewer"),
    )
    ReferenceFactory(article=article, position=1)
    return article


def test_reader_on_a_phone_goes_from_home_to_an_article_and_reads_it(phone_page, published_article):
    page = phone_page
    page.goto("/")
    page.get_by_role("link", name=published_article.title).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(published_article.title)
    expect(page.get_by_text("1 min read")).to_be_visible()
    page.get_by_role("link", name="[1]").click()
    expect(page.locator("#ref-1")).to_be_in_viewport()
    expect(page.locator("#ref-1")).to_contain_text("[Accessed 21 October 2024]")
    expect(page.get_by_text("Page last reviewed:")).to_be_visible()
    expect(page.get_by_role("heading", name="Book a free consultation")).to_be_visible()
    # Nothing is wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_staff_write_schedule_preview_and_publish_an_article(
    browser, desktop_page, live_server, admin_user, topic, watch_csp
):
    ClinicianFactory(name="Alex Author")
    page = desktop_page
    csp_violations = watch_csp(page)
    page.goto("/admin/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("password")
    page.get_by_role("button", name="Log in").click()

    page.goto("/admin/articles/article/add/")
    page.locator("#id_title").press_sequentially("Calf strain recovery")
    expect(page.locator("#id_slug")).to_have_value("calf-strain-recovery")
    page.locator("#id_summary").fill("Getting back to running after a calf strain.")
    page.locator("#id_body").fill("## First days\n\nWalk gently [1], then load [2].")
    page.locator("#id_author").select_option(label="Alex Author, MCSP")
    page.locator("#id_status").select_option("published")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page.locator("#id_published_at_0").fill(tomorrow.isoformat())
    page.locator("#id_published_at_1").fill("09:00:00")
    for index, source in enumerate(["NHS", "Bupa UK"]):
        page.get_by_role("button", name="Add another Reference").click()
        page.locator(f"#id_references-{index}-position").fill(str(index + 1))
        page.locator(f"#id_references-{index}-author").fill(source)
        page.locator(f"#id_references-{index}-year").fill("2024")
        page.locator(f"#id_references-{index}-title").fill(f"{source} guide to calves")
        page.locator(f"#id_references-{index}-url").fill(f"https://example.org/{index}")
        page.locator(f"#id_references-{index}-accessed").fill("2024-10-21")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    # Staff preview the scheduled article at its real address; the public get a 404.
    page.goto("/articles/calf-strain-recovery/")
    expect(page.get_by_role("status")).to_contain_text("This article is scheduled")
    expect(page.locator("#ref-2")).to_contain_text("Bupa UK, 2024. Bupa UK guide to calves.")
    public = browser.new_context(base_url=live_server.url).new_page()
    assert public.goto("/articles/calf-strain-recovery/").status == 404

    # Publish now: the article appears on the site for everyone.
    page.goto("/admin/articles/article/")
    page.get_by_role("link", name="Calf strain recovery").click()
    page.locator("#id_published_at_0").fill(timezone.localdate().isoformat())
    page.locator("#id_published_at_1").fill("00:00:00")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    public.goto("/articles/")
    public.get_by_role("link", name="Calf strain recovery").click()
    expect(public.get_by_role("heading", level=1)).to_have_text("Calf strain recovery")
    assert Article.objects.get(slug="calf-strain-recovery").references.count() == 2
    assert csp_violations == []
    public.context.close()


def test_reader_pages_have_no_serious_accessibility_violations(
    phone_page, published_article, topic, serious_accessibility_violations
):
    for url in ["/", "/articles/", topic.get_absolute_url(), published_article.get_absolute_url()]:
        phone_page.goto(url)
        assert serious_accessibility_violations(phone_page) == [], url
