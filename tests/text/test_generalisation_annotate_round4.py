"""Registers beyond the devset (round 4): analyst notes (price targets, ratings, EPS and
multiples), market wraps (index levels, FX quotes, yields, commodities, crypto), company names
with no ticker across the directory's markets, Chinese flash lines dense with figures, and
earnings tables flattened to text; and the ordinary words that are also company names.

Each case is a sentence of the kind a broker note, wire wrap or Chinese portal writes, made up
for these tests. Where the spec is silent the expectation is what a markets reader wants: the
value a move started from ("from $4.33") has no direction, the move word after a figure ("0.7%
higher at 18,450") is that figure's and not the level's, an FX pair's quote ("USD/CNY 7.12") is
the number, money an IPO "raised" is not a rise.
"""

from __future__ import annotations

import pytest
from tests.helpers.annotations import companies, figures, tickers

# --- figures ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Morgan Stanley raised its target price on Tencent to HK$450 from HK$420 and kept an overweight rating.",
            [("HK$450", "up"), ("HK$420", None)],
        ),
        ("中金公司将比亚迪目标价上调至120元，维持跑赢行业评级。", [("120元", "up")]),
        (
            "高盛維持台積電買入評級，目標價由1,100元新台幣上調至1,250元新台幣。",
            [("1,100元新台幣", None), ("1,250元新台幣", "up")],
        ),
        (
            "Jefferies downgraded Eli Lilly to hold from buy, with a price target of $850, implying 5% downside.",
            [("$850", None), ("5%", "down")],
        ),
        (
            "Alphabet reported EPS of $1.23 vs $1.10 expected, on revenue of $84.7 billion, up 14% year on year.",
            [("$1.23", None), ("$1.10", None), ("$84.7 billion", None), ("14%", "up")],
        ),
        (
            "招商银行前三季度每股收益0.85元，同比下降2.3%，净利润1,100亿元。",
            [("0.85元", None), ("2.3%", "down"), ("1,100亿元", None)],
        ),
        (
            "Broadcom trades at 25x forward earnings, a premium to its five-year average of 18x.",
            [("25x", None), ("18x", None)],
        ),
        ("贵州茅台目前市盈率18倍，低于历史均值25倍。", [("18倍", None), ("25倍", None)]),
        (
            "Analysts expect JPMorgan to post EPS of $4.01, down from $4.33 a year earlier.",
            [("$4.01", "down"), ("$4.33", None)],
        ),
        ("Revenue was $5bn, up from $4bn.", [("$5bn", "up"), ("$4bn", None)]),
        ("Shares fell from $5 to $3.", [("$5", None), ("$3", "down")]),
        (
            "KeyBanc: Broadcom (AVGO) Overweight, PT raised to $250 from $220.",
            [("$250", "up"), ("$220", None)],
        ),
        (
            "The stock trades at 3 times book value and 12 times forward earnings.",
            [("3 times", None), ("12 times", None)],
        ),
        (
            "恒指收涨1.32%报26,400点，恒生科技指数涨2.1%，成交额1,523亿港元。",
            [("1.32%", "up"), ("26,400点", None), ("2.1%", "up"), ("1,523亿港元", None)],
        ),
        (
            "台股加權指數上漲245點，收在22,150點，成交量3,200億元新台幣。",
            [("245點", "up"), ("22,150點", None), ("3,200億元新台幣", None)],
        ),
        (
            "USD/CNY 7.12 as the yuan held steady; EUR/USD slipped to 1.0850.",
            [("7.12", None), ("1.0850", "down")],
        ),
        (
            "美元兑人民币中间价报7.1210，较上一交易日调升15个基点。",
            [("7.1210", None), ("15个基点", "up")],
        ),
        (
            "The yen weakened past 150 per dollar for the first time since July.",
            [("150 per dollar", "down")],
        ),
        ("The yen strengthened to 142.5 per dollar.", [("142.5 per dollar", "up")]),
        (
            "The 10-year yield rose 8 bps to 4.31%, while the two-year yield fell 3 basis points to 4.62%.",
            [("8 bps", "up"), ("4.31%", None), ("3 basis points", "down"), ("4.62%", None)],
        ),
        ("10年期国债收益率下行5个基点至2.15%。", [("5个基点", "down"), ("2.15%", None)]),
        (
            "Gold rose to $2,410 an ounce, and silver climbed 1.5% to $28.40.",
            [("$2,410", "up"), ("1.5%", "up"), ("$28.40", None)],
        ),
        (
            "布伦特原油跌1.2%至每桶82.10美元，WTI原油跌1.4%至78.30美元。",
            [("1.2%", "down"), ("82.10美元", None), ("1.4%", "down"), ("78.30美元", None)],
        ),
        (
            "Bitcoin topped $65,000 for the first time in a month, while ether slid 2% to $3,150.",
            [("$65,000", "up"), ("2%", "down"), ("$3,150", None)],
        ),
        (
            "The FTSE 100 closed down 0.3% at 8,120.5, and the DAX ended 0.7% higher at 18,450.",
            [("0.3%", "down"), ("8,120.5", None), ("0.7%", "up"), ("18,450", None)],
        ),
        ("Tencent closed 1.8% higher at HK$412.60.", [("1.8%", "up"), ("HK$412.60", None)]),
        ("离岸人民币兑美元跌破7.25关口，日内跌超200点。", [("7.25", "down"), ("200点", "down")]),
        ("上证指数站上3,100点，深证成指失守10,000点。", [("3,100点", "up"), ("10,000点", "down")]),
        ("国际金价突破2,500美元/盎司，再创历史新高。", [("2,500美元", "up")]),
        ("美元指数DXY涨0.3%至106.8。", [("0.3%", "up"), ("106.8", None)]),
        (
            "港股收评：恒指涨1.32%报26,400点，成交额1,523亿港元，南向资金净买入35.6亿港元。",
            [("1.32%", "up"), ("26,400点", None), ("1,523亿港元", None), ("35.6亿港元", None)],
        ),
        (
            "台股盤後：加權指數收漲128.51點，漲幅0.57%，收22,680.13點，成交值3,456億元。",
            [("128.51點", "up"), ("0.57%", "up"), ("22,680.13點", None), ("3,456億元", None)],
        ),
        (
            "在岸人民币兑美元16:30收盘报7.2450，较上一交易日跌85个基点。",
            [("7.2450", None), ("85个基点", "down")],
        ),
        (
            "Revenue $12.3B +15% YoY | Net income $2.1B -3% | EPS $1.45 vs $1.38 est.",
            [
                ("$12.3B", None),
                ("+15%", "up"),
                ("$2.1B", None),
                ("-3%", "down"),
                ("$1.45", None),
                ("$1.38", None),
            ],
        ),
        (
            "Q3 revenue: $94.9bn (+6%); gross margin 46.2% (+0.9pt); services $25.0bn (+12%)",
            [
                ("$94.9bn", None),
                ("+6%", "up"),
                ("46.2%", None),
                ("+0.9pt", "up"),
                ("$25.0bn", None),
                ("+12%", "up"),
            ],
        ),
        (
            "营业收入 1,200亿元 同比+8.5% | 归母净利润 250亿元 同比-4.2% | 毛利率 22.1%",
            [
                ("1,200亿元", None),
                ("+8.5%", "up"),
                ("250亿元", None),
                ("-4.2%", "down"),
                ("22.1%", None),
            ],
        ),
        (
            "单季度营收356亿元，环比+12%，同比-3%；毛利率19.2%，环比提升1.5pct。",
            [("356亿元", None), ("+12%", "up"), ("-3%", "down"), ("19.2%", None), ("1.5pct", "up")],
        ),
        ("毛利率同比提升1.2pct至28.5%。", [("1.2pct", "up"), ("28.5%", None)]),
        (
            "Sales ¥3,000 billion (-2%), operating profit ¥320 billion (+5%)",
            [("¥3,000 billion", None), ("-2%", "down"), ("¥320 billion", None), ("+5%", "up")],
        ),
        (
            "Gross margin expanded 2.1ppt to 45.3%, operating margin contracted 50 bps.",
            [("2.1ppt", "up"), ("45.3%", None), ("50 bps", "down")],
        ),
        (
            "The IPO raised $1.5 billion, and the startup raises $50 million in new funding.",
            [("$1.5 billion", None), ("$50 million", None)],
        ),
    ],
)
def test_figures(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert figures(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Stream it in 1080p at 12pt type; see page 5pct.",
        "The index rose 3 times this year; trading volume was 4 times the 30-day average.",
        "Order number 600123 was shipped; reference code 300750-A; call 800-555-0199.",
        "The meeting is at 3:30 pm on 12/15, Room 2330; In 2024 we moved.",
        "Xiaomi sold 1.2 million phones; the SU7 has 200,000 orders; 10 to the dollar store.",
    ],
)
def test_not_figures(text: str) -> None:
    # type sizes, "5pct." after a space, counts of times, codes, phone numbers, times, dates,
    # rooms, years, counts of things, a dollar store
    assert figures(text) == []


