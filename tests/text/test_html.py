"""HTML → blocks: structure, links, whitespace, and markup that must not become text."""

from __future__ import annotations

from finreader.text.html import html_to_pieces, looks_like_html


def kinds_and_texts(html: str, base_url: str | None = None) -> list[tuple[str, str]]:
    return [(p.kind, p.text) for p in html_to_pieces(html, base_url)]


def test_block_kinds() -> None:
    html = (
        "<h2>Outlook</h2><p>Revenue rose.</p><ul><li>First point</li><li><p>Second</p></li></ul>"
        "<blockquote><p>A quoted line.</p></blockquote><table><tr><th>Q</th><th>Rev</th></tr>"
        "<tr><td>Q1</td><td><p>$5bn</p></td></tr></table><pre>x = 1\n  y = 2</pre>"
    )
    assert kinds_and_texts(html) == [
        ("h", "Outlook"),
        ("p", "Revenue rose."),
        ("li", "First point"),
        ("li", "Second"),
        ("quote", "A quoted line."),
        ("row", "Q | Rev"),
        ("row", "Q1 | $5bn"),
        ("pre", "x = 1"),
        ("pre", "y = 2"),
    ]


def test_whitespace_and_entities_collapse_like_a_browser() -> None:
    html = (
        "<p>Taiwan Semi&nbsp;(NYSE:<a href='https://x.test/TSM'>TSM</a>)\n\n   rose&#8217;s   </p>"
    )
    [piece] = html_to_pieces(html)
    assert piece.text == "Taiwan Semi (NYSE:TSM) rose’s"
    assert [(piece.text[s:e], url) for s, e, url in piece.links] == [("TSM", "https://x.test/TSM")]


def test_br_splits_blocks_and_div_text_is_a_block() -> None:
    html = "<div>loose text <u>under</u> line<p></p><p>next</p></div><p>a<br>b</p>"
    assert [t for _, t in kinds_and_texts(html)] == ["loose text under line", "next", "a", "b"]


def test_links_are_absolute_http_only() -> None:
    html = (
        '<p><a href="/rel/1">rel</a> <a href="javascript:alert(1)">js</a> '
        '<a href=" java\tscript:alert(2)">js2</a> <a href="data:text/html,x">data</a> '
        '<a href="mailto:a@b.c">mail</a> <a href="https://ok.test/x">ok</a> '
        '<a href="//cdn.test/y">proto</a> <a>none</a></p>'
    )
    [piece] = html_to_pieces(html, base_url="https://site.test/news/a.html")
    got = [(piece.text[s:e], url) for s, e, url in piece.links]
    assert got == [
        ("rel", "https://site.test/rel/1"),
        ("ok", "https://ok.test/x"),
        ("proto", "https://cdn.test/y"),
    ]
    # Without a base, a relative link cannot be resolved and is dropped.
    [piece] = html_to_pieces('<p><a href="/rel">rel</a></p>')
    assert piece.links == []


def test_link_spanning_inline_markup_is_one_span() -> None:
    [piece] = html_to_pieces(
        '<p>See <a href="https://x.test/"><b>the</b> <i>report</i></a> now</p>'
    )
    assert [piece.text[s:e] for s, e, _ in piece.links] == ["the report"]


def test_scripts_styles_forms_and_images_never_become_text() -> None:
    html = (
        "<style>p{display:none}</style><script>alert('x')</script><p>Body"
        "<img src='data:image/png;base64,AAAA' alt='chart title'></p>"
        "<form><input type=password value=secret><button>Go</button></form>"
        "<iframe src='https://evil.test'>frame text</iframe><svg><text>svg text</text></svg>"
        "<noscript>enable js</noscript><!-- a comment --><p>End</p>"
    )
    assert [t for _, t in kinds_and_texts(html)] == ["Body", "End"]


def test_control_characters_are_removed() -> None:
    [piece] = html_to_pieces("<p>a\x00b\x1b[31mc\x7fd\u200be\u202ef&#x1;g</p>")
    assert piece.text == "ab[31mcdefg"


def test_deep_nesting_does_not_recurse() -> None:
    html = "<div>" * 5000 + "<p>deep</p>" + "</div>" * 5000 + "<b><i>" * 5000 + "tail"
    texts = [t for _, t in kinds_and_texts(html)]
    assert "deep" in texts
    assert texts[-1] == "tail"


def test_empty_and_broken_markup() -> None:
    assert html_to_pieces("") == []
    assert html_to_pieces("   ") == []
    assert [t for _, t in kinds_and_texts("<p>unclosed <b>bold <p>next")] == [
        "unclosed bold",
        "next",
    ]
    assert [t for _, t in kinds_and_texts('<?xml version="1.0" encoding="utf-8"?><p>x</p>')] == [
        "x"
    ]


def test_sniffing_tags_not_angle_brackets() -> None:
    assert looks_like_html("<p>x</p>")
    assert looks_like_html("text<br/>more")
    assert not looks_like_html("<汇港通讯> A股周二假後复市")
    assert not looks_like_html("EPS < est and revenue > guidance")
