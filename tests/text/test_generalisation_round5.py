"""Cleaning generalisation, round 5: the residue that sits INSIDE pages and feed HTML, in articles
written for these tests (tests/text/fixtures/round5/; all names and wording made up): inline ad
labels, "continue reading" and paywall stubs, audio and video players, social-media embeds,
image captions and credits, mid-article newsletter and "Most read" boxes, QR and app prompts,
submission addresses, originality notices, cookie banners, script placeholders and topic-tag
rows; in HTML feed items (<figure>, <figcaption>, <blockquote class="twitter-tweet">, <aside>,
<table>) and scraped plain text; simplified and traditional Chinese, English.

Per fixture: strings of boilerplate that must be gone, strings of the article that must stay
(a data table, a quoted statement, the paragraphs after a mid-article box), and the source,
author and title found. Then the kinds one at a time, article sentences that use the kinds'
words, and the source line inside a cut tail above the page's chrome.
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

FIXTURES = Path(__file__).parent / "fixtures" / "round5"


CASES: dict[str, Case] = {
    "metro_daily.html": Case(
        drop=(
            "Listen to this article",
            "Photo by Dana Holt",
            "Advertisement",
            "Story continues below",
            "Morning Money newsletter",
            "in your inbox every weekday",
            "Enter your email",
            "Most read",
            "Mortgage rates dip",
            "Related Topics",
            "Interest Rates",
            "All rights reserved",
        ),
        keep=(
            "Regional banks across the Midwest are paying up to keep deposits",
            "Under $10bn | 3.41% | 3.18%",
            "Over $250bn | 2.74% | 2.81%",
            "A Wisconsin bank said last week",
            # The paragraphs after the mid-article boxes are the article.
            "Regulators have noticed.",
            '"This is a 2027 story, not a next-quarter story."',
        ),
        author="Nora Bell",
        title="Regional lenders lean on deposit promotions as funding costs stay stubborn",
    ),
    "tweet_embed.html": Case(
        drop=(
            "pic.twitter.com",
            "(@lenakorvane)",
            "Image: Korvane Motors",
            "View this post on Instagram",
            "A post shared by",
            "Watch the video",
            "Loading",
            "enable JavaScript",
        ),
        keep=(
            "Shares of Korvane Motors fell as much as 9% on Thursday",
            # The chief executive's post is the news: its words stay.
            "We are moving first deliveries of the Haul-X to H2 2027.",
            "we will not ship a truck we are not proud of.",
            "Rival Tessmark, which makes a competing long-haul model, rose 4%.",
        ),
    ),
    "crypto_social.html": Case(
        drop=(
            "Posted by",
            "Advertisement",
            "Image: Shutterstock",
            "(@northfielddgt)",
            "View this post on Instagram",
            "A post shared by",
            "Sponsored",
            "Related: Ether ETF",
            "Follow us on X",
        ),
        keep=(
            "Publicly listed bitcoin miners are accelerating deals",
            "Signed. 200MW, 10 years. This is the future of our power assets.",
            "Shares of Northfield Digital have risen 64% since it announced the deal.",
        ),
        author="Jamie Kwan",
        title="Bitcoin miners pivot to AI data centers as hash price hits record low",
    ),
    "paywall_scrape.txt": Case(
        drop=(
            "Skip to main content",
            "We use cookies",
            "Accept all",
            "Manage preferences",
            "Image: Getty Images",
            "This article is for subscribers only.",
            "Subscribe to unlock",
            "Already a subscriber?",
            "Continue reading",
            "Watch: How a copper mine",
            "Loading",
            "enable JavaScript",
            "Related Topics",
            "Commodities",
            "Markets",
        ),
        keep=(
            "Copper producers in Chile and Peru are lowering their production forecasts",
            '"The ore bodies are simply getting poorer,"',
            "cut its output by about a tenth for the quarter.",
        ),
        # The headline under the cookie banner, its buttons and the section label.
        title="Copper miners cut output guidance as grades fall and water costs climb",
    ),
    "tv_business.html": Case(
        drop=(
            "Watch the video",
            "Video duration",
            "Now playing",
            "Sponsored",
            "Photo by Sam Ortiz",
            "Market Close newsletter",
            "Story continues",
            "Listen to this article",
            "Related Topics",
            "We use cookies",
        ),
        keep=(
            "Airline shares fell on Monday after Transcontinental Air cut",
            '"Fuel is the one cost an airline cannot negotiate',
            "where analysts expect questions on fuel and capacity.",
        ),
        title="Airline stocks slide as jet fuel jumps and a key carrier trims its outlook",
    ),
    "scraped_markets_blog.txt": Case(
        drop=(
            "Posted by Marcus Hale",
            "Advertisement - Scroll to continue",
            "(@example_energy)",
            "pic.twitter.com",
            "Story continues below",
            "View this post on Instagram",
            "A post shared by",
            "Play audio",
            "Listen · 4:12",
            "Image: Example Images",
            "Tags: Oil",
            "Filed under",
            "free article limit",
            "Please wait while we load",
        ),
        keep=(
            "Brent crude barely moved on Monday",
            # The statement quoted from the post is the article's.
            '"OPEC+ remains committed to market stability.',
            "Commercial crude stocks in the developed world rose",
            "is a chance for long-term buyers.",
        ),
        author="Marcus Hale",
        title="Oil traders shrug off OPEC+ headlines as inventories keep building",
    ),
    "wangyi_style.txt": Case(
        drop=(
            "2026-12-01 18:32:10",
            "广告",
            "点击查看大图",
            "图片来源：视觉中国",
            "展开全文",
            "打开APP阅读全文",
            "视频加载中",
            "猜你喜欢",
            "多地发放汽车消费券",
            "热门推荐",
            "未经授权禁止转载",
        ),
        keep=(
            "12月1日，多家新能源车企公布11月交付数据。",
            "一位券商汽车行业分析师对记者表示",
            "以应对部分市场的关税壁垒。",
        ),
        source="海川财经",
        title="新能源车企11月交付数据出炉 多家新势力刷新月度纪录",
    ),
    "wechat_qr.txt": Case(
        drop=(
            "原创 林墨",
            "点击上方蓝字",
            "— END —",
            "长按识别二维码",
            "扫码下载",
            "投稿邮箱",
            "未经授权禁止转载",
            "更多精彩内容",
            "红利资产还能涨多久",
        ),
        keep=(
            "导读：险资权益配置比例上调后，哪些板块最受益？",
            "近日，监管部门发布通知",
            "三是分红率仍有提升空间的消费和医药龙头。",
            # An analyst's risk note inside the article is the article's.
            "风险提示：政策落地节奏不及预期，市场波动加剧。",
        ),
    ),
    "portal_table.html": Case(
        drop=(
            "2026-11-30 20:15",
            "广告",
            "数据来源：交易所",
            "图片来源：图虫创意",
            "热门推荐",
            "北向资金本周净买入超百亿",
            "免责声明",
            "责任编辑",
        ),
        keep=(
            "金港证券网讯，据交易所数据统计",
            "行业 | 融资净买入（亿元） | 融资余额（亿元）",
            "食品饮料 | -6.4 | 702.5",
            "尚未出现过热迹象。",
            # The quote after the mid-article box is the article's last paragraph.
            "“年末机构调仓和明年的政策预期，将是影响杠杆资金动向的主要因素。”一位私募基金经理表示。",
        ),
        source="金港证券网",
        title="两市融资余额连续五日回升 电子行业获加仓居前",
    ),
    "hk_portal.html": Case(
        drop=(
            "2026年11月30日",
            "廣告",
            "（資料圖片）",
            "點擊查看大圖",
            "圖片來源",
            "繼續閱讀",
            "訂閱解鎖全文",
            "相關主題",
            "科技股",
            "未經授權不得轉載",
            "熱門推薦",
        ),
        keep=(
            "港交所周一發表諮詢文件",
            "「我們希望在保障投資者的前提下，讓更多有潛力的企業能夠利用香港市場融資。」",
            "諮詢期為期兩個月，至明年1月底結束。",
            "損害散戶投資者利益。",
        ),
        title="港交所擬優化上市制度 特專科技公司門檻或降低",
    ),
    "tw_media.txt": Case(
        drop=(
            "新竹報導",
            "2026-11-30 19:20",
            "廣告",
            "（圖／記者陳雅婷攝）",
            "影音載入中",
            "付費會員專屬",
            "加入會員",
            "訂閱電子報",
            "看更多",
            "延伸閱讀",
            "非經授權",
        ),
        keep=(
            "晶圓代工龍頭先進製程產能持續滿載",
            "另一家材料廠則表示",
            "公司已著手分散客戶結構。",
        ),
        author="陳雅婷",
        title="台積電供應鏈12月營收看旺 設備廠訂單能見度達明年下半年",
    ),
    "sohu_style.html": Case(
        drop=(
            "原标题",
            "视频加载中",
            "图片来源：视觉中国",
            "展开全文",
            "返回首页",
            "本文为财经晨报原创",
            "责任编辑",
            "平台声明",
            "阅读 (3021)",
        ),
        keep=(
            "银行理财市场规模持续回升。",
            "“破净”产品比例在11月中旬有所上升。",
            "但整体仍将以稳健低波的产品为主。",
        ),
    ),
    "mobile_news_zh.txt": Case(
        drop=(
            "2026年11月30日 09:12",
            "Loading",
            "广告",
            "更多精彩内容，请下载",
            "扫码下载",
            "热门推荐",
            "LPR连续三月持平",
            "未经授权禁止转载",
            "投稿邮箱",
        ),
        keep=(
            "中国人民银行30日发布的第三季度货币政策执行报告提出",
            "推动社会综合融资成本稳中有降。",
            "短期内收益率或维持窄幅震荡。",
        ),
        source="东岳财经",
        title="央行：保持流动性合理充裕 加大逆周期调节力度",
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
        # inline ad labels
        ("Advertisement - Scroll to continue", "ad-contact"),
        ("Sponsored by Example Bank", "ad-contact"),
        ("Paid Partner Content", "ad-contact"),
        ("AD", "ad-contact"),
        ("廣告 - 請繼續往下閱讀", "ad-contact"),
        # continue reading
        ("Article continues below", "nav-words"),
        ("Story continues below this ad", "nav-words"),
        ("Continue reading below", "nav-words"),
        ("Keep reading", "nav-words"),
        ("Read full article", "nav-words"),
        ("展开全文∨", "nav-words"),
        ("繼續閱讀全文", "nav-words"),
        ("看更多", "nav-words"),
        # paywall stubs
        ("This article is for subscribers only.", "paywall-notice"),
        ("Already a subscriber? Log in", "paywall-notice"),
        ("Already have an account? Sign in", "paywall-notice"),
        ("You have reached your free article limit.", "paywall-notice"),
        ("You've read 3 of 5 free articles this month.", "paywall-notice"),
        ("Become a member to read this story.", "paywall-notice"),
        ("訂閱解鎖全文", "paywall-notice"),
        ("剩余80%内容，订阅专栏后可继续查看", "paywall-notice"),
        ("本文为付费内容", "paywall-notice"),
        ("订阅后可查看全文", "paywall-notice"),
        ("登录后查看完整内容", "nav-words"),
        ("开通会员继续阅读", "nav-words"),
        ("本文為會員專屬內容，加入會員即可閱讀全文", "paywall-notice"),
        # audio and video players
        ("Listen to this article · 5 min", "nav-words"),
        ("Listen · 4:32", "nav-words"),
        ("Listen to this story", "nav-words"),
        ("Play audio", "nav-words"),
        ("Watch the video", "nav-words"),
        ("Video duration 02:48", "nav-words"),
        ("Now playing", "nav-words"),
        ("视频加载中...", "nav-words"),
        ("视频加载中，请稍候...", "nav-words"),
        ("影音載入中...", "nav-words"),
        ("正在加载，请稍候...", "nav-words"),
        ("加入會員，看更多獨家分析", "nav-words"),
        ("点击播放", "nav-words"),
        # social embeds
        ("View this post on Instagram", "social-embed"),
        ("A post shared by Jane Roe (@janeroe)", "social-embed"),
        ("— Jane Roe (@janeroe) November 26, 2026", "social-embed"),
        ("View on X", "social-embed"),
        ("pic.twitter.com/AbC123xYz", "social-image-link"),
        # image captions and credits
        ("Photo illustration: Example Daily", "photo-credit"),
        ("Getty Images", "photo-credit"),
        ("圖片來源：港匯財經", "photo-credit"),
        ("（圖／記者陳雅婷攝）", "photo-credit"),
        ("图/视觉中国", "photo-credit"),
        ("（资料图）", "photo-credit"),
        ("图为某某公司展厅", "photo-credit"),
        ("摄影：王明", "photo-credit"),
        ("點擊看大圖", "nav-words"),
        # newsletter boxes
        ("Enter your email", "nav-words"),
        ("Sign up", "nav-words"),
        ("By signing up, you agree to our Terms of Use and Privacy Policy.", "newsletter-pitch"),
        # QR prompts, submission addresses
        ("识别二维码关注", "app-download"),
        ("投稿请发邮件至tougao@example.cn", "contact-line"),
        # cookie banners, script placeholders
        ("We use cookies to improve your experience.", "site-chrome-notice"),
        (
            "This website uses cookies. By continuing to browse the site you agree to our use "
            "of cookies.",
            "site-chrome-notice",
        ),
        ("Please enable JavaScript to view the comments.", "site-chrome-notice"),
        ("Please wait while we load the content", "site-chrome-notice"),
        ("Accept all cookies", "nav-words"),
        ("Reject all", "nav-words"),
        # topic-tag rows and an empty credit label
        ("Tags: Banking, Federal Reserve", "topic-tags"),
        ("Filed under: Markets", "topic-tags"),
        ("相关标签：央行 利率", "topic-tags"),
        ("標籤：台股 半導體", "topic-tags"),
        ("Topics", "nav-words"),
        ("责任编辑：", "nav-words"),
    ],
)
def test_a_boilerplate_line_between_paragraphs_goes(line: str, rule: str) -> None:
    art, expected = between(line)
    assert art.text == expected
    assert rule in {r.rule for r in art.removed}
    assert art.author is None


def test_a_tweet_keeps_its_words_and_loses_its_picture_link() -> None:
    tweet = "We will not ship a truck we are not proud of. pic.twitter.com/AbC123xYz"
    art = process("\n\n".join([BODY_EN, tweet, BODY_EN2]), is_html=False)
    assert "We will not ship a truck we are not proud of." in art.text
    assert "pic.twitter.com" not in art.text


@pytest.mark.parametrize(
    "heading", ["Related Topics", "相關主題", "猜你喜欢", "更多精彩内容", "Most read"]
)
def test_a_closing_heading_cuts_the_tail(heading: str) -> None:
    raw = "\n\n".join([BODY_EN, BODY_ZH, heading, "A teaser headline that follows", "Banking"])
    assert process(raw, is_html=False).text == f"{BODY_EN}\n\n{BODY_ZH}"


@pytest.mark.parametrize(
    "box",
    [
        "<aside><h3>Most read</h3><ol><li><a href='https://example.com/a'>Another story</a></li>"
        "</ol></aside>",
        "<aside class='newsletter'><p>Get the day's biggest stories in your inbox.</p>"
        "<p>Sign up</p></aside>",
        "<aside><h3>热门推荐</h3><ul><li><a href='https://example.cn/1'>另一篇文章</a></li></ul>"
        "</aside>",
    ],
)
def test_a_mid_article_aside_box_goes_and_the_article_after_it_stays(box: str) -> None:
    raw = f"<p>{BODY_EN}</p>{box}<p>{BODY_EN2}</p>"
    assert process(raw, is_html=True).text == f"{BODY_EN}\n\n{BODY_EN2}"


def test_a_table_inside_a_figure_stays_and_its_caption_goes() -> None:
    raw = (
        f"<p>{BODY_ZH}</p><figure><table><tr><th>行业</th><th>净买入</th></tr>"
        "<tr><td>电子</td><td>38.6</td></tr></table><figcaption>数据来源：某某数据</figcaption>"
        f"</figure><p>{BODY_ZH2}</p>"
    )
    art = process(raw, is_html=True)
    assert art.text == f"{BODY_ZH}\n\n行业 | 净买入\n\n电子 | 38.6\n\n{BODY_ZH2}"


@pytest.mark.parametrize(
    "text",
    [
        # Article sentences that use the kinds' words.
        "The company said it would stop using third-party cookies in its ad business next year.",
        "Advertisement spending by consumer brands fell 4% in the third quarter, the survey showed.",
        "Sponsored by the state, the fund grew 5%.",
        "Subscribers to the service rose 12% to 4.1 million, the company said.",
        "Members of the committee voted 9-3 to keep rates unchanged.",
        "The Instagram post shared by the company's founder drew wide criticism from investors.",
        "Topics discussed at the meeting included inflation and the labor market.",
        "Listen to what the bond market is saying, one strategist said.",
        "Now playing catch-up, the retailer is opening 40 stores.",
        "The bundle will unlock discounts for members who sign up before March.",
        "Getty Images shares rose 8% after the company reported higher licensing revenue.",
        "公司表示，会员数量同比增长20%，付费会员占比提升至35%。",
        "用户订阅阅读服务的比例上升，平台称超过一半的用户选择开通会员看剧。",
        "报告显示，用户登录后查看行情的次数明显增加。",
        "该公司的广告收入同比增长15%，占总营收的比例升至六成。",
        "视觉中国的股价周一上涨5%，公司称图片授权业务收入增长。",
        "标签打印机龙头公司周一发布公告称，拟回购不超过2亿元股份。",
    ],
)
def test_article_sentences_with_the_kinds_words_stay(text: str) -> None:
    art = process("\n\n".join([BODY_EN, text, BODY_EN2]), is_html=False)
    assert text in art.text


def test_a_sign_up_line_is_not_a_byline() -> None:
    # "By <words>" is a byline only when the words are a capitalised name.
    art, _ = between("By signing up, you agree to our Terms of Use and Privacy Policy.")
    assert art.author is None


# ---------------------------------------------------------------------------------------------
# The source line inside a cut tail, above the page's chrome


@pytest.mark.parametrize(
    "below",
    [
        ["图片来源：视觉中国"],
        ["扫码下载某某APP"],
        ["广告"],
        ["责任编辑：王五", "广告"],
        ["#央行 #利率"],
        ["点赞 收藏 分享"],
        ["本文为付费内容"],
    ],
)
@pytest.mark.parametrize("notice", ["免责声明：本文仅供参考，不构成投资建议。", "风险提示"])
def test_source_line_above_the_pages_chrome_is_lifted(notice: str, below: list[str]) -> None:
    raw = "\n\n".join([BODY_ZH, BODY_ZH2, notice, "（文章来源：证券时报）", *below])
    art = process(raw, is_html=False)
    assert art.text == f"{BODY_ZH}\n\n{BODY_ZH2}"
    assert art.source == "证券时报"
    assert art.author is None


def test_source_line_of_a_teaser_above_chrome_is_not_lifted() -> None:
    # A teaser's headline in the cut stops the walk, whatever chrome follows its source line.
    raw = "\n\n".join(
        [
            BODY_ZH,
            BODY_ZH2,
            "免责声明：本文仅供参考。",
            "某公司三季度营收增长两成 海外订单放量",
            "来源：别家媒体",
            "广告",
            "点赞 收藏 分享",
        ]
    )
    assert process(raw, is_html=False).source is None


def test_source_line_under_a_teaser_heading_above_chrome_is_not_lifted() -> None:
    raw = "\n\n".join([BODY_ZH, BODY_ZH2, "猜你喜欢", "来源：别家媒体", "广告"])
    assert process(raw, is_html=False).source is None
