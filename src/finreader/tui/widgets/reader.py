"""Provides Reader: the article pane (header with source, time, link and tickers, then the body).

The body is the stored clean text painted by `finreader.render.render_article`, which returns
rich Text; nothing here parses markup, so feed text cannot inject styles or click actions
(HOSTILE.md O5). Headers go through `sanitize.one_line`; render.py scrubs the body.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from finreader.models import Article
from finreader.render import render_article, render_header, render_title
from finreader.text.sanitize import one_line
from finreader.tui.format import local_time, safe_link
from finreader.tui.wrap import CJKWrapped

EMPTY_HINT = "Pick an article and press enter to read it here."
# 40,000 characters is 10x a long news article and wraps in ~0.2 s; the 2,000-character title cap
# keeps a 200,000-character one-word title (HOSTILE.md A15) from doing the same in the header.
BODY_CAP = 40_000
TITLE_CAP = 2_000


def render_body(article: Article, *, theme: str, colors: str, show_removed: bool) -> Text:
    """The clean body with tickers, companies, figures (coloured by direction) and links
    styled by render.render_article; the title and tickers line are in the header instead.

    Bodies longer than BODY_CAP characters are cut with a note: wrapping a 300 KB single-line
    description (HOSTILE.md A15) takes ~2.5 s here, during which the app cannot repaint."""
    body = render_article(
        article.processed,
        title=None,
        theme=theme,
        colors=colors,
        show_removed=show_removed,
        header=False,
    )
    if len(body) <= BODY_CAP:
        return body
    cut = body[:BODY_CAP]
    cut.append(
        f"\n\n… shortened here: {len(body):,} characters in all, {BODY_CAP:,} shown. "
        "Press o to read the original page.",
        "italic",
    )
    return cut


def header_text(
    article: Article,
    *,
    theme: str = "dark",
    colors: str = "default",
    styles: dict[str, Style] | None = None,
) -> Text:
    """Title, source/author, local published time, link and tickers, each as plain text.

    `styles` ("byline", "time", "link", "note") come from the Reader's component classes."""
    styles = styles or {}
    head = Text(end="")
    head.append_text(render_title(article.title[:TITLE_CAP], theme=theme))
    head.append("\n")
    source = one_line(article.processed.source or article.feed_title or "")
    author = one_line(article.author or article.processed.author or "")
    byline = " · ".join(dict.fromkeys(part for part in (source, author) if part))
    if byline:
        head.append(byline, styles.get("byline", ""))
        head.append("\n")
    head.append(local_time(article.published), styles.get("time", ""))
    link = safe_link(article.link)
    if link:
        head.append("\n")
        head.append(link, styles.get("link", ""))
    elif article.link:
        head.append("\n")
        head.append(
            "(link not http/https: " + one_line(article.link)[:120] + ")", styles.get("note", "")
        )
    tickers = render_header(article.processed, theme=theme, colors=colors)
    if tickers.plain:
        head.append("\n")
        head.append_text(tickers)
    if article.summary_only:
        head.append("\n")
        head.append("Summary only: press f to fetch the full article.", styles.get("note", ""))
    return head


class Reader(VerticalScroll, can_focus=True):
    """Shows one Article; `show(article)` paints it, `toggle_removed()` flips the removed view."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "reader--byline",
        "reader--time",
        "reader--link",
        "reader--note",
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.article: Article | None = None
        self.show_removed = False
        self.theme_name = "dark"
        self.color_convention = "default"
        self._header = Text(EMPTY_HINT)
        self._body = Text("")

    def compose(self) -> ComposeResult:
        yield Static(Text(EMPTY_HINT), id="reader-header", markup=False)
        yield Static(Text(""), id="reader-body", markup=False)

    def show(self, article: Article | None) -> None:
        """Paint `article` (or the empty hint) and scroll to its top."""
        self.article = article
        self.repaint()
        self.scroll_home(animate=False)

    def repaint(self) -> None:
        header = self.query_one("#reader-header", Static)
        body = self.query_one("#reader-body", Static)
        if self.article is None:
            self._header = Text(EMPTY_HINT)
            self._body = Text("")
            header.update(self._header)
            body.update(self._body)
            return
        self._header = header_text(
            self.article,
            theme=self.theme_name,
            colors=self.color_convention,
            styles={
                name: self.get_component_rich_style(f"reader--{name}")
                for name in ("byline", "time", "link", "note")
            },
        )
        self._body = render_body(
            self.article,
            theme=self.theme_name,
            colors=self.color_convention,
            show_removed=self.show_removed,
        )
        # Wrapped with CJK line breaks: Textual's own breaks only at spaces, which splits
        # "308.73亿" across lines and strands "据The" above a paragraph of Chinese.
        header.update(CJKWrapped.from_text(self._header))
        body.update(CJKWrapped.from_text(self._body))

    def toggle_removed(self) -> bool:
        self.show_removed = not self.show_removed
        self.repaint()
        return self.show_removed

    @property
    def body_text(self) -> str:
        """The plain text currently shown in the body (for tests and the copy command)."""
        return self._body.plain

    @property
    def header_plain(self) -> str:
        return self._header.plain
