"""Notations and words met in real articles beyond the devset (round 3): the fourteen markets'
exchange prefixes and Bloomberg codes, index codes that are not stocks, figures with units on
both ends of a range, accounting negatives, pence, and directions decided by the noun ("跌幅扩大",
"net loss widened") or not given at all ("up to $2 billion").

Each case is a sentence of the kind a wire or a Chinese portal writes, not one from the devset.
"""

from __future__ import annotations

import pytest
from tests.helpers.annotations import companies, figures, tickers

from finreader.text.tickers import find_tickers

# --- tickers ---


@pytest.mark.parametrize(
    ("text", "symbols"),
    [
        # Bloomberg security notations
        ("AAPL US Equity closed at $229.87.", {"AAPL.US"}),
        (
            "Tickers: SAP GY Equity, MC FP Equity, BHP AU Equity, 700 HK Equity, 7203 JP Equity.",
            {"SAP.DE", "MC.PA", "BHP.AX", "0700.HK", "7203.T"},
        ),
        ("BRK/B US Equity and 600519 CH Equity", {"BRK.B.US", "600519.SH"}),
        ("Alibaba (9988 HK) and Meituan (3690 HK) led gains.", {"9988.HK", "3690.HK"}),
        ("Nintendo (7974 JP) fell while Samsung (005930 KS) rose.", {"7974.T", "005930.KS"}),
        ("Apple (AAPL US) and TSMC (2330 TT) reported.", {"AAPL.US", "2330.TW"}),
        # a Hong Kong code with its leading zero needs no parentheses
        ("Tencent 0700 HK and Tencent 00700 HK", {"0700.HK"}),
        # ".LN" is how some desks write London
        ("Vodafone (VOD.LN) shares rose 1%.", {"VOD.L"}),
        # Google Finance prefixes for Shanghai and Shenzhen
        (
            "Kweichow Moutai (SHA: 600519) and Ping An Bank (SHE: 000001)",
            {"600519.SH", "000001.SZ"},
        ),
        # exchange prefixes of the other markets
        ("BHP Group (ASX: BHP) and SK Hynix (000660.KS)", {"BHP.AX", "000660.KS"}),
        (
            "DBS (SGX: D05), OCBC (O39.SI), SAP (ETR: SAP), VW (XETRA: VOW3)",
            {"D05.SI", "O39.SI", "SAP.DE", "VOW3.DE"},
        ),
        ("LVMH (EPA: MC), Toyota (TSE: 7203), SoftBank (TYO: 9984)", {"MC.PA", "7203.T", "9984.T"}),
        (
            "TSMC (TWSE: 2330), Shopify (TSX: SHOP), Vodafone (LON: VOD)",
            {"2330.TW", "SHOP.TO", "VOD.L"},
        ),
        (
            "Kakao (KOSDAQ: 035720), Tencent (HKEX: 700), 贝特瑞(835185.BJ)",
            {"035720.KS", "0700.HK", "835185.BJ"},
        ),
    ],
)
def test_notations(text: str, symbols: set[str]) -> None:
    assert tickers(text) == symbols


@pytest.mark.parametrize(
    "text",
    [
        # index codes, as data vendors and Chinese portals write them
        "上证指数(000001)收跌0.5%，深证成指(399001)跌1%，沪深300指数(000300)收跌0.8%。",
        "上证指数(000001.SH)收报3,380点，创业板指(399006.SZ)上涨1.2%，SH000001走低。",
        # an index after "Equity", a year before "HK", a code without its zero, HK$
        "The MSCI US Equity Index rose; in 2024 HK stocks rallied; Xiaomi 1810 HK; HK$5 each.",
        "Private Equity firms and US Equity funds",
        # not tickers
        "CEO Jensen Huang said the IT and AI budgets of ALL US firms will rise; GDP slowed.",
        "The G7 summit on 30/11 at 09:30 discussed 5G, H20 and A100 chips; COVID-19; Q3 2025.",
        "Call +1 (212) 555-0100; ISIN US0378331005; SEDOL 0798059; version 2.4.1.",
        "The S&P 500 rose 0.6% and the Nasdaq Composite gained 1.1%.",
    ],
)
def test_not_tickers(text: str) -> None:
    assert tickers(text) == set()


