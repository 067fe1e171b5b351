"""Provides the one call that turns a raw feed item into a ProcessedArticle: clean, then annotate.

raw (HTML fragment or plain text) → blocks (html.py / plain.py) → rules (clean.py) → text with
blocks joined by one blank line → link spans + tickers.find_tickers + figures.find_figures, all
as offsets into that text. The annotators only ever see the cleaned text, so symbols in removed
boilerplate never count.
"""

from __future__ import annotations

from operator import attrgetter

from finreader.models import LINK, Block, ProcessedArticle, Span
from finreader.text import figures, tickers
from finreader.text.blocks import Piece
from finreader.text.clean import clean
from finreader.text.fastmodels import make_block, make_span
from finreader.text.html import html_to_pieces, looks_like_html
from finreader.text.plain import text_to_pieces
from finreader.text.rules import RULES_VERSION, RuleError, RuleSet, compile_rules
from finreader.text.sanitize import for_storage

__all__ = ["RULES_VERSION", "RuleError", "RuleSet", "compile_rules", "process"]

# Longest input handled, in characters: a feed item is a few KB, a full page a few hundred;
# beyond this is a hostile or broken item, and its head is what a reader would see anyway.
MAX_INPUT = 2_000_000
_SEP = "\n\n"
# Spans in text order, (start, end): two stable sorts on one int each rather than one on a
# (start, end) tuple; list.sort compares int keys directly but tuples element by element, and
# builds a tuple per span (~2x the cost at 60-80 spans an item). C-level keys: a lambda per
# span cost ~0.5 µs each.
_SPAN_START = attrgetter("start")
_SPAN_END = attrgetter("end")


def _assemble(pieces: list[Piece]) -> tuple[str, list[Block], list[Span]]:
    parts: list[str] = []
    blocks: list[Block] = []
    links: list[Span] = []
    pos = 0
    for piece in pieces:
        if parts:
            parts.append(_SEP)
            pos += len(_SEP)
        parts.append(piece.text)
        end = pos + len(piece.text)
        blocks.append(make_block(piece.kind, pos, end))
        for start, stop, url in piece.links:
            if 0 <= start < stop <= len(piece.text):
                links.append(make_span(pos + start, pos + stop, LINK, url))
        pos = end
    return "".join(parts), blocks, links


def process(
    raw: str,
    *,
    is_html: bool | None = None,
    title: str | None = None,
    base_url: str | None = None,
    rules: RuleSet | None = None,
) -> ProcessedArticle:
    """Clean and annotate one raw item. is_html None sniffs for tags."""
    ruleset = rules if rules is not None else compile_rules()
    raw = for_storage(raw or "")[:MAX_INPUT]
    if is_html is None:
        is_html = looks_like_html(raw)
    pieces = html_to_pieces(raw, base_url) if is_html else text_to_pieces(raw, base_url)
    if title is not None:
        title = " ".join(for_storage(title).split()) or None
    result = clean(pieces, ruleset, title)
    text, blocks, spans = _assemble(result.pieces)
    if text:
        spans.extend(tickers.find_tickers(text))
        spans.extend(figures.find_figures(text))
        spans.sort(key=_SPAN_END)
        spans.sort(key=_SPAN_START)
    return ProcessedArticle(
        text=text,
        blocks=blocks,
        spans=spans,
        removed=result.removed,
        source=result.source,
        author=result.author,
        rules_version=ruleset.version,
        fallback_reason=result.fallback_reason,
        title=result.title,
    )
