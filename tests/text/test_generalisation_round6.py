"""Cleaning generalisation, round 6: what FEED ITEMS carry, in items written for these tests
(tests/text/fixtures/round6/; all names and wording made up): the HTML inside an RSS or Atom
item's <description> or <content:encoded>, and plain-text summaries, as blog platforms, feed
services, aggregators, quote portals, newswires and Chinese, Hong Kong and Taiwan feeds
produce them. Excerpts that end "[…]" and "Continue reading →", share and like rows, related-post
plugin lists, a feed service's subscribe links and tracking images, a newsletter platform's
buttons, a blog platform's "Published in" and "min read" lines, an aggregator's headline list,
"Read more »" and "…(more)" after a summary, a newswire's attachments and contacts, 查看全文 /
阅读全文>> / 点击查看原文, （来源：…）, app prompts, a feed bridge's repost and generator notices,
詳細內容 / 全文 / 更多新聞.

Per fixture: strings of boilerplate that must be gone, strings of the article that must stay
(a summary with its read-more link keeps its summary), and the source, author and title found.
Then the kinds one at a time, article sentences that use the kinds' words, and the source line
inside a cut notice tail above a link back to the page.
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
    between,
    fixture_tests,
)

from finreader.text.process import process

FIXTURES = Path(__file__).parent / "fixtures" / "round6"


CASES: dict[str, Case] = {
    "wp_excerpt.html": Case(
        drop=(
            "[…]",
            "Continue reading",
            "Share this:",
            "Facebook",
            "LinkedIn",
            "Like this:",
            "Like Loading",
        ),
        keep=(
            "Small-cap value funds have lagged the broad market",
            "for eleven straight months before September.",
            # The excerpt's last sentence stays, without its truncation mark.
            "and at the three funds we hold in our model portfolio",
        ),
    ),
    "wp_related_posts.html": Case(
        drop=(
            "Related posts:",
            "Permian consolidation: who is next on the list?",
            "Private equity is looking for the exit in shale",
            "Share this:",
            "Reddit",
            "Like Loading",
        ),
        keep=(
            "Lumen Ridge Energy agreed on Monday to buy privately held Cobalt Basin Resources",
            '"This is acreage we have wanted next to ours for five years,"',
            "subject to regulatory approval.",
        ),
    ),
    "feedburner_footer.html": Case(
        drop=(
            "Subscribe to the Example FX Desk feed",
            "Get FX Desk by email",
            "Email this",
            "Bookmark",
            "Add to Google",
            "feeds.example-fxdesk.com",
        ),
        keep=(
            "The dollar slipped against most major currencies on Wednesday",
            "Two-year Treasury yields fell seven basis points to 3.41%.",
            "for signs of how quickly price pressures are easing outside goods.",
        ),
    ),
    "substack_post.html": Case(
        drop=(
            "Subscribe now",
            "Leave a comment",
            "Thanks for reading The Curve Letter!",
            "Subscribe for free to receive new posts",
            "Upgrade to paid",
            "\n\nShare\n\n",
        ),
        keep=(
            "Welcome back to The Curve Letter.",
            "Ten-year yields have risen about 40 basis points",
            "rates closer to 7% than 6%.",
            "if the next two auctions tail.",
        ),
    ),
    "medium_post.html": Case(
        drop=(
            "Follow",
            "Published in",
            "6 min read",
            "Nov 24, 2026",
            "is not investment advice",
            "was originally published in",
            "where people are continuing the conversation",
        ),
        keep=(
            "When a stock yields three times what the market pays, it is rarely a gift.",
            "There are three numbers I check before buying any high yielder.",
            "I am staying out until the next book value print.",
        ),
        # The publication line under the author names the publisher.
        source="Income Investing Notes",
        title="What a 14% dividend yield is really telling you",
    ),
    "medium_scrape.txt": Case(
        drop=(
            "Member-only story",
            "Follow",
            "Published in",
            "5 min read",
            "Listen",
            "\n\nShare\n\n",
            "Written by",
            "More from Priya Natarajan",
        ),
        keep=(
            "Several mid-sized US banks have started repurchasing their own subordinated debt",
            "investors should strip them out when comparing earnings with the prior year.",
            "particularly from lenders whose shares still trade below tangible book value.",
        ),
        source="Balance Sheet Notes",
        author="Priya Natarajan",
        title="Why regional banks are quietly buying back their own bonds",
    ),
    "google_news_cluster.html": Case(
        drop=("View Full coverage",),
        # An aggregator's item is its list of headlines: they are the text.
        keep=(
            "Chipmaker Veltrix forecasts record quarter on AI server demand",
            "Veltrix shares jump after upbeat outlook, new buyback",
            "Analysis: Can Veltrix keep its margins as rivals add capacity?",
        ),
    ),
    "yahoo_rss_summary.txt": Case(
        drop=("Read more", "»", "Click here to read the full article"),
        keep=(
            "Harbor Point Bancorp reported third-quarter profit that beat analysts' estimates",
            "after pausing them last year to rebuild capital...",
        ),
    ),
    "sa_summary.txt": Case(
        drop=("(more)",),
        keep=(
            "Northgate Utilities has lagged its peers for two years",
            "with the main risk being wildfire liability in its western service territory.",
        ),
    ),
    "nasdaq_one_paragraph.html": Case(
        # One summary paragraph and its link: the summary stays whole.
        drop=("Read more", "»"),
        keep=(
            "Crestline Foods (CRLF) cut its full-year sales forecast on Thursday, citing weaker "
            "demand for its premium frozen meals as shoppers trade down to store brands, and said "
            "it would close two plants in the Midwest to save about $60 million a year.",
        ),
    ),
    "newswire_rss.html": Case(
        drop=(
            "Attachment",
            "Borealis Kestrel Lake Table 1",
            "CNW Group",
            "Contact:",
            "Media Relations",
            "info@borealis-example.com",
            "View original content",
            "SOURCE Borealis",
        ),
        keep=(
            "TORONTO, Nov. 26, 2026 /CNW/ - Borealis Minerals Corp. (TSX: BMC)",
            "Highlights include 4.1 grams per tonne gold over 38.0 metres",
            '"These results confirm the continuity of the higher-grade core',
            "followed by a pre-feasibility study in the second half of the year.",
            # The qualified-person statement is part of the release.
            "who is a qualified person under National Instrument 43-101.",
        ),
        source="Borealis Minerals Corp.",
    ),
    "globenewswire_rss.html": Case(
        drop=(
            "A photo accompanying this announcement is available",
            "Investor Relations",
            "ir@nordavind-example.no",
            "Posted in Shipping",
            "Leave a comment",
        ),
        keep=(
            "OSLO, Norway, Nov. 27, 2026 (GLOBE NEWSWIRE) -- Nordavind Shipping ASA",
            "scheduled for delivery in 2028.",
            '"Selling older tonnage into a firm second-hand market lets us renew the fleet',
        ),
    ),
    "wp_plain_summary.txt": Case(
        drop=(
            "Posted in Metals",
            "Leave a comment",
            "Comments Off on",
            "Originally posted on",
            "personal, non-commercial use",
        ),
        keep=(
            "Copper rose to a four-month high on Thursday",
            "bonded-warehouse stocks are at their lowest since March.",
        ),
    ),
    "businesswire_rss.html": Case(
        drop=(
            "Multimedia Files",
            "(Photo: Business Wire)",
            "View source version",
            "Investor Contact",
            "ir@quillon-example.com",
            "Media Contact",
        ),
        keep=(
            "SAN JOSE, Calif.--(BUSINESS WIRE)--Quillon Systems, Inc. (NASDAQ: QLLN)",
            "Non-GAAP earnings per share were $1.12.",
            '"We have never had this much visibility into the following year."',
            "above the consensus estimate of about $425 million.",
        ),
    ),
    "sina_rss.html": Case(
        drop=("查看全文", "（来源：", "更多精彩，请下载", "客户端"),
        keep=(
            "11月26日，A股三大指数集体收涨",
            "北向资金全天净买入约56亿元",
            "“年底前，市场可能以结构性行情为主，科技成长方向有望延续活跃。”",
            "避免盲目追高。",
        ),
        source="新浪财经",
    ),
    "eastmoney_rss.txt": Case(
        drop=(
            "阅读全文",
            "免责声明",
            "文章来源",
            "数据仅供参考",
            "责任编辑",
            "点击查看原文",
        ),
        keep=(
            "东方财富网11月26日讯，国家统计局今日公布数据显示",
            "高技术制造业利润增长较快",
            "全年利润增速有望保持正增长。",
        ),
        # The source line two lines above the end of the cut disclaimer, above an editor's
        # line and the link back to the page.
        source="东方财富网",
    ),
    "caixin_summary.txt": Case(
        drop=("阅读全文", ">>"),
        keep=(
            "【财新网】多家大型银行近日下调人民币存款挂牌利率",
            "股份行和部分城商行预计将在未来两周内跟进调整。",
        ),
    ),
    "wallstreetcn_rss.html": Case(
        drop=("点击查看原文", "欢迎下载APP", "本文来自"),
        keep=(
            "美国10月核心PCE物价指数同比上涨2.8%",
            "市场对美联储12月再次降息25个基点的押注维持在七成左右。",
            "显示美国消费者在假日季前依然保持韧性。",
        ),
    ),
    "wechat_bridge.html": Case(
        drop=(
            "本文来自微信公众号",
            "wenjian_touyan",
            "阅读原文",
            "原文链接",
            "mp.weixin.example.com",
            "自动生成",
            "仅供个人阅读",
        ),
        keep=(
            "今年以来，可转债市场经历了一轮明显的估值修复。",
            "转债的“债底”保护吸引力上升",
            "存在较大的波动风险。",
            # The author's own risk note inside the article stays.
            "风险提示：正股大幅波动、信用风险超预期、流动性风险。",
        ),
        author="周沐阳",
    ),
    "hk_feed.html": Case(
        drop=("詳細內容", "更多新聞"),
        keep=(
            "恒生指數周三高開後反覆向上",
            "指數有望挑戰23,000點。",
            "投資者宜留意美元匯價及美債息走勢對港股的影響。",
        ),
    ),
    "tw_feed.txt": Case(
        drop=("\n\n全文", "更多新聞", "本文由", "轉載請註明出處"),
        keep=(
            "台股周三在電子權值股帶動下走高",
            "建議投資人控制持股水位。",
            "將是影響下周台股走勢的關鍵。",
        ),
        source="經濟新聞網",
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
        # blog platforms' like, share and comment buttons
        ("Like Loading…", "nav-words"),
        ("Like Loading...", "nav-words"),
        ("Like", "nav-words"),
        ("Leave a comment", "nav-words"),
        ("Upgrade to paid", "nav-words"),
        ("Subscribe now", "newsletter-pitch"),
        ("Continue reading →", "nav-words"),
        # a feed service's footer
        ("Email this | Bookmark | Add to Google", "nav-words"),
        ("Subscribe to the Example Markets feed", "newsletter-pitch"),
        # a feed's link back to the page, in simplified and traditional characters
        ("全文", "nav-words"),
        ("全文>>", "nav-words"),
        ("更多新闻", "nav-words"),
        ("更多新聞", "nav-words"),
        ("详细内容", "nav-words"),
        ("詳細內容", "nav-words"),
        # a blog platform's buttons and labels
        ("Subscribe", "nav-words"),
        ("Give a gift subscription", "nav-words"),
        ("Member-only story", "nav-words"),
        ("6 min read · Nov 24, 2026", "timestamp"),
        # a blog feed item's meta row and origin
        ("Posted in Markets | Leave a comment", "topic-tags"),
        ("Posted in Uncategorized", "topic-tags"),
        ("Filed under Markets", "topic-tags"),
        ("Categories: Markets, Fed", "topic-tags"),
        ("Comments Off on Small caps finally get their turn", "topic-tags"),
        ("Originally posted on Example Blog", "originally-published"),
        ("This feed is for personal, non-commercial use only.", "copyright"),
        # a release's multimedia lines
        (
            "Photos accompanying this announcement are available at https://example.com/a",
            "wire-credit",
        ),
        ("Figure 1: Plan map of the drilling (CNW Group/Example Minerals Corp.)", "wire-credit"),
        ("Example Corp logo (PRNewsfoto/Example Corp)", "wire-credit"),
        ("Logo - https://mma.example-newswire.com/media/123456/example_logo.jpg", "wire-credit"),
        (
            "To view the original version on Example Newswire visit https://example.com/x",
            "free-report-link",
        ),
        # a blog feed's link back to the post
        ("Continue reading on Example Blog »", "free-report-link"),
        ("Continue reading at Example Site", "free-report-link"),
        ("View original post", "free-report-link"),
        # Chinese feeds' links back and app prompts
        ("阅读原文", "nav-words"),
        ("点击查看原文", "nav-words"),
        ("更多内容请点击", "nav-words"),
        ("详情请点击", "nav-words"),
        ("即時新聞", "nav-words"),
        ("更多精彩，请关注某某财经APP", "newsletter-pitch"),
        ("更多资讯请关注某某财经客户端。", "newsletter-pitch"),
        # a feed bridge's note that it generated the item
        ("本文由某某RSS服务自动生成，仅供个人阅读。", "repost-notice-zh"),
        ("本文由RSS轉換服務自動生成。", "repost-notice-zh"),
        ("本文由RSSHub生成", "repost-notice-zh"),
        ("本文由 Feed43 抓取", "repost-notice-zh"),
    ],
)
def test_a_boilerplate_line_between_paragraphs_goes(line: str, rule: str) -> None:
    art, expected = between(line)
    assert art.text == expected
    assert rule in {r.rule for r in art.removed}
    assert art.author is None
    assert art.source is None


@pytest.mark.parametrize(
    "tail",
    [
        # the read-more label a summary ends with, after a sentence or with its arrow
        " Read more »",
        " Read more >>",
        " Read more",
        "... Read more »",
        " Continue reading →",
        " … Continue reading Small caps finally get their turn →",
        " Read the rest of this entry »",
        " […] Read more",
        " …(more)",
        " (more)",  # (a wire's "(MORE)", which editor-initials also takes)
    ],
)
def test_a_read_more_label_after_an_english_summary_goes(tail: str) -> None:
    art = process(BODY_EN + tail, is_html=False)
    assert art.text in (BODY_EN, BODY_EN + "...")
    assert art.removed


@pytest.mark.parametrize(
    "tail", [" 阅读全文>>", "阅读全文>>", " 查看全文", "查看全文→", " 閱讀全文>>", "全文»"]
)
def test_a_read_more_label_after_a_chinese_summary_goes(tail: str) -> None:
    art = process(BODY_ZH + tail, is_html=False)
    assert art.text == BODY_ZH
    assert "read-more-label" in {r.rule for r in art.removed}


def test_a_summary_with_only_its_link_keeps_the_summary() -> None:
    raw = f'<p>{BODY_EN} <a href="https://example.com/a">Read more &raquo;</a></p>'
    assert process(raw, is_html=True).text == BODY_EN


@pytest.mark.parametrize(
    "heading",
    [
        "Attachment",
        "Attachments",
        "Attachments:",
        "Multimedia Files:",
        "Multimedia:",
        "Media Relations",
        "Investor Relations:",
    ],
)
def test_a_releases_attachments_heading_cuts_its_tail(heading: str) -> None:
    raw = "\n\n".join([BODY_EN, BODY_EN2, heading, "Example Corp Table 1", "Contact: ir@x.com"])
    art = process(raw, is_html=False)
    assert art.text == f"{BODY_EN}\n\n{BODY_EN2}"
    assert "press-release-end" in {r.rule for r in art.removed}


@pytest.mark.parametrize(
    "text",
    [
        # Article sentences that use the kinds' words.
        f"{BODY_EN} Investors who want the details should read more",
        "Analysts urged clients to continue reading the fine print → and to check the fees.",
        "Lawmakers view the original version of the bill as flawed, analysts said.",
        "Posted in a note on Monday, the bank's outlook called for two more cuts",
        "Investors paid close attention to the company's APP user growth, analysts said.",
        "投资者请关注该公司APP用户增长情况。",
        "Media relations with the regulator have improved, the chief executive said.",
        "Subscribe-and-save programs lifted the retailer's repeat orders by 9%.",
        "Shareholders can read more about the plan in the company's annual filing.",
        "Investors who want the details should read more.",
        "Analysts said the company would like to open more stores, not fewer.",
        "The bank said it would hire (more) staff in its wealth unit, not fewer.",
        "Published in 2019, the central bank's framework review set the inflation target.",
        "The attachment to the dollar peg has cost the central bank $20 billion of reserves.",
        "Leave a comment period open for 60 days, the regulator told the exchanges.",
        "全文共分为三部分，分别讨论了货币政策、财政政策和产业政策。",
        "本文由三部分组成，第一部分回顾了今年的市场表现。",
        "更多新闻发布会将于下周举行，届时央行将公布更多细节。",
    ],
)
def test_article_sentences_with_the_kinds_words_stay(text: str) -> None:
    chinese = any("\u4e00" <= ch <= "\u9fff" for ch in text)
    body = (BODY_ZH, BODY_ZH2) if chinese else (BODY_EN, BODY_EN2)
    art = process("\n\n".join([body[0], text, body[1]]), is_html=False)
    assert text in art.text
    assert art.source is None and art.author is None


# ---------------------------------------------------------------------------------------------
# Metadata a feed item carries in its body


@pytest.mark.parametrize(
    ("line", "source"),
    [
        ("本文由某某财经网提供", "某某财经网"),
        ("本文由某某财经网提供，转载请注明出处。", "某某财经网"),
        ("本文由經濟新聞網提供 轉載請註明出處", "經濟新聞網"),
        ("Published in Example Markets Weekly", "Example Markets Weekly"),
        ("Published in Example Notes · 6 min read · Nov 24, 2026", "Example Notes"),
    ],
)
def test_a_feed_items_provider_line_is_the_source(line: str, source: str) -> None:
    art, expected = between(line)
    assert art.text == expected
    assert art.source == source
    assert art.author is None


@pytest.mark.parametrize(
    ("line", "author"),
    [
        ("本文来自微信公众号：某某投研（ID：mmty），作者：李华", "李华"),
        ("本文来自微信公众号“某某研究”（ID：mmyj），作者：李华，经授权转载。", "李华"),
        ("本文来自公众号：Alpha Notes，作者：Jane Roe", "Jane Roe"),
    ],
)
def test_a_repost_notice_naming_the_author_gives_the_author(line: str, author: str) -> None:
    art = process("\n\n".join([line, BODY_ZH, BODY_ZH2]), is_html=False)
    assert art.text == f"{BODY_ZH}\n\n{BODY_ZH2}"
    assert art.author == author
    assert art.source is None


def test_a_repost_notice_without_an_author_gives_none() -> None:
    art = process(
        "\n\n".join(["本文来自微信公众号“某某研究”，经授权转载。", BODY_ZH]), is_html=False
    )
    assert art.text == BODY_ZH
    assert art.author is None


# ---------------------------------------------------------------------------------------------
# The source line inside a cut notice tail, above a link back to the page


@pytest.mark.parametrize(
    "below",
    [
        ["点击查看原文"],
        ["责任编辑：王五", "点击查看原文"],
        ["数据仅供参考，使用前请核实。", "责任编辑：王五", "点击查看原文"],
        ['<a href="https://example.cn/a">点击查看原文</a>'],
        ['<a href="https://example.cn/a">阅读全文</a>'],
        ["原文链接：https://example.cn/a"],
        ['原文链接：<a href="https://example.cn/a">https://example.cn/a</a>'],
    ],
)
def test_source_line_above_a_link_back_to_the_page_is_lifted(below: list[str]) -> None:
    parts = [
        BODY_ZH,
        BODY_ZH2,
        "免责声明：本文仅供参考，不构成投资建议。",
        "（文章来源：证券时报）",
        *below,
    ]
    raw = "".join(f"<p>{p}</p>" for p in parts)
    art = process(raw, is_html=True)
    assert art.text == f"{BODY_ZH}\n\n{BODY_ZH2}"
    assert art.source == "证券时报"
    assert art.author is None


def test_source_line_of_a_teaser_above_the_original_link_is_not_lifted() -> None:
    parts = [
        BODY_ZH,
        BODY_ZH2,
        "免责声明：本文仅供参考。",
        "某公司三季度营收增长两成 海外订单放量",
        "来源：别家媒体",
        "原文链接：https://example.cn/b",
    ]
    assert process("\n\n".join(parts), is_html=False).source is None


def test_source_line_of_a_teaser_above_a_link_back_is_not_lifted() -> None:
    # A teaser's headline, a link, stops the walk whatever follows its source line.
    parts = [
        BODY_ZH,
        BODY_ZH2,
        "免责声明：本文仅供参考。",
        '<a href="https://example.cn/b">某公司三季度营收增长两成 海外订单放量</a>',
        "来源：别家媒体",
        '<a href="https://example.cn/b">点击查看原文</a>',
    ]
    raw = "".join(f"<p>{p}</p>" for p in parts)
    assert process(raw, is_html=True).source is None