def test_index_names_are_not_companies() -> None:
    assert companies("上证指数(000001.SH)收报3,380点，创业板指(399006.SZ)上涨1.2%") == []


def test_bloomberg_symbol_is_not_left_as_a_bare_word() -> None:
    spans = [(s.start, s.end) for s in find_tickers("AAPL US Equity, AAPL US Equity")]
    assert spans == [(0, 7), (16, 23)]


# --- figures ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # both ends of a range with their unit
        (
            "SAP raised its outlook to €21.6bn-€21.9bn.",
            [("€21.6bn-€21.9bn", "up")],
        ),
        ("guidance of £2.7bn – £2.9bn", [("£2.7bn – £2.9bn", None)]),
        ("回购金额为人民币500万元-800万元，资金来源", [("人民币500万元-800万元", None)]),
        ("拟以人民币500万元至800万元回购", [("人民币500万元至800万元", None)]),
        ("估值1.5倍-2倍", [("1.5倍-2倍", None)]),
        # a move, then the level: two figures
        ("其后一度倒跌16.96点至22719.91点", [("16.96点", "down"), ("22719.91点", None)]),
        ("净利润同比增长10亿元至50亿元", [("10亿元", "up"), ("50亿元", None)]),
        # different units or currencies are two figures
        (
            "HK$1.2bn-US$1.5bn; 500万元-800元",
            [("HK$1.2bn", None), ("US$1.5bn", None), ("500万元", None), ("-800元", "down")],
        ),
        # the currency named again after 元
        (
            "營收為8,000億元新台幣，報1,085元新台幣，100亿元港币",
            [("8,000億元新台幣", None), ("1,085元新台幣", None), ("100亿元港币", None)],
        ),
        # accounting negatives
        (
            "costs were (1.5)% lower; margin (3.2)% versus 1.1%",
            [("(1.5)%", "down"), ("(3.2)%", "down"), ("1.1%", None)],
        ),
        # pence
        (
            "Barclays rose 1.2% to 285p, down 4.5p from the high",
            [("1.2%", "up"), ("285p", None), ("4.5p", "down")],
        ),
        # index levels after more market verbs
        (
            "Brent slid to $71.20, the Dow slumped to 42,150.35, then rebounded to 42,600.10.",
            [("$71.20", "down"), ("42,150.35", "down"), ("42,600.10", "up")],
        ),
        ("the Nikkei 225 retreated 1.1% to 38,500", [("1.1%", "down"), ("38,500", None)]),
        # scales
        (
            "a $250k salary, a $300mn deal, €50m, $1.2tn, 1.2 trillion yen, 5,000亿日元, ₩38,000",
            [
                ("$250k", None),
                ("$300mn", None),
                ("€50m", None),
                ("$1.2tn", None),
                ("1.2 trillion yen", None),
                ("5,000亿日元", None),
                ("₩38,000", None),
            ],
        ),
    ],
)
def test_figures(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert figures(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Stream it in 1080p or 720p at 3p.m.; 5pct.",
        "公司2026年11月29日公告，第3季度；FY2026；Q3 2025；30/11；09:30",
        "该基金买入1,000手，合计100万股，联系电话021-12345678。",
        "ISIN: GB0007980591, SEDOL 0798059; call 020 7496 4000; COVID-19; G7; 5G; A100.",
        "3.2)% is no accounting negative without its parenthesis",
    ],
)
def test_not_figures(text: str) -> None:
    assert figures(text) == []


