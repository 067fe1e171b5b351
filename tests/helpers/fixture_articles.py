"""The harness the cleaning generalisation rounds share (tests/text/test_generalisation_round*.py).

Each round writes articles in publishers' styles into tests/text/fixtures/roundN/ and states,
per file, the boilerplate that must go, the article text that must stay, and the source, author
and title to lift (a `Case`). `fixture_tests` makes the three per-fixture tests of a round;
`between` puts one line between two paragraphs of article text, so that a rule is checked
without a tail cut hiding it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from finreader.models import ProcessedArticle
from finreader.text.process import process

BODY_EN = (
    "Widget Corp said on Tuesday that quarterly revenue rose 12% to $4.2 billion, helped by "
    "strong demand for its industrial sensors in Europe and Asia."
)
BODY_EN2 = (
    "The company raised its full-year outlook and said it would buy back up to $1 billion of "
    "stock over the next two years, sending its shares higher in early trading."
)
BODY_ZH = "某某科技周二公布，第三季度营收同比增长12%至42亿元，主要受益于海外市场的订单增长。"
BODY_ZH2 = "公司同时上调了全年业绩指引，并表示将在未来两年内回购不超过10亿元的股份。"


@dataclass(frozen=True)
class Case:
    drop: tuple[str, ...]
    keep: tuple[str, ...]
    source: str | None = None
    author: str | None = None
    title: str | None = None


def process_fixture(fixtures: Path, name: str) -> ProcessedArticle:
    path = fixtures / name
    return process(path.read_text(encoding="utf-8"), is_html=path.suffix == ".html")


def between(line: str) -> tuple[ProcessedArticle, str]:
    """`line` alone between two paragraphs (Chinese ones for a line with Chinese in it): the
    processed article, and the text it must come out as when the line goes."""
    chinese = any("\u4e00" <= ch <= "\u9fff" for ch in line)
    body = (BODY_ZH, BODY_ZH2) if chinese else (BODY_EN, BODY_EN2)
    art = process("\n\n".join([body[0], line, body[1]]), is_html=False)
    return art, f"{body[0]}\n\n{body[1]}"


def fixture_tests(fixtures: Path, cases: Mapping[str, Case]) -> tuple[Callable[..., None], ...]:
    """A round's per-fixture tests, bound at module level by the caller so pytest collects them:
    every file has a case; per file, boilerplate gone and article kept; source, author and
    title; cleaning the result again changes nothing."""

    def test_every_fixture_has_a_case() -> None:
        assert sorted(p.name for p in fixtures.iterdir()) == sorted(cases)

    @pytest.mark.parametrize("name", sorted(cases))
    def test_fixture_boilerplate_goes_and_article_stays(name: str) -> None:
        case = cases[name]
        art = process_fixture(fixtures, name)
        assert art.fallback_reason is None
        for text in case.drop:
            assert text not in art.text, f"{name}: boilerplate kept: {text!r}"
        for text in case.keep:
            assert text in art.text, f"{name}: article text lost: {text!r}"

    @pytest.mark.parametrize("name", sorted(cases))
    def test_fixture_metadata(name: str) -> None:
        case = cases[name]
        art = process_fixture(fixtures, name)
        assert (art.source, art.author, art.title) == (case.source, case.author, case.title)

    @pytest.mark.parametrize("name", sorted(cases))
    def test_fixture_cleaning_is_idempotent(name: str) -> None:
        once = process_fixture(fixtures, name).text
        assert process(once, is_html=False).text == once

    return (
        test_every_fixture_has_a_case,
        test_fixture_boilerplate_goes_and_article_stays,
        test_fixture_metadata,
        test_fixture_cleaning_is_idempotent,
    )
