"""Properties over arbitrary input: never raises, offsets in bounds, no control characters,
idempotent. Example counts are kept small enough for the suite to stay fast (seconds)."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from finreader.text.process import process

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# Text that looks like finance pages: words, CJK, punctuation, boilerplate markers, newlines.
WORDS = st.sampled_from(
    [
        "Revenue", "rose", "12%", "$4.2 billion", "NASDAQ: NVDA", "免责声明：", "风险提示",
        "placeholder", "goTop", "来源 财华社", "By Jane Roe", "© 2024", "appeared first on",
        "(SY)", "。", ".,", "# ", "* ", "> ", "[a](https://x.test/)", "![i](x.png)", "&amp;",
        "相关阅读", "Disclaimer:", "\u3000", "\xa0", "\t", "\r\n", "\n", "\n\n", "  ", "<", ">",
        "英伟达", "营收同比增长17.47%", "Should you invest $1,000 in X right now?", "2 小时前",
    ]
)  # fmt: skip
PAGEY = st.lists(st.one_of(WORDS, st.text(max_size=12)), max_size=60).map(" ".join)
TAGS = st.sampled_from(
    ["p", "div", "h2", "li", "ul", "blockquote", "pre", "table", "tr", "td", "a", "b", "br",
     "script", "style", "img", "span"]
)  # fmt: skip


@st.composite
def html_docs(draw: st.DrawFn) -> str:
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 25))):
        kind = draw(st.integers(0, 3))
        tag = draw(TAGS)
        if kind == 0:
            parts.append(f"<{tag}>")
        elif kind == 1:
            parts.append(f"</{tag}>")
        elif kind == 2:
            href = draw(st.sampled_from(["/r", "javascript:x()", "https://x.test/", "", "data:,"]))
            parts.append(f'<a href="{href}">')
        parts.append(draw(PAGEY))
    return "".join(parts)


ANY_TEXT = st.one_of(st.text(max_size=400), PAGEY)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check(raw: str, is_html: bool | None) -> None:
    art = process(raw, is_html=is_html)
    text = art.text
    assert not CONTROL.search(text)
    for b in art.blocks:
        assert 0 <= b.start < b.end <= len(text)
        assert "\n" not in text[b.start : b.end]
    assert "\n\n".join(text[b.start : b.end] for b in art.blocks) == text
    for s in art.spans:
        assert 0 <= s.start < s.end <= len(text)
    again = process(text, is_html=False)
    assert again.text == text, (raw, text, again.text)


@FAST
@given(ANY_TEXT)
def test_arbitrary_text(raw: str) -> None:
    check(raw, None)
    check(raw, False)


@FAST
@given(html_docs())
def test_arbitrary_html(raw: str) -> None:
    check(raw, True)


@FAST
@given(st.text(max_size=300))
def test_arbitrary_text_forced_as_html(raw: str) -> None:
    check(raw, True)
