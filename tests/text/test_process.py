"""process(): the one call; blocks, spans and metadata line up with the text; the contract."""

from __future__ import annotations

import json

from tests.helpers.contract import CONTRACT_KEYS

from finreader.models import COMPANY, FIGURE, LINK, TICKER, ProcessedArticle, Removal, Span
from finreader.text.contract import to_contract
from finreader.text.process import RULES_VERSION, compile_rules, process

HTML = (
    "<h2>Results</h2><p>Widget Corp said revenue rose, beating <a href='/est'>estimates</a>."
    "</p><ul><li>Margins widened.</li></ul><p>Also Read: <a href='https://x.test/r'>Other</a>"
    "</p><p>Disclaimer: not investment advice.</p>"
)


def test_blocks_cover_the_text_joined_by_blank_lines() -> None:
    art = process(HTML, base_url="https://news.test/a/1")
    assert (
        art.text
        == "Results\n\nWidget Corp said revenue rose, beating estimates.\n\nMargins widened."
    )
    assert [b.kind for b in art.blocks] == ["h", "p", "li"]
    assert "\n\n".join(art.text[b.start : b.end] for b in art.blocks) == art.text
    assert art.blocks[0].start == 0 and art.blocks[-1].end == len(art.text)


def test_link_spans_point_at_their_text() -> None:
    art = process(HTML, base_url="https://news.test/a/1")
    links = [s for s in art.spans if s.kind == LINK]
    assert [(art.text[s.start : s.end], s.value) for s in links] == [
        ("estimates", "https://news.test/est")
    ]


def test_spans_are_sorted_and_include_the_annotators() -> None:
    art = process(
        "<p>Revenue at NASDAQ: NVDA rose 17.47% to $30.8 billion, see <a href="
        "'https://x.test/'>here</a> for details of the quarter.</p>"
    )
    assert art.spans == sorted(art.spans, key=lambda s: (s.start, s.end))
    assert all(0 <= s.start < s.end <= len(art.text) for s in art.spans)
    assert any(s.kind == LINK for s in art.spans)


def test_removals_name_their_rules_and_version_is_recorded() -> None:
    art = process(HTML)
    assert [r.rule for r in art.removed] == ["disclaimer-en", "read-also"]
    assert art.rules_version == RULES_VERSION == compile_rules().version
    assert RULES_VERSION


def test_sniffing_html_versus_text() -> None:
    assert process("<p>a</p><p>b</p>").text == "a\n\nb"
    assert process("a\nb").text == "a\n\nb"
    # Plain text with angle brackets is not HTML.
    assert process("<汇港通讯> 恒指早市高开。").text == "<汇港通讯> 恒指早市高开。"
    # Forced modes.
    assert process("<b>x</b>", is_html=False).text == "<b>x</b>"
    assert process("x &amp; y", is_html=True).text == "x & y"


def test_plain_text_structure() -> None:
    raw = (
        "# Heading\n"
        "A paragraph that was scraped from a page and wraps onto a second line in the\n"
        "middle of a sentence, which joins back.\n"
        "Next line is its own block\n"
        "*   a bullet with a [link](https://x.test/l) in it\n"
        "![chart](https://img.test/c.png)\n"
        "     indented continuation? no: the line above ends a sentence.\n"
    )
    art = process(raw)
    assert art.text.split("\n\n") == [
        "Heading",
        "A paragraph that was scraped from a page and wraps onto a second line in the middle "
        "of a sentence, which joins back.",
        "Next line is its own block",
        "a bullet with a link in it",
        "indented continuation? no: the line above ends a sentence.",
    ]
    assert [b.kind for b in art.blocks][:4] == ["h", "p", "p", "li"]
    [link] = [s for s in art.spans if s.kind == LINK]
    assert (art.text[link.start : link.end], link.value) == ("link", "https://x.test/l")


