"""Cleaning generalisation, round 3: articles written for these tests in the styles of publishers
a finance reader meets (newswire releases, A-share portals, Hong Kong and Taiwan sites, opinion
sites, syndicated wire copy, WeChat accounts, brokers, blogs, research notes), each with its real
body and the boilerplate such a publisher wraps around it (tests/text/fixtures/round3/).

Per fixture: strings of boilerplate that must be gone, strings of the article that must stay,
and the source and author lifted. Then the kinds one at a time, each line alone between two
paragraphs of article text, so that a rule is checked without a tail cut hiding it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.helpers.fixture_articles import (
    BODY_EN,
    BODY_EN2,
    BODY_ZH,
    BODY_ZH2,
    Case,
    fixture_tests,
)

from finreader.text.process import compile_rules, process

FIXTURES = Path(__file__).parent / "fixtures" / "round3"


CASES: dict[str, Case] = {
    "newswire_release.txt": Case(
        drop=(
            "News provided by",
            "Nov 24, 2026, 07:00 ET",
            "About Harborline Logistics Inc.",
            "operates 46 cross-dock terminals",
            "Private Securities Litigation Reform Act",
            "Media Contact",
            "press@harborline.example",
            "Investor Contact",
            "SOURCE Harborline",
        ),
        keep=(
            "MEMPHIS, Tenn., Nov. 24, 2026 /PRNewswire/",
            "Revenue for the quarter was $612.4 million",
            "lift our volume outlook for the year",
            "Management will host a conference call",
        ),
        source="Harborline Logistics Inc.",
        title=(
            "Harborline Logistics Reports Third Quarter 2026 Results; "
            "Raises Full-Year Freight Volume Outlook"
        ),
    ),
    "ashare_sina.html": Case(
        drop=(
            "原标题",
            "来源：上海证券报",
            "海量资讯",
            "责任编辑",
            "声明：",
            "相关阅读",
            "光伏组件排产环比回升",
        ),
        keep=(
            "11月以来，光伏辅材板块走势明显分化",
            "明年一季度组件排产数据将是判断板块拐点的重要信号",
            "反弹的持续性仍需观察",
        ),
        source="上海证券报",
    ),
    "hk_trad.txt": Case(
        drop=(
            "2026年11月27日 16:18",
            "相關文章",
            "港股開市｜恒指高開118點",
            "編輯",
            "免責聲明",
            "版權所有",
        ),
        keep=(
            "恒生指數今日高開低走",
            "內房股延續近日升勢",
            "南向資金今日淨買入約42億港元",
            "股價跌6.5%",
        ),
        title="港股收市｜恒指半日倒跌後回穩 科指升0.8% 內房股再度走強",
    ),
    "tw_article.html": Case(
        drop=(
            "記者陳怡君",
            "2026-11-26 14:32",
            "延伸閱讀",
            "散熱族群10月營收創高",
            "訂閱電子報",
            "免責聲明",
        ),
        keep=(
            "晶圓代工龍頭持續擴充先進封裝產能",
            "第四季DRAM合約價仍將季增",
            "法說會對明年展望的說法",
        ),
        author="陳怡君",
        title="台積電先進封裝產能再擴 供應鏈設備廠明年營收看增",
    ),
    "seekingalpha.html": Case(
        drop=("Analyst's Disclosure", "beneficial long position", "Seeking Alpha's Disclosure"),
        keep=(
            "Copperfield Mining's third-quarter cash costs",
            "The obvious risk is the copper price itself.",
            "I rate Copperfield a Buy.",
        ),
    ),
    "benzinga_yahoo.txt": Case(
        drop=(
            "Wed, Nov 25, 2026, 9:41 AM",
            "In This Article",
            "+18.42%",
            "Story continues",
            "Read Next",
            "Biotech Stocks Rally As Rate Cut Hopes Build",
            "Three Healthcare Names Analysts Upgraded",
            "Don't Miss",
            "This Startup Wants",
            "Photo: Shutterstock",
            "Northwind Terminal",
            "View Comments",
        ),
        keep=(
            "Solvane Therapeutics Inc. (NASDAQ:SLVN) shares were climbing",
            "The company will present full results at a medical meeting next year.",
            "SLVN Price Action:",
            "$412 million in cash",
        ),
        title="Solvane Therapeutics Shares Jump After Late-Stage Migraine Trial Meets Main Goal",
    ),
    "wechat_account.txt": Case(
        drop=(
            "点击蓝字",
            "原创 周启航",
            "本文仅代表作者个人观点",
            "END",
            "往期推荐",
            "10月社融点评",
            "阅读原文",
            "在看",
        ),
        keep=(
            "11月PMI前瞻：需求端边际改善，但价格指数仍是短板",
            "10月制造业PMI回落至49.3%",
            "我们维持四季度GDP同比增长4.6%左右的判断。",
            "重要经济会议",
        ),
        # The follow prompt above the headline is not the title.
        title=None,
    ),
    "fx_broker.html": Case(
        drop=(
            "By Tomasz Wielgosz",
            "Risk warning",
            "losses can exceed your initial deposit",
            "general market commentary",
            "Open a live account",
        ),
        keep=(
            "The euro spent most of last week in a narrow range",
            "Key events this week",
            # A list under the article's own heading is article text, not a teaser run.
            "Tuesday: German state CPI releases",
            "Wednesday: US Q3 GDP second estimate",
            "Friday: Eurozone flash HICP for November",
            "A stronger core reading, by contrast, could push the pair through resistance.",
        ),
        author="Tomasz Wielgosz",
        title="EUR/USD Weekly Outlook: Euro Holds Above 1.08 Ahead of Eurozone Inflation Data",
    ),
    "blog_appeared.html": Case(
        drop=("appeared first on", "Quiet Compounder", "Related posts", "Why I Own Railroads"),
        keep=(
            "Dividend investors had a busy November.",
            "What I bought",
            "cross $1,000 in a single month for the first time.",
        ),
    ),
    "research_note.txt": Case(
        drop=(
            "证券研究报告",
            "分析师：何思远",
            "执业证书编号",
            "研究助理",
            "风险提示",
            "原材料价格大幅上涨；海外需求不及预期",
            "分析师声明",
            "评级说明",
            "免责条款",
        ),
        keep=(
            "核心观点",
            "11月家电板块跑赢沪深300指数2.1个百分点",
            "铜价较10月高点回落约6%",
            "推荐估值低、分红率高的白电龙头",
        ),
        author="何思远",
        title="家电行业2026年12月投资策略：出口韧性仍在，内销等待以旧换新接力",
    ),
    "eastmoney_source_in_tail.txt": Case(
        drop=(
            "东方财富网 2026年11月28日",
            "免责声明",
            "来源：东方财富研究中心",
            "作者：数据宝",
            "请以交易所公告为准",
        ),
        keep=(
            "北向资金全周净买入112.4亿元",
            "北向资金持有A股总市值约2.31万亿元",
            "投资者可关注业绩确定性较高、估值合理的蓝筹品种。",
            # The figures' own attribution is article text.
            "（数据来源：东方财富Choice数据）",
        ),
        # The source line two lines above the end of the cut disclaimer.
        source="东方财富研究中心",
        title="北向资金本周净买入超百亿元 电力设备和银行获重点加仓",
    ),
    "hk_press_release.html": Case(
        drop=(
            "關於滙峯資本",
            "於香港聯合交易所主板上市",
            "傳媒查詢",
            "企業傳訊部",
            "media@example.hk",
        ),
        keep=(
            "滙峯資本集團公佈2026年中期業績",
            "股東應佔溢利約3.4億港元",
            "成本收入比率由去年同期的64%改善至61%",
            "並加大對數碼平台的投資。」",
        ),
    ),
    "yahoo_syndicated.html": Case(
        drop=("Story continues", "Reporting by", "Recommended Stories", "Gold steadies"),
        keep=(
            "(Bloomfield Wire) - Oil prices fell",
            "Brent crude futures settled down 94 cents",
            "In Asia, customs figures showed",
            "more than 500,000 barrels per day next year.",
            "lowest in four months",
        ),
    ),
}


(
    test_every_fixture_has_a_case,
    test_fixture_boilerplate_goes_and_article_stays,
    test_fixture_metadata,
    test_fixture_cleaning_is_idempotent,
) = fixture_tests(FIXTURES, CASES)


# ---------------------------------------------------------------------------------------------
# The kinds one at a time: one line between two paragraphs of article text


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("Before it's here, it's on the Example Terminal.", "service-promo"),
        ("Trade gold and indices with tight spreads. Open a live account today.", "service-promo"),
        (
            "CFDs are complex instruments and most retail accounts lose money when trading them.",
            "risk-warning-en",
        ),
        ("72% of retail investor accounts lose money when trading spread bets.", "risk-warning-en"),
        (
            "Forex trading carries a high level of risk and may not be suitable for all investors.",
            "risk-warning-en",
        ),
        ("Trading on margin, you could lose more than your initial deposit.", "risk-warning-en"),
        ("Spread betting is high risk. Losses can exceed deposits.", "risk-warning-en"),
        (
            "This material does not take into account your personal objectives or financial "
            "situation.",
            "risk-warning-en",
        ),
        ("Nothing here is a solicitation or an offer to buy any security.", "risk-warning-en"),
        ("Tue, Nov 24, 2026, 6:05 PM", "timestamp"),
        ("November 24, 2026 at 7:00 a.m. EST", "timestamp"),
        ("24 Nov 2026, 10:12 GMT", "timestamp"),
        ("Mar. 3, 2026 · 4 min read", "timestamp"),
        ("-2.31%", "counter"),
        ("点击上方蓝字，关注我们", "newsletter-pitch"),
        ("戳上方蓝字，一键关注", "newsletter-pitch"),
        ("免費訂閱電子報，每週掌握理財新知", "newsletter-pitch"),
        ("点击“阅读原文”下载报告全文", "free-report-link"),
        ("分享 点赞 在看", "nav-words"),
        ("研究助理：王小明", "editor-line"),
        ("证券研究报告 | 公司点评", "report-label-zh"),
        ("研究报告｜行业深度", "report-label-zh"),
        ("证券研究报告", "report-label-zh"),
    ],
)
def test_a_boilerplate_line_between_paragraphs_goes(line: str, rule: str) -> None:
    body = (BODY_EN, BODY_ZH) if rule != "timestamp" else (BODY_EN, BODY_EN2)
    art = process("\n\n".join([body[0], line, body[1]]), is_html=False)
    assert art.text == f"{body[0]}\n\n{body[1]}"
    assert rule in {r.rule for r in art.removed}


@pytest.mark.parametrize(
    "heading",
    [
        "Read Next:",
        "Up Next",
        "Risk Warning:",
        "High Risk Investment Warning:",
        "關於滙峯資本集團有限公司",
        "关于某某科技股份有限公司",
        "傳媒查詢：",
        "投资者关系联系方式：",
        "媒体联系人",
    ],
)
def test_a_closing_heading_cuts_the_tail(heading: str) -> None:
    raw = "\n\n".join(
        [BODY_EN, BODY_ZH, heading, "A teaser headline that follows", "电话：021-0000 0000"]
    )
    assert process(raw, is_html=False).text == f"{BODY_EN}\n\n{BODY_ZH}"


@pytest.mark.parametrize(
    "text",
    [
        # Article sentences that mention the kinds' words.
        "Investors who open a brokerage account this year get a lower fee, the bank said, "
        "as it competes with online rivals for younger savers.",
        "Regulators said many retail traders lose money on CFDs and proposed tighter "
        "leverage limits for the products from next year, citing complaints about losses.",
        "该券商表示，今年以来线上开户数量同比增长三成，其中年轻投资者占比超过一半。",
        "关于公司未来三年的发展规划，董事长在股东大会上作了详细说明。",
        "证券研究报告显示，今年以来券商行业的研究报告数量同比下降约一成。",
        "The index fell 2.31% on the day.",
        "Shares of Example Corp will start trading today on the Nasdaq under the ticker EXMP.",
        "The regulator found that 80% of forex traders lose money within a year of opening "
        "an account, and said leveraged products would face tighter limits.",
        "用户可通过APP一键开户，该券商表示今年线上开户数同比增长三成。",
        "The bank's shares are leveraged to higher rates, analysts said.",
        "On Nov 24, 2026, the board approved the plan.",
    ],
)
def test_article_sentences_with_the_kinds_words_stay(text: str) -> None:
    art = process("\n\n".join([BODY_EN, text, BODY_EN2]), is_html=False)
    assert text in art.text


@pytest.mark.parametrize(
    ("line", "field", "value"),
    [
        ("News provided by Example Holdings Ltd.", "source", "Example Holdings Ltd."),
        ("证券时报网 2026-11-28 09:15", "source", "证券时报网"),
        ("財經日報 2026年11月28日", "source", "財經日報"),
        ("记者 王明／上海报道", "author", "王明"),
        ("記者林怡君／台北報導", "author", "林怡君"),
        ("分析师：李华 SAC执业证书编号：S0000520260002", "author", "李华"),
        ("研究员：张三", "author", "张三"),
    ],
)
def test_a_byline_line_is_lifted(line: str, field: str, value: str) -> None:
    art = process("\n\n".join([BODY_ZH, line, BODY_ZH2]), is_html=False)
    assert art.text == f"{BODY_ZH}\n\n{BODY_ZH2}"
    assert getattr(art, field) == value


@pytest.mark.parametrize(
    "tag",
    ["〔記者王小明／台北報導〕", "（记者 李华／北京报道）", "【记者 张三】", "（記者林怡君）"],
)
def test_a_reporter_tag_opening_a_paragraph_is_trimmed(tag: str) -> None:
    art = process("\n\n".join([BODY_ZH, tag + BODY_ZH2]), is_html=False)
    assert art.text == f"{BODY_ZH}\n\n{BODY_ZH2}"


# ---------------------------------------------------------------------------------------------
# The source line inside a cut tail


def test_source_line_above_the_end_of_a_disclaimer_is_lifted() -> None:
    raw = "\n\n".join(
        [
            BODY_ZH,
            BODY_ZH2,
            "免责声明：本文仅供参考，不构成投资建议。",
            "来源：证券时报",
            "作者：某某",
            "数据仅供参考。",
        ]
    )
    art = process(raw, is_html=False)
    assert art.text == f"{BODY_ZH}\n\n{BODY_ZH2}"
    assert art.source == "证券时报"
    assert art.author is None  # an author inside a cut is never lifted


def test_source_line_of_a_teaser_under_a_disclaimer_is_not_lifted() -> None:
    # A teaser list after the disclaimer: its headline (no closing punctuation) stops the walk.
    raw = "\n\n".join(
        [
            BODY_ZH,
            BODY_ZH2,
            "免责声明：本文仅供参考。",
            "某公司三季度营收增长两成",
            "来源：别家媒体",
            "另一篇文章的标题",
        ]
    )
    assert process(raw, is_html=False).source is None


def test_source_line_after_a_teaser_heading_is_not_lifted() -> None:
    raw = "\n\n".join(
        [BODY_ZH, BODY_ZH2, "相关阅读", "来源：别家媒体", "某公司发布公告称将回购股份。"]
    )
    assert process(raw, is_html=False).source is None
    raw = "\n\n".join(
        [
            BODY_ZH,
            BODY_ZH2,
            "免责声明：本文仅供参考。",
            "相关阅读",
            "来源：别家媒体",
            "某公司发布公告。",
        ]
    )
    assert process(raw, is_html=False).source is None


def test_source_line_far_above_the_end_is_not_lifted() -> None:
    closing = [f"这是第{i}条提示。" for i in range(1, 6)]
    raw = "\n\n".join([BODY_ZH, BODY_ZH2, "免责声明：本文仅供参考。", "来源：证券时报", *closing])
    assert process(raw, is_html=False).source is None


# ---------------------------------------------------------------------------------------------
# Structure: lists under the article's headings, boilerplate above the headline

AGENDA = [
    "Tuesday: German state CPI releases for November",
    "Wednesday: US third-quarter GDP second estimate",
    "Friday: Eurozone flash HICP inflation for November",
]


def test_a_list_under_an_article_heading_stays() -> None:
    items = "".join(f"<li>{t}</li>" for t in AGENDA)
    raw = f"<p>{BODY_EN}</p><p>{BODY_EN2}</p><h2>Key events this week</h2><ul>{items}</ul>"
    text = process(raw, is_html=True).text
    assert all(t in text for t in AGENDA)


def test_a_list_of_links_under_a_heading_is_still_a_teaser_run() -> None:
    items = "".join(
        f'<li><a href="https://example.com/{i}">{t}</a></li>' for i, t in enumerate(AGENDA)
    )
    raw = f"<p>{BODY_EN}</p><p>{BODY_EN2}</p><h2>Elsewhere on the site</h2><ul>{items}</ul>"
    art = process(raw, is_html=True)
    assert not any(t in art.text for t in AGENDA)


def test_a_follow_prompt_above_the_headline_is_not_the_title() -> None:
    raw = "\n\n".join(
        ["点击蓝字 关注我们", "某某科技三季度营收增长12%", "作者：王明", BODY_ZH, BODY_ZH2]
    )
    art = process(raw, is_html=False)
    assert art.title == "某某科技三季度营收增长12%"
    assert art.author == "王明"
    assert art.text == f"{BODY_ZH}\n\n{BODY_ZH2}"


NOTICE_TAILS = frozenset(
    {
        "disclaimer-zh",
        "disclaimer-en",
        "risk-warning-heading-zh",
        "forward-looking-statements",
        "about-company-tail",
        "press-release-end",
        "disclosure-en",
    }
)


def test_notice_tails_name_built_in_tail_rules() -> None:
    """rules.toml marks `closing` the tails whose cut may hold the article's own source line;
    one that lost the mark would silently fall back to the last line only."""
    rules = compile_rules()
    tails = {rule.name for g in rules.tails for rule in g.rules}
    assert NOTICE_TAILS.issubset(tails)
    assert NOTICE_TAILS.issubset(rules.closing)