@pytest.mark.parametrize(
    ("text", "figure", "direction"),
    [
        # the noun decides: a fall that widens or narrows is still a fall, and a rise a rise
        ("恒指跌幅扩大至3%", "3%", "down"),
        ("科指涨幅收窄至1%", "1%", "up"),
        ("跌幅收窄至0.5%", "0.5%", "down"),
        ("亏损扩大至5亿元", "5亿元", "down"),
        ("降幅扩大至12%", "12%", "down"),
        ("漲幅擴大至2%", "2%", "up"),
        ("Net loss widened to $2 billion", "$2 billion", "down"),
        ("the losses widened 5%", "5%", "down"),
        ("spreads widened 80 bps", "80 bps", "up"),
        # rate moves
        ("美联储宣布加息25个基点", "25个基点", "up"),
        ("央行升息半厘至5.5%", "5.5%", "up"),
        ("a 25bp cut in December", "25bp", "down"),
        ("a 50 basis point hike", "50 basis point", "up"),
        ("implying 20% upside", "20%", "up"),
        ("with 15% downside", "15%", "down"),
        # "up to" is a cap, not a rise
        ("will buy back up to $2 billion of shares", "$2 billion", None),
        ("raised the buyback by up to $2 billion", "$2 billion", "up"),
        ("shares were up 5%", "5%", "up"),
        # more verbs
        ("lifted its profit target to €2bn", "€2bn", "up"),
        ("lowered its forecast to $3 billion", "$3 billion", "down"),
        ("reduced its stake to 4.9%", "4.9%", "down"),
    ],
)
def test_directions(text: str, figure: str, direction: str | None) -> None:
    assert dict(figures(text))[figure] == direction


# --- second batch: the FT's and Bloomberg's colon forms, 代码 with a Hong Kong code, Taiwan's
# 兆, hyphenated units, the won, restated moves, Taiwan and market-open words, places that are
# named like companies ---


@pytest.mark.parametrize(
    ("text", "symbols"),
    [
        ("Apple Inc (AAPL:NSQ) and Vodafone (VOD:LSE)", {"AAPL.US", "VOD.L"}),
        ("Toyota (7203:TYO), Apple (AAPL:US), Tencent (700:HK)", {"7203.T", "AAPL.US", "0700.HK"}),
        ("港股代码：09988；股票代码：00700；证券代码：600519", {"9988.HK", "0700.HK", "600519.SH"}),
    ],
)
def test_colon_and_code_notations(text: str, symbols: set[str]) -> None:
    assert tickers(text) == symbols