def test_empty_and_whitespace_input() -> None:
    for raw in ("", "   \n\n  ", "<p> </p>", "\x00\x01"):
        art = process(raw)
        assert art.text == "" and art.blocks == [] and art.spans == []


def test_title_argument_is_used() -> None:
    art = process(
        "Widget Corp beats\n\nRevenue rose sharply in the quarter, the company said.",
        title="Widget Corp beats",
    )
    assert art.text == "Revenue rose sharply in the quarter, the company said."


def test_contract_has_exactly_the_keys_in_order() -> None:
    text = "NASDAQ: NVDA 英伟达 17.47% up"
    art = ProcessedArticle(
        text=text,
        spans=[
            Span(0, 12, TICKER, "NVDA.US"),
            Span(13, 16, COMPANY, "NVDA.US"),
            Span(17, 23, FIGURE, None, "up"),
            Span(24, 26, LINK, "https://x.test/"),
        ],
        removed=[Removal("disclaimer-zh", "免责声明：仅供参考。")],
        source="财华社",
        author=None,
    )
    obj = to_contract(art, file="seed.txt", title=None)
    assert list(obj) == list(CONTRACT_KEYS)
    assert obj["tickers"] == [{"symbol": "NVDA.US", "text": "NASDAQ: NVDA", "start": 0, "end": 12}]
    assert obj["companies"] == [{"name": "英伟达", "symbol": "NVDA.US", "start": 13, "end": 16}]
    assert obj["figures"] == [{"text": "17.47%", "start": 17, "end": 23, "direction": "up"}]
    assert obj["removed"] == [{"rule": "disclaimer-zh", "text": "免责声明：仅供参考。"}]
    assert (obj["file"], obj["title"], obj["source"], obj["author"]) == (
        "seed.txt",
        None,
        "财华社",
        None,
    )
    json.dumps(obj, ensure_ascii=False)  # serialisable as is


def test_contract_of_a_real_article_round_trips_through_json() -> None:
    art = process(HTML)
    obj = json.loads(json.dumps(to_contract(art, file="-", title="T")))
    assert obj["text"] == art.text
    assert obj["removed"][0]["rule"] == "disclaimer-en"
    for key in ("tickers", "companies", "figures"):
        assert isinstance(obj[key], list)
        for item in obj[key]:
            assert obj["text"][item["start"] : item["end"]] == item.get("text", item.get("name"))


def test_lone_surrogates_never_reach_the_text() -> None:
    # for_storage skips ASCII input (it cannot hold a surrogate) and scrubs everything else.
    assert process("Revenue rose 4%.", is_html=False).text == "Revenue rose 4%."
    art = process("营收\ud800增长 4%。", is_html=False, title="标题\udfff")
    assert "\ufffd" in art.text and not any("\ud800" <= c <= "\udfff" for c in art.text)
    art.text.encode("utf-8")


def test_spans_at_the_same_start_are_ordered_by_end() -> None:
    # A link over a figure: both start at the same offset; the shorter span comes first.
    art = process("<p>Shares rose <a href='https://x.test/'>17.47% to $30.8 billion</a>.</p>")
    starts = [(s.start, s.end) for s in art.spans]
    assert starts == sorted(starts)
    assert len({s.start for s in art.spans}) < len(art.spans)


def test_a_title_found_in_the_text_fills_the_contract_when_none_is_given() -> None:
    raw = "某某科技三季度净利超预期\n\n原创 财经观察 某某财经 2026年11月25日 08:30 上海\n\n" + (
        "某某科技周二公布，第三季度营收同比增长12%至42亿元，主要受益于海外市场的订单增长。"
    )
    found = process(raw, is_html=False)
    assert found.title == "某某科技三季度净利超预期"
    assert to_contract(found, file="-", title=None)["title"] == "某某科技三季度净利超预期"
    given = process(raw, is_html=False, title="Given")
    assert given.title is None  # only what was found, not what was given
    assert to_contract(given, file="-", title="Given")["title"] == "Given"
