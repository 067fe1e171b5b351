"""Ticker notations, company names and the precision cases of finreader.text.tickers.

Most tests use the bundled directory (data/companies.tsv), as the reader does; the directory
loader and the ambiguity rules are also tested against a small fixture directory
(fixtures/companies_small.tsv) so they do not depend on what the data file happens to hold.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from finreader.models import COMPANY, TICKER, Span
from finreader.text.directory import Directory, default_directory, load_directory, parse_directory
from finreader.text.tickers import find_tickers

FIXTURE = Path(__file__).parent / "fixtures" / "companies_small.tsv"


@pytest.fixture(scope="module")
def small() -> Directory:
    return load_directory(FIXTURE)


def tickers(text: str, directory: Directory | None = None) -> list[tuple[str, str | None]]:
    return [
        (text[s.start : s.end], s.value)
        for s in find_tickers(text, directory=directory)
        if s.kind == TICKER
    ]


def companies(text: str, directory: Directory | None = None) -> list[tuple[str, str | None]]:
    return [
        (text[s.start : s.end], s.value)
        for s in find_tickers(text, directory=directory)
        if s.kind == COMPANY
    ]


@pytest.mark.parametrize(
    ("text", "surface", "symbol"),
    [
        ("Meta (META.US) rose", "META.US", "META.US"),
        ("谷歌(GOOG.US)达成合约", "GOOG.US", "GOOG.US"),
        ("Shares of Nvidia (NASDAQ: NVDA) doubled", "NASDAQ: NVDA", "NVDA.US"),
        ("Goldman Sachs (NYSE:GS) said", "NYSE:GS", "GS.US"),
        ("the fund (NYSEARCA: SPY) fell", "NYSEARCA: SPY", "SPY.US"),
        ("traders piled into $TSLA today", "$TSLA", "TSLA.US"),
        ("NVDA.O rose 3%", "NVDA.O", "NVDA.US"),
        ("Berkshire's BRK.B shares", "BRK.B", "BRK.B.US"),
        ("腾讯 0700.HK 收涨", "0700.HK", "0700.HK"),
        ("腾讯 00700.HK 收涨", "00700.HK", "0700.HK"),
        ("腾讯控股(00700)升2%", "00700", "0700.HK"),
        ("阿里巴巴(09988.HK)跌1%", "09988.HK", "9988.HK"),
        ("贵州茅台 600519.SH 报价", "600519.SH", "600519.SH"),
        ("SH600519 今日", "SH600519", "600519.SH"),
        ("贵州茅台(600519)收盘", "600519", "600519.SH"),
        ("平安银行 000001.SZ 上涨", "000001.SZ", "000001.SZ"),
        ("TSMC 2330.TW closed", "2330.TW", "2330.TW"),
        ("Toyota 7203.T slipped", "7203.T", "7203.T"),
        ("Sony 6758.T slipped", "6758.T", "6758.T"),
        ("BP (LSE: BP.) raised its dividend", "LSE: BP", "BP.L"),
        ("Shopify (TSX: SHOP) jumped", "TSX: SHOP", "SHOP.TO"),
        ("Loblaw (L.TO) shares fell", "L.TO", "L.TO"),
        ("Commonwealth Bank (ASX: CBA) fell", "ASX: CBA", "CBA.AX"),
        ("via US.AAPL on Futu", "US.AAPL", "AAPL.US"),
        ("Berkshire Hathaway (NYSE: BRK.B) rose", "NYSE: BRK.B", "BRK.B.US"),
        ("Berkshire Hathaway (NYSE: BRK-B) rose", "NYSE: BRK-B", "BRK.B.US"),
        ("Brown-Forman (NYSE: BF/B) fell", "NYSE: BF/B", "BF.B.US"),
        ("NASDAQ: NVDA-based funds", "NASDAQ: NVDA", "NVDA.US"),
        ("Toyota (TYO: 7203) rose", "TYO: 7203", "7203.T"),
        ("股票代码：300750 的公司", "300750", "300750.SZ"),
        ("Xiaomi Group-W (01810) fell", "01810", "1810.HK"),
        ("Toyota 7203.JP rose", "7203.JP", "7203.T"),
        ("Tencent ADR (OTC: TCEHY) rose", "OTC: TCEHY", "TCEHY.US"),
        ("Samsung (KRX: 005930) fell", "KRX: 005930", "005930.KS"),
        ("LVMH (EPA: MC) fell", "EPA: MC", "MC.PA"),
        ("DBS (SGX: D05) rose", "SGX: D05", "D05.SI"),
    ],
)
def test_notation_is_normalised(text: str, surface: str, symbol: str) -> None:
    assert (surface, symbol) in tickers(text)


@pytest.mark.parametrize(
    "text",
    [
        "The CEO said GDP and AI spending lifted IT budgets for ALL US firms.",
        "EPS beat; the ETF and the IPO market cheered the FED in Q2.",
        "In 2024 the index rose; on 2025-03-01 at 10:30 it fell.",
        "Call +1 212-555-0100 or 021-6888 8888 for details.",
        "邮编(100080)，订单号(600123)，电话(021)12345678。",
        "The order 123456 shipped; code 600519 was mentioned without a name.",
        "1) revenue grew 2) costs fell 3) margins widened",
        "S&P/ASX 200 Index (ASX: XJO) fell",
        "The plan (2025) and the memo (2024) were approved.",
        "U.S. President said the U.S.A. and U.K. agreed.",
        "Japan Advanced Semiconductor Manufacturing (JASM) and (GDP) (IMF)",
        "HK$48 and US$5 and A$3 are prices, not tickers",
        "crude futures CLH22 and the SU7 car and the A14 chip",
    ],
)
def test_no_false_tickers(text: str) -> None:
    assert tickers(text) == []


def test_bare_symbol_needs_evidence() -> None:
    # in parentheses and known to the directory
    assert tickers("Apple ( AAPL ) was down") == [("AAPL", "AAPL.US")]
    # right after the company's name (Zacks style)
    assert ("PYPL", "PYPL.US") in tickers("PayPal PYPL joined forces with ConsenSys.")
    # followed by "stock"
    assert tickers("After the call TSM stock gained 3%.") == [("TSM", "TSM.US")]
    # confirmed earlier in the same article
    text = "Arista Networks (NYSE: ANET) rose. The growth rate for ANET is high."
    assert [s for _, s in tickers(text)] == ["ANET.US", "ANET.US"]
    # a bare known symbol alone is not enough
    assert tickers("We met the AMD team and the TSM crew.") == []


def test_four_digit_codes_need_their_company_name() -> None:
    text = "台积电(2330)涨2%;安踏体育(2020)涨3%;报告(2020)显示;计划(2330)"
    assert tickers(text) == [("2330", "2330.TW"), ("2020", "2020.HK")]


def test_one_letter_symbols_only_next_to_their_company() -> None:
    text = "Visa (V) and Ford (F) rose; options (A) and (B) are wrong; see (C)."
    assert tickers(text) == [("V", "V.US"), ("F", "F.US")]


def test_symbol_after_a_name_when_it_abbreviates_the_company() -> None:
    # Zacks style: the symbol the article uses (SQ, Block's symbol before 2025), not the
    # directory's current one; then every mention of Block means that symbol
    text = "PayPal PYPL joined forces; rival Block SQ. Block facilitates bitcoin buying."
    assert ("SQ", "SQ.US") in tickers(text)
    assert [v for n, v in companies(text) if n == "Block"] == ["SQ.US", "SQ.US"]
    assert ("FB", "FB.US") in tickers("Facebook FB rose after earnings.")
    # product and technology acronyms after a name are not symbols
    assert tickers("Apple TV, Amazon AWS and Nvidia GPU sales; Tesla FSD and Intel CPU.") == []


def test_company_names_link_to_symbols() -> None:
    text = "英伟达、谷歌、亚马逊、微软和特斯拉的股价都涨了,Nvidia and Microsoft too."
    found = companies(text)
    assert ("英伟达", "NVDA.US") in found
    assert ("谷歌", "GOOG.US") in found
    assert ("亚马逊", "AMZN.US") in found
    assert ("微软", "MSFT.US") in found
    assert ("特斯拉", "TSLA.US") in found
    assert ("Nvidia", "NVDA.US") in found
    assert ("Microsoft", "MSFT.US") in found


def test_name_before_notation_links_even_when_directory_lacks_it() -> None:
    assert companies("In stock news, Loblaw (L.TO) shares fell") == [("Loblaw", "L.TO")]
    assert companies("Heavily traded Primero Mining (P.TO) shed 15%") == [
        ("Primero Mining", "P.TO")
    ]
    assert companies("The Commonwealth Bank of Australia (ASX: CBA) fell") == [
        ("Commonwealth Bank of Australia", "CBA.AX")
    ]
    assert companies("开源证券维持九典制药（300705.SZ，最新价：28.66元）") == [
        ("九典制药", "300705.SZ")
    ]


def test_explicit_ticker_wins_over_directory_default() -> None:
    # the directory's default for 谷歌 is one share class; the notation next to it decides
    found = find_tickers("谷歌(GOOGL.US)发布财报")
    assert [(s.kind, s.value) for s in found] == [("company", "GOOGL.US"), ("ticker", "GOOGL.US")]


def test_apple_the_fruit_and_meta_the_word() -> None:
    assert companies("Apple pie is a dessert. An apple a day keeps doctors away.") == []
    assert companies("我今天吃了一个苹果，苹果很甜。") == []
    assert companies("We had a meta discussion. Meta-analysis shows nothing.") == []
    assert companies("Users of MetaMask can buy Ether.") == []
    assert companies("Apple said on Tuesday it would buy back shares.") == [("Apple", "AAPL.US")]
    # Chinese names inside ordinary words: 中美|团队 and 小米粥 are not Meituan and Xiaomi
    assert companies("中美团队达成共识，早餐喝了小米粥。") == []
    assert companies("美团团队发布新品，小米集团上涨。") == [
        ("美团", "3690.HK"),
        ("小米集团", "1810.HK"),
    ]
    # a corporate word after a lowercase word belongs to that word: the pie's sales
    assert companies("Apple pie sales rose 3% at the fair.") == []
    assert companies("Apple Music revenue rose.") == [("Apple", "AAPL.US")]
    assert ("苹果", "AAPL.US") in companies("苹果推出了新的芯片")
    assert companies("市值达2万亿美元的公司包括苹果和微软") == [
        ("苹果", "AAPL.US"),
        ("微软", "MSFT.US"),
    ]
    # one sense per article: once the company is evident, every mention links
    text = "Meta (META.US) rose. Later Meta said it would spend more."
    assert [n for n, _ in companies(text)] == ["Meta", "Meta"]


def test_spans_are_sorted_and_disjoint() -> None:
    text = "Nvidia (NASDAQ: NVDA) and 腾讯控股(00700) and $TSLA and Apple ( AAPL )"
    spans = find_tickers(text)
    assert spans == sorted(spans, key=lambda s: s.start)
    for a, b in pairwise(spans):
        assert a.end <= b.start
    assert all(0 <= s.start < s.end <= len(text) for s in spans)


def test_empty_and_plain_text() -> None:
    assert find_tickers("") == []
    assert find_tickers("nothing to see here, just words.") == []


# ---- the directory loader and matcher, on the fixture ------------------------------------


def test_directory_parses_fixture(small: Directory) -> None:
    assert len(small) == 19
    assert small.has("NVDA.US") and small.has("0700.HK")
    assert "AAPL" in small.us_bases
    hits = small.find_names("Nvidia, 英伟达, 輝達 and 騰訊")
    assert [(h.alias, h.symbols[0]) for h in hits] == [
        ("Nvidia", "NVDA.US"),
        ("英伟达", "NVDA.US"),
        ("輝達", "NVDA.US"),
        ("騰訊", "0700.HK"),
    ]


def test_directory_marks_ambiguous_aliases(small: Directory) -> None:
    (apple,) = small.find_names("Apple")
    assert apple.ambiguous
    (full,) = small.find_names("Apple Inc. rose")
    assert full.alias == "Apple Inc." and not full.ambiguous


def test_directory_whole_words_and_share_class_tags(small: Directory) -> None:
    assert small.find_names("MetaMask and Teslas") == []
    assert [h.alias for h in small.find_names("Alibaba-W (09988)")] == ["Alibaba"]
    assert small.find_names("Meta-analysis") == []


def test_directory_longest_match_wins(small: Directory) -> None:
    assert [h.alias for h in small.find_names("腾讯控股今天")] == ["腾讯控股"]


def test_directory_tolerates_bad_rows() -> None:
    d = parse_directory(
        "# comment\nsymbol\tname\taliases\tindexes\n\tno symbol\t\t\nX.US\t\t\t\n"
        "ABC.US\tAbc Corp\tAbcee|~Abc\tSP500\n"
    )
    assert len(d) == 1
    assert [h.alias for h in d.find_names("Abcee rose")] == ["Abcee"]


def test_directory_handles_text_outside_the_bmp(small: Directory) -> None:
    text = "😀😀 英伟达 😀 Nvidia"
    hits = small.find_names(text)
    assert [text[h.start : h.end] for h in hits] == ["英伟达", "Nvidia"]


def test_directory_aliases_without_a_leading_capital() -> None:
    # the matcher starts from an alias's first capital ("eBay" from its "B") or, with none,
    # searches for the alias itself ("onsemi", "360公司")
    d = parse_directory(
        "symbol\tname\taliases\tindexes\n"
        "EBAY.US\teBay\teBay Inc.\tSP500\n"
        "MMM.US\t3M Company\t3M|3M公司\tSP500\n"
        "ON.US\tonsemi\t\tSP500\n"
        "601360.SH\t360 Security Technology\t360公司\tCSI300\n"
        "BAY.US\tBay Area Co\tBay\t\n"
    )
    text = "eBay Inc. rose; 3M and onsemi fell, 360公司 and Bay too, not xeBay or 13M or onsemix"
    hits = d.find_names(text)
    assert [(text[h.start : h.end], h.symbols[0]) for h in hits] == [
        ("eBay Inc.", "EBAY.US"),
        ("3M", "MMM.US"),
        ("onsemi", "ON.US"),
        ("360公司", "601360.SH"),
        ("Bay", "BAY.US"),
    ]
    assert [h.alias for h in d.find_names("3M公司的 eBay")] == ["3M公司", "eBay"]


def test_directories_without_latin_or_chinese_names() -> None:
    # the bundled file missing gives an empty directory: notations are still found
    empty = Directory([], {})
    assert empty.find_names("Apple 腾讯 NVDA") == []
    assert tickers("Apple (NASDAQ: AAPL) 腾讯控股(00700)", empty) == [
        ("NASDAQ: AAPL", "AAPL.US"),
        ("00700", "0700.HK"),
    ]
    only_chinese = parse_directory("symbol\tname\taliases\tindexes\n0700.HK\t腾讯控股\t腾讯\tHSI\n")
    assert [h.alias for h in only_chinese.find_names("腾讯控股 Apple 腾讯")] == ["腾讯控股", "腾讯"]
    only_loose = parse_directory("symbol\tname\taliases\tindexes\nON.US\tonsemi\t\tSP500\n")
    assert [h.alias for h in only_loose.find_names("onsemi rose, not onsemix")] == ["onsemi"]


def test_directory_names_never_overlap() -> None:
    # a Latin alias running into a Chinese one ("SK海力士" holds "海力士") gives one name
    d = parse_directory(
        "symbol\tname\taliases\tindexes\n000660.KS\tSK Hynix\tSK海力士|海力士\tINTL\n"
    )
    assert [h.alias for h in d.find_names("SK海力士与海力士")] == ["SK海力士", "海力士"]
    spans = find_tickers("SK海力士股价上涨")
    assert [(s.start, s.end, s.value) for s in spans] == [(0, 5, "000660.KS")]


def test_fixture_directory_drives_find_tickers(small: Directory) -> None:
    # Block is an ambiguous word; the symbol next to it is the evidence
    text = "PayPal competes with Block SQ. Block facilitates bitcoin trading."
    found = find_tickers(text, directory=small)
    assert Span(21, 26, COMPANY, "SQ.US") in found
    assert ("SQ", "SQ.US") in tickers(text, small)
    assert companies("Pick a target. Block the shot.", small) == []


def test_bundled_directory_loads_once() -> None:
    # How fast it loads is benchmarks/bench_annotate.py's business (a timed test failed on a
    # loaded machine); here: it is the bundled one and built once per process.
    default_directory.cache_clear()
    directory = default_directory()
    assert len(directory) > 500
    assert default_directory() is directory


_ALPHABET = "0123456789.:：$()（）ABCDHKNOSTUVWXYZabc -_&/腾讯控股苹果英伟达代码号AppleMetaNvidia"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=80) | st.text(max_size=80))
def test_tickers_never_raise_and_stay_in_bounds(text: str) -> None:
    last = 0
    for span in find_tickers(text):
        assert 0 <= span.start < span.end <= len(text)
        assert span.start >= last
        assert span.kind in (TICKER, COMPANY) and span.value
        last = span.end


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=_ALPHABET + "eBy3M公司onsemiSK海力士谷歌歌", max_size=80)
    | st.text(max_size=40)
)
def test_names_are_their_aliases_in_order_without_overlaps(text: str) -> None:
    last = 0
    for hit in default_directory().find_names(text):
        assert text[hit.start : hit.end] == hit.alias
        assert hit.start >= last and hit.symbol == hit.symbols[0]
        last = hit.end


def test_names_are_guessed_only_before_parenthesised_notations() -> None:
    assert companies("收于100亿美元 NASDAQ: NVDA 好") == []
    assert companies("Tencent 0700.HK rose") == [("Tencent", "0700.HK")]  # directory name


def test_many_notations_stay_linear() -> None:
    """Thousands of notations in one text (a quadratic overlap check once took 7 s here)."""
    import time

    text = "Loblaw (L.TO) fell, 腾讯控股(00700)升, NASDAQ: NVDA 3.5% 100亿美元 PayPal PYPL " * 3000
    start = time.process_time()
    spans = find_tickers(text)
    assert time.process_time() - start < 3.0
    assert len(spans) >= 6 * 3000
