"""Provides the renderer: a processed article becomes a rich.text.Text with the theme's styles.

The one place where styles are chosen (the core stores spans, never markup). Every string from a
feed is untrusted, so Text is built only by appending plain strings with Style objects: no
Text.from_markup, no markup strings with feed text in them, and every piece passes through
sanitize.for_terminal (one-line fields through sanitize.one_line). Links become real terminal
hyperlinks (Style(link=...)) only for http/https URLs without controls or spaces. The same
renderer serves the TUI reader pane and `finreader clean` without --json. Imports rich, never
textual.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import pairwise
from urllib.parse import urlsplit

from rich.style import Style
from rich.text import Text

from finreader.models import COMPANY, FIGURE, LINK, TICKER, Block, ProcessedArticle, Span
from finreader.text.sanitize import for_terminal, one_line

# At most this much of one removed passage is shown with show_removed (a whole disclaimer can be
# kilobytes; the reader wants to see what went, not read it again).
_REMOVED_PREVIEW = 240


@dataclass(frozen=True, slots=True)
class Theme:
    """Named styles (Rich style strings). `colors` records which rise/fall convention the
    figure_up/figure_down pair follows: "default" (green up, red down) or "cn" (red up)."""

    name: str
    ticker: str
    company: str
    figure: str
    figure_up: str
    figure_down: str
    link: str
    heading: str
    quote: str
    bullet: str
    pre: str
    row: str
    removed: str
    removed_rule: str
    header: str
    title: str
    note: str
    colors: str = "default"

    def with_colors(self, colors: str) -> Theme:
        """This theme under a rise/fall convention: "cn" swaps up and down (red for rises,
        as Chinese markets show them); anything else is the default (green for rises)."""
        want = "cn" if colors == "cn" else "default"
        if want == self.colors:
            return self
        return replace(self, figure_up=self.figure_down, figure_down=self.figure_up, colors=want)


# Colours from the xterm 256-colour cube, matching the TUI themes (tui/themes.py).
DARK = Theme(
    name="dark",
    ticker="bold #5fafd7",
    company="#87d7ff",
    figure="bold #d7af5f",
    figure_up="bold #5faf5f",
    figure_down="bold #d75f5f",
    link="underline #5fafd7",
    heading="bold #ffffff",
    quote="italic #a8a8a8",
    bullet="#ffaf00",
    pre="#bcbcbc",
    row="#d0d0d0",
    removed="strike #767676",
    removed_rule="italic #87afaf",
    header="#87afaf",
    title="bold #ffffff",
    note="italic #767676",
)

LIGHT = Theme(
    name="light",
    ticker="bold #005f87",
    company="#005f5f",
    figure="bold #875f00",
    figure_up="bold #008700",
    figure_down="bold #af0000",
    link="underline #005f87",
    heading="bold #000000",
    quote="italic #585858",
    bullet="#af5f00",
    pre="#303030",
    row="#1c1c1c",
    removed="strike #8a8a8a",
    removed_rule="italic #5f8787",
    header="#5f8787",
    title="bold #000000",
    note="italic #808080",
)

THEMES = {"dark": DARK, "light": LIGHT}


def theme_for(name: str | Theme | None = "dark", colors: str = "default") -> Theme:
    """A theme by name ("dark", "light") or as given, under the colour convention."""
    if isinstance(name, Theme):
        return name.with_colors(colors) if colors != name.colors else name
    return THEMES.get(name or "dark", DARK).with_colors(colors)


@lru_cache(maxsize=8)
def _styles(theme: Theme) -> dict[str, Style]:
    """Parsed styles per theme (Style.parse costs ~10 µs; a theme has ~16)."""
    return {
        field: Style.parse(getattr(theme, field))
        for field in (
            "ticker",
            "company",
            "figure",
            "figure_up",
            "figure_down",
            "link",
            "heading",
            "quote",
            "bullet",
            "pre",
            "row",
            "removed",
            "removed_rule",
            "header",
            "title",
            "note",
        )
    }


def safe_url(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) URL with no whitespace or control characters
    (an ESC or BEL inside a hyperlink could end the terminal's OSC 8 sequence), else None."""
    if not url or len(url) > 2048:
        return None
    if any(ch <= " " or "\x7f" <= ch <= "\x9f" for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def render_title(title: str | None, *, theme: Theme | str | None = None) -> Text:
    """One line: the title, sanitised to a single line."""
    styles = _styles(theme_for(theme))
    return Text(one_line(title or "") or "(untitled)", style=styles["title"], end="")


def render_header(
    article: ProcessedArticle, *, theme: Theme | str | None = None, colors: str = "default"
) -> Text:
    """The header line listing the article's tickers (by symbol or by company name), each in
    the ticker style; empty Text when there are none."""
    styles = _styles(theme_for(theme, colors))
    header = Text(end="")
    symbols = article.tickers
    if not symbols:
        return header
    header.append("Tickers: ", styles["header"])
    for i, symbol in enumerate(symbols):
        if i:
            header.append("  ")
        header.append(one_line(symbol), styles["ticker"])
    return header


def _blocks(article: ProcessedArticle) -> list[Block]:
    """The article's blocks, or paragraphs split on blank lines when it has none."""
    text = article.text
    valid = [b for b in article.blocks if 0 <= b.start <= b.end <= len(text)]
    if valid:
        return sorted(valid, key=lambda b: b.start)
    blocks: list[Block] = []
    pos = 0
    for part in text.split("\n\n"):
        start, end = pos, pos + len(part)
        pos = end + 2
        if part.strip():
            blocks.append(Block("p", start, end))
    return blocks


def _span_style(span: Span, styles: dict[str, Style]) -> Style | None:
    if span.kind == TICKER:
        return styles["ticker"]
    if span.kind == COMPANY:
        return styles["company"]
    if span.kind == FIGURE:
        if span.direction == "up":
            return styles["figure_up"]
        if span.direction == "down":
            return styles["figure_down"]
        return styles["figure"]
    if span.kind == LINK:
        url = safe_url(span.value)
        if url is None:
            return None
        return styles["link"] + Style(link=url)
    return None


# Later kinds paint over earlier ones where spans overlap (a figure inside a link keeps the
# link and gets the figure's colour).
_LAYER = {LINK: 0, COMPANY: 1, TICKER: 2, FIGURE: 3}
_BLOCK_STYLE = {"h": "heading", "quote": "quote", "pre": "pre", "row": "row"}


def _append_block(
    out: Text,
    text: str,
    block: Block,
    spans: list[Span],
    starts: list[int],
    styles: dict[str, Style],
) -> None:
    """Append one block: cut at every span edge, sanitise each piece, style it with the block's
    style plus every span covering it."""
    base = styles[_BLOCK_STYLE[block.kind]] if block.kind in _BLOCK_STYLE else None
    if block.kind == "li":
        out.append("• ", styles["bullet"])
    elif block.kind == "quote":
        out.append("▌ ", styles["quote"])
    # spans are sorted by start: take those starting before the block ends, walking back only
    # over spans that still reach into it (a scan of every span per block was blocks x spans)
    hi = bisect_left(starts, block.end)
    lo = bisect_left(starts, block.start)
    while lo > 0 and spans[lo - 1].end > block.start and block.start - spans[lo - 1].start < 4096:
        lo -= 1
    inside = [s for s in spans[lo:hi] if s.end > block.start]
    if not inside:
        out.append(for_terminal(text[block.start : block.end]), base)
        return
    inside.sort(key=lambda s: _LAYER.get(s.kind, 0))
    cuts = {block.start, block.end}
    for s in inside:
        cuts.add(max(s.start, block.start))
        cuts.add(min(s.end, block.end))
    edges = sorted(cuts)
    for lo, hi in pairwise(edges):
        if lo >= hi:
            continue
        style = base
        for s in inside:
            if s.start <= lo and s.end >= hi:
                extra = _span_style(s, styles)
                if extra is not None:
                    style = extra if style is None else style + extra
        out.append(for_terminal(text[lo:hi]), style)


def render_article(
    article: ProcessedArticle,
    *,
    title: str | None = None,
    theme: Theme | str | None = None,
    colors: str = "default",
    show_removed: bool = False,
    header: bool = True,
) -> Text:
    """The article as rich Text: optional title, the tickers header line, the body block by
    block with tickers, company names, figures (coloured by direction) and links styled, and
    optionally what the cleaner removed and why. `theme` is a Theme or a name ("dark",
    "light"); `colors="cn"` shows rises in red and falls in green."""
    chosen = theme_for(theme, colors)
    styles = _styles(chosen)
    out = Text(end="")
    if title:
        out.append(one_line(title), styles["title"])
        out.append("\n")
    if header:
        line = render_header(article, theme=chosen, colors=chosen.colors)
        if line.plain:
            out.append_text(line)
            out.append("\n")
    if title or (header and article.tickers):
        out.append("\n")
    if article.fallback_reason:
        out.append(f"(kept as received: {one_line(article.fallback_reason)})", styles["note"])
        out.append("\n\n")
    text = article.text
    spans = sorted(article.spans, key=lambda s: s.start)
    starts = [s.start for s in spans]
    for i, block in enumerate(_blocks(article)):
        if i:
            out.append("\n\n")
        _append_block(out, text, block, spans, starts, styles)
    if show_removed and article.removed:
        out.append("\n\n")
        out.append(f"Removed by the cleaner ({len(article.removed)}):", styles["removed_rule"])
        for removal in article.removed:
            out.append("\n")
            out.append(f"[{one_line(removal.rule)}] ", styles["removed_rule"])
            passage = one_line(removal.text)
            if len(passage) > _REMOVED_PREVIEW:
                passage = passage[: _REMOVED_PREVIEW - 1] + "…"
            out.append(passage, styles["removed"])
    return out
