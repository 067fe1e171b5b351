"""finreader.render: styles per span kind, the ticker header, colour conventions, and the
security rules (feed text is never markup, controls never reach the terminal, only http(s)
links become hyperlinks)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

from rich.console import Console
from rich.style import Style
from rich.text import Text

from finreader.models import COMPANY, FIGURE, LINK, TICKER, Block, ProcessedArticle, Removal, Span
from finreader.render import (
    DARK,
    LIGHT,
    render_article,
    render_header,
    render_title,
    safe_url,
    theme_for,
)
from finreader.text.process import process


def style_at(text: Text, index: int) -> Style:
    """The combined style of one character of rendered Text."""
    style = Style.parse(str(text.style)) if text.style else Style()
    for span in text.spans:
        if span.start <= index < span.end:
            extra = span.style if isinstance(span.style, Style) else Style.parse(span.style)
            style = style + extra
    return style


def article(text: str, spans: list[Span], blocks: list[Block] | None = None) -> ProcessedArticle:
    return ProcessedArticle(text=text, blocks=blocks or [Block("p", 0, len(text))], spans=spans)


def test_spans_are_styled_by_kind_and_direction() -> None:
    body = "NVDA.US rose 5% after Nvidia beat; AMD fell 2%."
    spans = [
        Span(0, 7, TICKER, "NVDA.US"),
        Span(13, 15, FIGURE, None, "up"),
        Span(22, 28, COMPANY, "NVDA.US"),
        Span(44, 46, FIGURE, None, "down"),
    ]
    out = render_article(article(body, spans), header=False)
    assert out.plain == body
    assert style_at(out, 0) == Style.parse(DARK.ticker)
    assert style_at(out, 13).color == Style.parse(DARK.figure_up).color
    assert style_at(out, 22) == Style.parse(DARK.company)
    assert style_at(out, 44).color == Style.parse(DARK.figure_down).color
    assert style_at(out, 9) == Style()  # plain words stay plain


def test_cn_colours_swap_rise_and_fall() -> None:
    body = "涨5% 跌3%"
    spans = [Span(1, 3, FIGURE, None, "up"), Span(5, 7, FIGURE, None, "down")]
    default = render_article(article(body, spans), header=False)
    cn = render_article(article(body, spans), header=False, colors="cn")
    assert style_at(cn, 1).color == style_at(default, 5).color
    assert style_at(cn, 5).color == style_at(default, 1).color
    assert style_at(cn, 1).color != style_at(default, 1).color
    assert theme_for("dark", "cn").figure_up == DARK.figure_down


def test_light_theme_and_names() -> None:
    body = "NVDA.US"
    out = render_article(
        article(body, [Span(0, 7, TICKER, "NVDA.US")]), theme="light", header=False
    )
    assert style_at(out, 0) == Style.parse(LIGHT.ticker)
    assert theme_for(LIGHT) is LIGHT
    assert theme_for("no-such-theme") is DARK


def test_header_lists_tickers_and_title_is_one_line() -> None:
    body = "腾讯控股(00700)升2%,Apple rose."
    spans = [
        Span(0, 4, COMPANY, "0700.HK"),
        Span(5, 10, TICKER, "0700.HK"),
        Span(16, 21, COMPANY, "AAPL.US"),
    ]
    out = render_article(article(body, spans), title="Big\nnews\x1b[31m today")
    lines = out.plain.split("\n")
    assert lines[0] == "Big news [31m today"  # ESC became a space, nothing else
    assert lines[1] == "Tickers: 0700.HK  AAPL.US"
    assert lines[3] == body
    assert render_header(article("plain", [])).plain == ""
    assert render_title(None).plain == "(untitled)"


def test_feed_text_is_never_markup_and_controls_are_stripped() -> None:
    body = "[bold red]not markup[/] \x1b]52;c;ZXZpbA==\x07 and \u202ereversed\u202c :smile:"
    out = render_article(article(body, []), header=False)
    assert "[bold red]not markup[/]" in out.plain
    assert "\x1b" not in out.plain and "\x07" not in out.plain and "\u202e" not in out.plain
    assert ":smile:" in out.plain
    assert out.spans == []  # nothing in the text turned into a style


def test_only_http_links_become_hyperlinks() -> None:
    body = "good bad worse"
    spans = [
        Span(0, 4, LINK, "https://example.com/a?b=1"),
        Span(5, 8, LINK, "javascript:alert(1)"),
        Span(9, 14, LINK, "https://example.com/\x1b]8;;evil\x07"),
    ]
    out = render_article(article(body, spans), header=False)
    assert style_at(out, 0).link == "https://example.com/a?b=1"
    assert style_at(out, 5).link is None
    assert style_at(out, 9).link is None
    assert safe_url("http://x.org") == "http://x.org"
    assert safe_url("https://exa mple.com") is None
    assert safe_url("file:///etc/passwd") is None
    assert safe_url(None) is None


def test_spans_out_of_order_overlapping_or_out_of_bounds() -> None:
    body = "see $30.8 billion here"
    spans = [
        Span(4, 17, FIGURE, None, None),
        Span(0, 22, LINK, "https://example.com"),
        Span(50, 60, TICKER, "X.US"),  # stale span past the end: ignored
    ]
    out = render_article(article(body, spans), header=False)
    assert out.plain == body
    assert style_at(out, 5).link == "https://example.com"
    assert style_at(out, 5).color == Style.parse(DARK.figure).color


def test_blocks_get_their_own_look() -> None:
    text = "Heading\n\nitem one\n\nquoted words\n\nbody"
    blocks = [Block("h", 0, 7), Block("li", 9, 17), Block("quote", 19, 31), Block("p", 33, 37)]
    out = render_article(ProcessedArticle(text=text, blocks=blocks), header=False)
    assert out.plain == "Heading\n\n• item one\n\n▌ quoted words\n\nbody"
    assert style_at(out, 0).bold
    assert style_at(out, out.plain.index("quoted")).italic


def test_without_blocks_paragraphs_come_from_blank_lines() -> None:
    text = "one\n\ntwo"
    out = render_article(ProcessedArticle(text=text), header=False)
    assert out.plain == "one\n\ntwo"


def test_show_removed_lists_rule_and_a_preview() -> None:
    processed = ProcessedArticle(
        text="body",
        removed=[
            Removal("disclaimer-zh", "免责声明:" + "仅供参考。" * 100),
            Removal("x", "\x1b[2Jgone"),
        ],
    )
    hidden = render_article(processed, header=False)
    assert "免责声明" not in hidden.plain
    shown = render_article(processed, header=False, show_removed=True)
    assert "[disclaimer-zh] 免责声明:" in shown.plain
    assert "…" in shown.plain and len(shown.plain) < 400
    assert "\x1b" not in shown.plain


def test_fallback_reason_is_shown() -> None:
    processed = ProcessedArticle(text="all of it", fallback_reason="rules would remove everything")
    assert "(kept as received: rules would remove everything)" in render_article(processed).plain


def test_seed_renders_with_hyperlink_free_plain_text_and_header(shared: Path) -> None:
    raw = next((shared / "seed").glob("*.txt")).read_text(encoding="utf-8")
    processed = process(raw)
    out = render_article(processed, title="Meta百亿合约引猜想")
    assert out.plain.splitlines()[1] == (
        "Tickers: AMZN.US  GOOG.US  META.US  MSFT.US  NVDA.US  TSLA.US"
    )
    console = Console(width=100, record=True, color_system="truecolor", file=io.StringIO())
    console.print(out)
    ansi = console.export_text(styles=True)
    assert "\x1b[" in ansi  # it is coloured
    idx = out.plain.index("17.47%")
    assert style_at(out, idx).color == Style.parse(DARK.figure_up).color


def test_render_does_not_import_textual() -> None:
    import subprocess

    code = "import finreader.render, sys; print('textual' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "False"


HOSTILE_FILES = (
    "escape-injection.xml",
    "escape-charrefs.xml",
    "markup-injection.xml",
    "c1-controls.xml",
    "nul-bytes.xml",
    "javascript-links.xml",
)


def test_hostile_feeds_render_without_terminal_controls(shared: Path) -> None:
    """HOSTILE.md A1-A8, A14: every item of the hostile feeds, processed and rendered through a
    real terminal Console, emits no control sequence of its own; the only OSC sequences in the
    output are Rich's OSC 8 hyperlinks, to http(s) URLs."""
    import re

    from finreader.feeds.parse import parse_feed

    unsafe = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
    checked = 0
    for name in HOSTILE_FILES:
        path = shared / "corpus" / "hostile" / name
        if not path.is_file():
            continue
        feed = parse_feed(path.read_bytes(), url=f"https://example.com/{name}")
        for entry in feed.entries:
            processed = process(entry.content or entry.title, is_html=entry.content_is_html)
            for theme in ("dark", "light"):
                out = render_article(processed, title=entry.title, theme=theme, show_removed=True)
                assert not unsafe.search(out.plain), (name, entry.title)
                buffer = io.StringIO()
                Console(file=buffer, force_terminal=True, color_system="truecolor", width=80).print(
                    out
                )
                raw = buffer.getvalue()
                for osc in re.findall(r"\x1b\](.{0,12})", raw):
                    assert osc.startswith(("8;", "8;id=")), (name, osc)
                for url in re.findall(r"\x1b\]8;[^;]*;([^\x1b]*)\x1b", raw):
                    assert url == "" or url.startswith(("http://", "https://")), (name, url)
            checked += 1
    assert checked >= 10
    # markup-looking feed text stays literal
    literal = render_article(process("Apple [AAPL] and [bold]Nvidia[/bold] [@click=app.quit]x[/]"))
    assert "[AAPL]" in literal.plain and "[@click=app.quit]x[/]" in literal.plain


def test_span_crossing_blocks_styles_both_parts() -> None:
    text = "first part\n\nsecond part"
    blocks = [Block("p", 0, 10), Block("p", 12, 23)]
    spans = [Span(6, 18, LINK, "https://example.com/x")]
    out = render_article(ProcessedArticle(text=text, blocks=blocks, spans=spans), header=False)
    assert out.plain == text
    assert style_at(out, 7).link == "https://example.com/x"
    assert style_at(out, 13).link == "https://example.com/x"
    assert style_at(out, 20).link is None