# --- tickers ---


@pytest.mark.parametrize(
    ("text", "symbols"),
    [
        ("Top movers: NVDA +3.2%, TSLA -4.1%, AAPL +0.5%.", {"AAPL.US", "NVDA.US", "TSLA.US"}),
        ("Bernstein: AVGO PT $1,900, reiterate Outperform.", {"AVGO.US"}),
        (
            "Tencent (0700.HK) target price raised to HK$450; Meituan (3690.HK) PT HK$180.",
            {"0700.HK", "3690.HK"},
        ),
        ("$NVDA PT raised to $200 at Bernstein; $AMD cut to $150.", {"NVDA.US", "AMD.US"}),
        ("比亚迪(01211.HK)获大摩上调目标价至450港元。", {"1211.HK"}),
        ("小米集团-W(01810)收涨4.5%，报38.20港元。", {"1810.HK"}),
        ("大摩：予騰訊(00700)目標價480元，評級「增持」。", {"0700.HK"}),
        ('中信建投：维持贵州茅台(600519.SH)"买入"评级。', {"600519.SH"}),
        ("元大投顧看好聯發科(2454)，目標價1,500元。", {"2454.TW"}),
        ("Daiwa cuts Sony (6758) to Neutral, target ¥3,200.", {"6758.T"}),
        ("HSBC Global Research downgrades AstraZeneca (AZN LN) to Hold.", {"AZN.L"}),
        ("Jefferies: SK hynix (000660 KS) top pick.", {"000660.KS"}),
        ("TSMC (2330.TW) ADRs (TSM) rose 2%.", {"2330.TW", "TSM.US"}),
        (
            "Shopify (TSX: SHOP) gained 6%, while Royal Bank of Canada (RY.TO) edged up 0.2%.",
            {"SHOP.TO", "RY.TO"},
        ),
    ],
)
def test_tickers(text: str, symbols: set[str]) -> None:
    assert tickers(text) == symbols


