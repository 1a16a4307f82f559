"""Citations link both ways: "[1][2]", "[1, 2]" and "[1–3]" link every number, and each
reference in the list links back to every place the text cites it."""

import re

import pytest

from articles.rendering import render_body
from tests.articles.factories import ArticleFactory, ReferenceFactory


def citations(html: str) -> list[str]:
    """The reference numbers the citation links point to, in the order of the text."""
    return re.findall(r'<a class="citation" href="#ref-(\d+)"', html)


# Citations in the body


def test_citations_written_side_by_side_are_all_linked():
    html = render_body("Rest helps [1][2], and so does time [3][4][5].").html

    assert citations(html) == ["1", "2", "3", "4", "5"]
    assert "[1][2]" not in html


@pytest.mark.parametrize(
    ("source", "numbers"),
    [
        ("Rest helps [1, 2].", ["1", "2"]),
        ("Rest helps [1,3].", ["1", "3"]),
        ("Rest helps [1–3].", ["1", "2", "3"]),
        ("Rest helps [2-4, 7].", ["2", "3", "4", "7"]),
    ],
)
def test_a_list_or_range_of_numbers_in_one_bracket_links_each_reference(source, numbers):
    assert citations(render_body(source).html) == numbers


@pytest.mark.parametrize(
    "source",
    [
        "A backwards range [3–1].",
        "Not a reference [0].",
        "A big number [1,000].",
        "See [the NHS](https://www.nhs.uk) or [NHS][1].\n\n[1]: https://www.nhs.uk",
        "A link [1](https://www.nhs.uk).",
        "A reference-style link [1][nhs].\n\n[nhs]: https://www.nhs.uk",
    ],
)
def test_brackets_that_are_not_citations_are_left_alone(source):
    assert citations(render_body(source).html) == []


def test_each_citation_gets_its_own_id_in_the_order_of_the_text():
    html = render_body("First [1].\n\n- In a list [2][1]\n\n> Quoted [1, 2].\n\nLast [1].\n\n").html

    assert re.findall(r'<sup id="([^"]+)">', html) == [
        "cite-1-1",
        "cite-2-1",
        "cite-1-2",
        "cite-1-3",
        "cite-2-2",
        "cite-1-4",
    ]


@pytest.mark.parametrize("heading", ["Ref 1", "Cite 1 1", "Cite 2 1"])
def test_a_heading_never_takes_an_id_meant_for_a_reference_or_a_citation(heading):
    rendered = render_body(f"## {heading}\n\nBefore [1], then [2].")

    ids = re.findall(r' id="([^"]+)"', rendered.html)
    assert len(ids) == len(set(ids)) == 3
    assert not {"ref-1", "ref-2"} & set(ids)
    assert rendered.headings[0]["id"] == ids[0]


# The references list links back to the text


@pytest.mark.django_db
def test_each_reference_links_back_to_every_place_it_is_cited(client):
    article = ArticleFactory(body="## Why\n\nFirst [1]. Then [2]. Again [1][3].")
    for position in (1, 2, 3, 4):
        ReferenceFactory(article=article, position=position)

    html = client.get(article.get_absolute_url()).text

    assert (
        '<a href="#cite-1-1" aria-label="Back to citation 1a in the text">a</a> '
        '<a href="#cite-1-2" aria-label="Back to citation 1b in the text">b</a>'
    ) in html
    assert '<a href="#cite-2-1" aria-label="Back to citation 2 in the text">^</a>' in html
    assert '<a href="#cite-3-1" aria-label="Back to citation 3 in the text">^</a>' in html
    assert "#cite-4-" not in html
    for target in re.findall(r'href="#(cite-[^"]+)"', html):
        assert html.count(f'id="{target}"') == 1
