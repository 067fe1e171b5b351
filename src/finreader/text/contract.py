"""Provides the JSON object of the `finreader clean --json` contract (issue 3), exactly.

Other tools parse this line by line, so the keys are always all present, in this order, and the
span lists are split by kind: tickers, companies, figures (links are not part of the contract).
"""

from __future__ import annotations

from finreader.models import COMPANY, FIGURE, TICKER, ProcessedArticle


def to_contract(article: ProcessedArticle, *, file: str, title: str | None) -> dict[str, object]:
    """The contract object for one processed FILE; title is the one given (--title), else
    the one the cleaner found at the top of the text."""
    text = article.text
    tickers: list[dict[str, object]] = []
    companies: list[dict[str, object]] = []
    figures: list[dict[str, object]] = []
    for span in article.spans:
        surface = text[span.start : span.end]
        if span.kind == TICKER:
            tickers.append(
                {"symbol": span.value, "text": surface, "start": span.start, "end": span.end}
            )
        elif span.kind == COMPANY:
            companies.append(
                {"name": surface, "symbol": span.value, "start": span.start, "end": span.end}
            )
        elif span.kind == FIGURE:
            figures.append(
                {
                    "text": surface,
                    "start": span.start,
                    "end": span.end,
                    "direction": span.direction,
                }
            )
    return {
        "file": file,
        "title": title if title is not None else article.title,
        "source": article.source,
        "author": article.author,
        "text": text,
        "tickers": tickers,
        "companies": companies,
        "figures": figures,
        "removed": [{"rule": r.rule, "text": r.text} for r in article.removed],
    }