@pytest.mark.parametrize(
    "text",
    [
        "NOTE:US stocks opened higher",  # a heading word before a Bloomberg code
        "at 10:30:HK time; Ratio 3:US; WARNING: HK",
        "代码12345；代號：00000",
    ],
)
def test_colon_forms_that_are_not_tickers(text: str) -> None:
    assert tickers(text) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tourists gathered in Times Square.", []),
        ("The Amazon rainforest is shrinking.", []),
        ("Exports from the Pearl River Delta rose 5%.", []),
        (
            "Delta Air Lines rose; Amazon rose",
            [("Delta Air Lines", "DAL.US"), ("Amazon", "AMZN.US")],
        ),
        # a corporate verb after an ambiguous name
        ("Ford cut prices on its F-150 trucks.", [("Ford", "F.US")]),
        ("Shell raised its dividend.", [("Shell", "SHEL.L")]),
        ("Snap shares jumped.", [("Snap", "SNAP.US")]),
        ("Oh snap, a Snap decision.", []),
    ],
)
def test_company_context(text: str, expected: list[tuple[str, str]]) -> None:
    assert companies(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "台積電營收達新台幣2.89兆元，日本央行持有1兆日圓",
            [("新台幣2.89兆元", None), ("1兆日圓", None)],
        ),
        ("100兆瓦的电站，10兆带宽", []),  # a mega on the mainland
        (
            "a 25-basis-point cut, a 50-bp hike, a 3-percentage-point rise, the 80-cent estimate",
            [
                ("25-basis-point", "down"),
                ("50-bp", "up"),
                ("3-percentage-point", "up"),
                ("80-cent", None),
            ],
        ),
        ("a 10-point plan", []),
        ("operating profit of 10.4 trillion won", [("10.4 trillion won", None)]),
        ("the team that in 2019 won the title", []),
        (
            "The Dow added 150 points, or 0.4%, to 44,100.50; Nasdaq fell 80 points or 0.5%",
            [
                ("150 points", "up"),
                ("0.4%", "up"),
                ("44,100.50", None),
                ("80 points", "down"),
                ("0.5%", "down"),
            ],
        ),
        ("恒指跌150点或0.8%", [("150点", "down"), ("0.8%", "down")]),
        ("5% or 6%", [("5%", None), ("6%", None)]),
        (
            "恒指高开1.2%，科指低开0.5%；台股收紅120點",
            [("1.2%", "up"), ("0.5%", "down"), ("120點", "up")],
        ),
        ("營收年衰退5%，毛利率年成長2個百分點", [("5%", "down"), ("2個百分點", "up")]),
    ],
)
def test_second_batch_figures(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert figures(text) == expected


# --- third batch: dual listings, a symbol listed after a notation, Chinese market names before
# a colon, more exchange prefixes; an accounting negative found from its parenthesis ---


@pytest.mark.parametrize(
    ("text", "symbols"),
    [
        ("中芯国际(00981.HK/688981.SH)涨3%", {"0981.HK", "688981.SH"}),
        ("Alibaba (9988.HK/BABA.US)", {"9988.HK", "BABA.US"}),
        ("Toyota Motor Corp. (7203.T; TM) reported", {"7203.T", "TM.US"}),
        ("Alibaba (9988.HK, BABA) rose", {"9988.HK", "BABA.US"}),
        ("阿里巴巴（港股：09988，美股：BABA）", {"9988.HK", "BABA.US"}),
        (
            "贵州茅台（沪:600519）与平安银行（深:000001）、宁德时代（A股：300750）",
            {"600519.SH", "000001.SZ", "300750.SZ"},
        ),
        ("SAP (XTRA: SAP) and Siemens (FWB: SIE); (TPEx: 6488)", {"SAP.DE", "SIE.DE", "6488.TW"}),
    ],
)
def test_third_batch_notations(text: str, symbols: set[str]) -> None:
    assert tickers(text) == symbols


@pytest.mark.parametrize(
    "text",
    [
        "x/688981.SH and 1/2.HK",  # a slash only joins two notations
        "Sales (2024, CEO) and (Q3; TM)",  # no explicit notation before the separator
        "时间 10:30，比分 3:2，注意：ABC",
    ],
)
def test_third_batch_not_tickers(text: str) -> None:
    assert tickers(text) == set()


def test_a_name_of_words_that_are_never_names_is_not_guessed() -> None:
    text = "Alibaba's Hong Kong-listed shares (9988.HK) and its US ADRs (BABA) both fell 2%."
    assert companies(text) == [("Alibaba", "9988.HK")]


def test_chinese_market_name_links_the_company_before_it() -> None:
    assert companies("阿里巴巴（港股：09988）") == [("阿里巴巴", "9988.HK")]


def test_accounting_negative_keeps_the_numbers_around_it() -> None:
    text = "margin (3.2)% and (2024) and (5) items; (1.5)％"
    assert figures(text) == [("(3.2)%", "down"), ("(1.5)％", "down")]


def test_range_whose_first_end_leaves_the_currency_to_the_second() -> None:
    text = "预计净利润2.5亿-3亿元，营收5万-10万元，5亿元-800元"
    assert figures(text) == [
        ("2.5亿-3亿元", None),
        ("5万-10万元", None),
        ("5亿元", None),
        ("-800元", "down"),
    ]


def test_chinese_market_name_before_a_year_or_amount_is_no_code() -> None:
    assert tickers("港股：2024年回顾；港股：1000亿；美股：AI") == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "several" is part of a Chinese amount
        (
            "获得数十亿美元投资，幾百億元，市值近千亿美元",
            [("数十亿美元", None), ("幾百億元", None), ("千亿美元", None)],
        ),
        # a price in won
        ("Samsung rose 2.1% to 58,900 won", [("2.1%", "up"), ("58,900 won", None)]),
        ("in 2019 won the cup; 1,000 wonder", []),
    ],
)
def test_several_and_won(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert figures(text) == expected


def test_a_one_word_name_like_a_stop_word_is_still_guessed() -> None:
    # "BP" is a stop word (basis points) and not a directory alias, but right before its own
    # notation it names the company
    assert companies("while BP (BP.L) rose 0.9% to 412.5p") == [("BP", "BP.L")]


def test_range_whose_second_end_leaves_the_currency_to_the_first() -> None:
    assert figures("guidance of $5bn-6bn, up to €2bn-€3bn") == [
        ("$5bn-6bn", None),
        ("€2bn-€3bn", None),
    ]