@pytest.mark.parametrize(
    "text",
    [
        "EPS of $1.23 beat; the ETF and IPO markets were quiet, and the FED held.",
        "The SPX closed at 5,430 and NDX at 19,200; HSI fell 1%; USD/JPY at 151.20.",
        "DXY, WTI and LME copper all fell; the KOSPI and TAIEX rose.",
        "Q2 EPS $1.23; FY25 revenue guidance $12bn; 2Q24 margins improved.",
        "The company's CFO said GDP growth and AI demand would lift EPS by 10%.",
        "CEO +3%; GDP -0.3%; CPI +0.2%; US -1%; TSLA - the EV maker",
        "Order number 600123 was shipped; call 800-555-0199 or +852 2123 4567.",
        "邮编100020，电话010-65234567；项目编号600120，合同号300888。",
        "SAP shares hit a record high of €240.",
    ],
)
def test_not_tickers(text: str) -> None:
    assert tickers(text) == set()


# --- company names ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "宁德时代与比亚迪今日股价均上涨，招商银行和中国平安则小幅下跌。",
            [
                ("宁德时代", "300750.SZ"),
                ("比亚迪", "002594.SZ"),
                ("招商银行", "600036.SH"),
                ("中国平安", "601318.SH"),
            ],
        ),
        (
            "美团、京东、拼多多和网易的港股均走高，百度跌2%。",
            [
                ("美团", "3690.HK"),
                ("京东", "9618.HK"),
                ("拼多多", "PDD.US"),
                ("网易", "9999.HK"),
                ("百度", "9888.HK"),
            ],
        ),
        (
            "Alphabet and Berkshire Hathaway gained, while JPMorgan and Eli Lilly slipped and Broadcom jumped 4%.",
            [
                ("Alphabet", "GOOGL.US"),
                ("Berkshire Hathaway", "BRK.B.US"),
                ("JPMorgan", "JPM.US"),
                ("Eli Lilly", "LLY.US"),
                ("Broadcom", "AVGO.US"),
            ],
        ),
        (
            "Toyota, Sony and SoftBank led gains in Tokyo.",
            [("Toyota", "7203.T"), ("Sony", "6758.T"), ("SoftBank", "9984.T")],
        ),
        (
            "Samsung Electronics and SK hynix rose on memory-chip optimism.",
            [("Samsung Electronics", "005930.KS"), ("SK hynix", "000660.KS")],
        ),
        (
            "TSMC, Hon Hai and MediaTek all rose in Taipei; Foxconn said sales grew 20%.",
            [
                ("TSMC", "TSM.US"),
                ("Hon Hai", "2317.TW"),
                ("MediaTek", "2454.TW"),
                ("Foxconn", "2317.TW"),
            ],
        ),
        (
            "台積電、鴻海和聯發科股價同步走高。",
            [("台積電", "2330.TW"), ("鴻海", "2317.TW"), ("聯發科", "2454.TW")],
        ),
        (
            "ASML, LVMH, SAP and Siemens weighed on European stocks.",
            [("ASML", "ASML.US"), ("LVMH", "MC.PA"), ("SAP", "SAP.DE"), ("Siemens", "SIE.DE")],
        ),
        (
            "HSBC, Shell and AstraZeneca lifted the FTSE 100.",
            [("HSBC", "HSBA.L"), ("Shell", "SHEL.L"), ("AstraZeneca", "AZN.US")],
        ),
        (
            "Siemens Energy rose 4%, while Siemens Healthineers fell and Siemens gained.",
            [
                ("Siemens Energy", "ENR.DE"),
                ("Siemens Healthineers", "SHL.DE"),
                ("Siemens", "SIE.DE"),
            ],
        ),
        (
            "京东物流与京东健康股价上涨，京东集团走低。",
            [("京东物流", "2618.HK"), ("京东健康", "6618.HK"), ("京东集团", "9618.HK")],
        ),
        ("网易云音乐与网易均上涨。", [("网易云音乐", "9899.HK"), ("网易", "9999.HK")]),
        ("SAP shares hit a record high of €240.", [("SAP", "SAP.DE")]),
        (
            "Block, the payments company led by Jack Dorsey, reported gross profit of $2.25 billion.",
            [("Block", "XYZ.US")],
        ),
        ("Target, the discount retailer, cut prices on 2,000 items.", [("Target", "TGT.US")]),
        (
            "Block trades of 1 million shares crossed; Block Inc reported gross profit of $2.2 billion.",
            [("Block Inc", "XYZ.US")],
        ),
        ("平安夜的商场人流如织，中国平安股价则小幅上涨。", [("中国平安", "601318.SH")]),
    ],
)
def test_companies(text: str, expected: list[tuple[str, str]]) -> None:
    assert companies(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "You need a Visa to travel to China, and the application fee is $140.",
        "The phone's aluminium shell cracked after a fall; a new shell costs $30.",
        "In the story, the Oracle of Delphi spoke in riddles.",
        "The Oracle of Omaha, Warren Buffett, wrote his annual letter.",
        "There is a wide gap between the two estimates; the Gap between rich and poor widened.",
        "They crossed the ford at dawn; Ford, the river crossing, was flooded.",
        "Apple pie and banana bread; Apple, the fruit, is healthy.",
        "祝大家出入平安，生活美满，平安夜快乐。",
        "这里的风景真美的让人难忘。",
        "他在中信息技术部门工作；他写了一篇关于中信用体系的文章。",
        "Alphabet soup of agencies: SEC, CFTC, FDIC and OCC.",
        "A meta-analysis of 40 studies found the effect was small.",
        "Shell casing and shell companies are not the oil major.",
    ],
)
def test_not_companies(text: str) -> None:
    assert companies(text) == []
