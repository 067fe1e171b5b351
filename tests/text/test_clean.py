"""The rule engine: each kind of boilerplate, what must survive, bylines, titles, user rules."""

from __future__ import annotations

import pytest
from tests.helpers.fixture_articles import BODY_EN, BODY_EN2, BODY_ZH, BODY_ZH2
from tests.helpers.verdicts import verdict_of

from finreader.text.clean import _judge
from finreader.text.process import RuleError, RuleSet, compile_rules, process


def clean(*blocks: str, title: str | None = None, **kw: object) -> tuple[str, set[str]]:
    art = process("\n\n".join(blocks), is_html=False, title=title, **kw)  # type: ignore[arg-type]
    return art.text, {r.rule for r in art.removed}


@pytest.mark.parametrize(
    ("boiler", "rule"),
    [
        ("免责声明：本文仅供参考，不构成投资建议。", "disclaimer-zh"),
        ("【免责声明】文中观点不代表本站立场。", "disclaimer-zh"),
        ("Disclaimer: The author holds no position in the stocks mentioned.", "disclaimer-en"),
        ("风险提示", "risk-warning-heading-zh"),
        ("相关阅读", "related-heading"),
        ("Related Articles", "related-heading"),
        ("placeholder", "teaser-placeholder"),
        ("Should you invest $5,000 in Widget Corp right now?", "fool-pitch"),
        ("Forward-Looking Statements", "forward-looking-statements"),
        (
            "This press release contains forward-looking statements within the meaning of the "
            "securities laws.",
            "forward-looking-statements",
        ),
        ("参考链接：", "reference-links"),
        ("###", "press-release-end"),
        ("— END —", "press-release-end"),
        ("往期推荐", "related-heading"),
        ("Related", "related-heading"),
        ("Media Contacts:", "press-release-end"),
        (
            "Disclosure: I/we have no stock, option or similar position in any company mentioned.",
            "disclosure-en",
        ),
    ],
)
def test_tail_rules_cut_to_the_end(boiler: str, rule: str) -> None:
    text, rules = clean(BODY_EN, BODY_ZH, boiler, "A teaser headline that follows", "作者 某人")
    assert text == f"{BODY_EN}\n\n{BODY_ZH}"
    assert rule in rules


@pytest.mark.parametrize(
    ("boiler", "rule"),
    [
        ("市场有风险，投资需谨慎。", "risk-warning-zh"),
        ("本文内容仅供参考，不构成任何投资建议。", "risk-warning-zh"),
        (
            "This article is for informational purposes only and is not investment advice.",
            "risk-warning-en",
        ),
        (
            "The post Widget Corp beats estimates appeared first on Example Finance.",
            "appeared-first",
        ),
        (
            "Jane Roe has positions in Widget Corp. Example Fool has a disclosure policy.",
            "fool-disclosure",
        ),
        ("责任编辑：王某", "editor-line"),
        ("（编辑：李某）", "editor-line"),
        ("© 2024 Example Media Inc. All rights reserved.", "copyright"),
        ("版权所有：某某传媒有限公司", "copyright"),
        ("下载某某财经APP，查看更多行情", "app-download"),
        (
            "Sign up for our free daily newsletter to get the news in your inbox.",
            "newsletter-pitch",
        ),
        ("Also Read: Widget Corp hires a new chief executive", "read-also"),
        ("相关阅读：某某公司发布新品", "read-also"),
        ("goTop", "nav-words"),
        ("Share this article", "nav-words"),
        ("返回顶部", "nav-words"),
        ("WATCH: How the sensor market is changing", "video-promo"),
        ("Photo by Jane Roe via Example Images", "photo-credit"),
        ("图片来源：视觉中国", "photo-credit"),
        (
            "John Doe, a senior markets reporter, has covered commodities for Example News since "
            "2010.",
            "author-bio-en",
        ),
        ("本文来自微信公众号“某某研究”，经授权转载。", "repost-notice-zh"),
        ("原文链接：https://example.com/a/1", "source-link"),
        ("https://example.com/reference/1", "bare-url"),
        ("#美股 #科技股 #财报", "hashtags"),
        ("2 小时前", "timestamp"),
        ("5 min read", "timestamp"),
        ("Write to Jane Roe at jane.roe@example.com", "contact-line"),
        ("每经编辑 王某某", "editor-line"),
        ("Read the full article on Example Alpha", "free-report-link"),
        ("Continue reading →", "nav-words"),
        ("11:58 13/10/2025", "timestamp"),
        ("Data is delayed at least 15 minutes.", "market-data-notice"),
        ("This content was produced with the help of AI tools.", "ai-content-notice"),
        ("本文由 AI  生成，仅供参考。", "ai-content-notice"),
        ("本文内容由AI\t辅助创作", "ai-content-notice"),
        ("Reporting by Jane Roe; Editing by John Doe", "wire-credit"),
        ("Example News's Jane Roe contributed to this report.", "wire-credit"),
        ("平台声明：该文观点仅代表作者本人，本平台仅提供信息存储空间服务。", "risk-warning-zh"),
        ("声明：本文由入驻作者撰写，仅供交流学习。", "statement-zh"),
        ("Widget Corp was originally published by Example Finance.", "originally-published"),
    ],
)
def test_block_rules_drop_only_the_block(boiler: str, rule: str) -> None:
    text, rules = clean(BODY_EN, boiler, BODY_EN2)
    assert text == f"{BODY_EN}\n\n{BODY_EN2}"
    assert rule in rules


@pytest.mark.parametrize(
    ("block", "expected", "rule"),
    [
        (BODY_ZH + " (AB)", BODY_ZH, "editor-initials"),
        (BODY_ZH + "（完）", BODY_ZH, "editor-initials"),
        ("（记者 王某某）" + BODY_ZH, BODY_ZH, "reporter-tag"),
        (BODY_ZH + "某某热点（somehandle）——另一篇文章的标题！", BODY_ZH, "promo-headline-zh"),
        (
            BODY_EN + " The post Widget Corp beats estimates appeared first on Example Finance.",
            BODY_EN,
            "appeared-first",
        ),
        (BODY_EN + " And the… [+1920 chars]", BODY_EN + " And the", "truncation-marker"),
        (BODY_EN + " Sign up here.", BODY_EN, "signup-inline"),
        (BODY_EN + " [&hellip;]", BODY_EN, "truncation-marker"),
        (BODY_EN + " […]", BODY_EN, "truncation-marker"),
        (
            "Prices settled higher on the exchange., Another page element was joined here.",
            "Prices settled higher on the exchange.",
            "scrape-join",
        ),
    ],
)
def test_trims_cut_inside_a_block(block: str, expected: str, rule: str) -> None:
    text, rules = clean(BODY_EN, block)
    assert text == f"{BODY_EN}\n\n{expected}"
    assert rule in rules


@pytest.mark.parametrize(
    "kept",
    [
        # An analyst's risk factors are article text, not a disclaimer.
        "风险提示：原材料价格上涨超预期；下游需求不及预期。",
        # A long paragraph that merely mentions advice is article text.
        BODY_EN + " " + BODY_EN2 + " Analysts said the outlook is not investment advice in "
        "itself, but it matters to how the market prices the stock over the coming quarters, "
        "they added, because the guidance implies margins well above the sector average for "
        "years, and because the buyback shrinks the share count at a time when the balance "
        "sheet has room to spare.",
        # Abbreviations before ", " are not scrape joins.
        "Apple Inc., Microsoft Corp. and Cupertino, Calif., firms rallied.",
        "公司发布免责声明称相关传闻不实，股价随后反弹。",
        "About the deal",
        "About the case",
        "More on valuation",
        "Q3 revenue",
    ],
)
def test_article_text_survives(kept: str) -> None:
    text, _ = clean(BODY_EN, kept, BODY_EN2)
    assert kept in text


def test_inline_disclaimer_cuts_from_the_marker_only() -> None:
    block = BODY_ZH + "免责声明：本文内容与数据仅供参考，不构成投资建议。"
    text, rules = clean(block)
    assert text == BODY_ZH
    assert "disclaimer-zh" in rules


def test_disclaimer_at_the_top_drops_only_itself() -> None:
    text, rules = clean("免责声明：以下内容仅供参考。", BODY_ZH, BODY_ZH2)
    assert text == f"{BODY_ZH}\n\n{BODY_ZH2}"
    assert "disclaimer-zh" in rules


def test_bylines_are_lifted_into_metadata() -> None:
    art = process(f"来源：某某财经\n\n作者：王某\n\n{BODY_ZH}", is_html=False)
    assert (art.source, art.author, art.text) == ("某某财经", "王某", BODY_ZH)
    art = process(f"By Jane Roe, Example News\n\n{BODY_EN}", is_html=False)
    assert (art.author, art.text) == ("Jane Roe", BODY_EN)
    art = process(f"avatar\nExample Wire\n{BODY_EN}", is_html=False)
    assert (art.author, art.text) == ("Example Wire", BODY_EN)
    assert {r.rule for r in art.removed} == {"byline"}


def test_the_author_is_the_name_before_other_credits() -> None:
    for byline in ("记者 王明 / 编辑 李华", "作者：王明 责任编辑：李华", "文/王明 编辑/李华"):
        art = process(f"{byline}\n\n{BODY_ZH}", is_html=False)
        assert (art.author, art.text) == ("王明", BODY_ZH), byline
    # 编辑部 / 摄影部 are part of a name, not another credit
    for byline, author in (
        ("作者：财经编辑部", "财经编辑部"),
        ("作者：新华社摄影部", "新华社摄影部"),
    ):
        assert process(f"{byline}\n\n{BODY_ZH}", is_html=False).author == author


def test_title_is_dropped_when_given_or_inferred() -> None:
    title = "Widget Corp beats estimates"
    text, rules = clean(title, BODY_EN, title=title)
    assert text == BODY_EN and "title" in rules
    text, rules = clean(f"{title} | Example News", "Menu", BODY_EN, title=title)
    assert text == BODY_EN
    # No title given: a short first line followed by a byline is the title.
    text, rules = clean(title, "来源 某某财经", BODY_EN)
    assert text == BODY_EN and "title" in rules
    # ... but a short first line followed by the body is kept.
    text, _ = clean("Key points", BODY_EN)
    assert text.startswith("Key points")


def test_nav_menu_runs_and_related_headline_runs() -> None:
    menu = ["首页", "宏观", "证券", "科技", "汽车", "地产"]
    headlines = [
        "Widget makers rally as sensor demand climbs in Asia",
        "Why investors are watching the chip cycle again this year",
        "Three charts that explain this week's bond market swings",
    ]
    text, rules = clean(*menu, BODY_EN, *headlines, BODY_EN2)
    assert text == f"{BODY_EN}\n\n{BODY_EN2}"
    assert {"nav-run", "headline-run"} <= rules


def test_introduced_lists_and_table_rows_are_not_runs() -> None:
    items = [
        "Revenue of $5.2 billion, up 12% from a year earlier",
        "Operating margin widened to 18% on lower input costs",
        "Full-year guidance raised to $21 billion at the midpoint",
    ]
    text, rules = clean(BODY_EN, "Highlights of the quarter:", *items, BODY_EN2)
    assert all(item in text for item in items) and "headline-run" not in rules
    data = ["美国4月失业率 4.3%，预期 4.3%，前值 4.3%", "美国4月非农就业人口增加 11.5万人，预期 6.5万人",
            "美国4月平均时薪环比增长 0.3%，预期 0.3%，前值 0.2%"]  # fmt: skip
    text, rules = clean(BODY_ZH, BODY_ZH2, *data)
    assert all(line in text for line in data) and "headline-run" not in rules
    html = (
        f"<p>{BODY_EN}</p><table><tr><td>Segment revenue in the quarter</td><td>$5.2bn</td></tr>"
        "<tr><td>Segment operating income in Q3</td><td>$0.9bn</td></tr>"
        "<tr><td>Segment operating margin</td><td>17.3%</td></tr>"
        "<tr><td>Q1</td><td>1</td></tr><tr><td>Q2</td><td>2</td></tr>"
        "<tr><td>Q3</td><td>3</td></tr><tr><td>Q4</td><td>4</td></tr></table>"
    )
    art = process(html)
    assert "Segment operating margin | 17.3%" in art.text and "Q4 | 4" in art.text
    assert not {"headline-run", "nav-run"} & {r.rule for r in art.removed}


def test_link_only_blocks_go() -> None:
    html = (
        f"<p>{BODY_EN}</p><ul><li><a href='https://x.test/1'>Widget Corp (WDG) : Free Report"
        "</a></li></ul><p><a href='https://x.test/2'>Read the full story on our site</a></p>"
        f"<p>{BODY_EN2} <a href='https://x.test/3'>More</a></p>"
    )
    art = process(html)
    assert art.text == f"{BODY_EN}\n\n{BODY_EN2} More"
    assert sorted(r.rule for r in art.removed) == ["free-report-link", "link-only"]


def test_never_empties_an_article() -> None:
    raw = "免责声明：本文仅供参考。\n\n© 2024 Example Media"
    art = process(raw, is_html=False)
    assert art.text == "免责声明：本文仅供参考。\n\n© 2024 Example Media"
    assert art.fallback_reason and "kept the original" in art.fallback_reason
    assert art.removed == []
    assert process(art.text, is_html=False).text == art.text


def test_user_rules_literal_regex_tail_and_trim() -> None:
    rules = compile_rules(
        [
            {"name": "promo", "match": "Subscribe to Widget Weekly", "action": "block"},
            {"name": "cut-here", "regex": r"^-{3,}$", "action": "tail"},
            {"name": "ticker-chip", "regex": r"\s*\[chart\]", "action": "trim"},
        ]
    )
    raw = "\n\n".join(
        [BODY_EN + " [chart]", "Please Subscribe to Widget Weekly today", BODY_EN2, "---", "x"]
    )
    art = process(raw, is_html=False, rules=rules)
    assert art.text == f"{BODY_EN}\n\n{BODY_EN2}"
    assert {r.rule for r in art.removed} == {"promo", "cut-here", "ticker-chip"}
    assert art.rules_version != compile_rules().version


def test_disabling_a_builtin_rule() -> None:
    raw = f"{BODY_EN}\n\n返回顶部\n\n{BODY_EN2}"
    assert "返回顶部" not in process(raw, is_html=False).text
    assert (
        "返回顶部" in process(raw, is_html=False, rules=compile_rules(disabled=["nav-words"])).text
    )


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"name": "bad", "regex": "(unclosed", "action": "block"}, "'bad': invalid regex"),
        ({"name": "flags", "regex": "x(?i)y", "action": "block"}, "'flags': invalid regex"),
        ({"name": "anch", "match": "x", "anchor": "middle"}, "'anch': anchor must be one of"),
        ({"name": "empty", "regex": "a*", "action": "block"}, "'empty': regex matches empty"),
        ({"name": "both", "regex": "a", "match": "b"}, "'both': give exactly one"),
        ({"name": "neither", "action": "block"}, "'neither': give exactly one"),
        ({"name": "act", "match": "x", "action": "delete"}, "'act': action must be one of"),
        ({"name": "typo", "mach": "x"}, "'typo': unknown key(s) mach"),
        ({"match": "x"}, "rule #1: missing 'name'"),
        ({"name": "nav-words", "match": "x"}, "'nav-words': the name is already used"),
        ({"name": "len", "match": "x", "max_len": 0}, "'len': max_len must be"),
    ],
)
def test_broken_user_rules_name_the_rule(rule: dict[str, object], message: str) -> None:
    with pytest.raises(RuleError) as err:
        compile_rules([rule])
    assert message in str(err.value)


def test_user_rule_with_leading_inline_flags_and_anchors_works() -> None:
    rules = compile_rules(
        [
            {"name": "flagged", "regex": "(?i)^widget weekly$", "action": "block"},
            {"name": "ending", "regex": r"\s*\[ad\]$", "action": "trim", "anchor": "end"},
        ]
    )
    art = process(f"{BODY_EN} [ad]\n\nWIDGET WEEKLY\n\n{BODY_EN2}", is_html=False, rules=rules)
    assert art.text == f"{BODY_EN}\n\n{BODY_EN2}"
    assert sorted(r.rule for r in art.removed) == ["ending", "flagged"]


def test_unknown_disabled_rule_is_an_error() -> None:
    with pytest.raises(RuleError, match="'no-such-rule'"):
        compile_rules(disabled=["no-such-rule"])


def test_compiled_rules_are_cached() -> None:
    assert compile_rules() is compile_rules()
    user = [{"name": "x", "match": "y"}]
    assert compile_rules(user) is compile_rules([dict(user[0])])


def _one_group_at_a_time(text: str, ruleset: RuleSet) -> tuple[object, ...]:
    """The verdict as Dispatch + RuleGroup define it: every chosen group tried in rule order."""
    tails, blocks, trims = ruleset.dispatch.groups(text, ruleset.scanner.present(text))
    return verdict_of(text, tails, blocks, trims)


@pytest.mark.parametrize("user", [False, True])
def test_verdicts_are_those_of_each_chosen_group_in_rule_order(user: bool) -> None:
    # The reference for any faster way of judging a block (merged regexes, batches): the first
    # rule in rule order wins, for tails, blocks and user rules alike.
    ruleset = compile_rules(
        [{"name": "u-start", "match": "Related", "action": "block", "anchor": "start"}]
        if user
        else None
    )
    samples = [
        "相关阅读", "Related Articles", "Related: five charts", "视频：发布会回放", "Photo via X",
        "责任编辑：王某", "2024-05-01 10:30", "12 条评论", "Share this article", "placeholder",
        "Reporting by Jane Roe; Editing by Bob Poe", "Title: Widget Corp", "About Widget Corp.",
        "Source: Reuters", "https://example.com/a", "Also Read: Widget Corp beats estimates",
        "Forward-Looking Statements", "#恒指 #科指", "Media Contacts:", "风险提示", "广告",
        "Jane Roe, a senior reporter, has covered energy for a decade.", BODY_EN, BODY_ZH,
    ]  # fmt: skip
    for text in samples:
        v = _judge(text, ruleset)
        assert (v.tail, v.block, v.trims) == _one_group_at_a_time(text, ruleset), text


def test_title_is_found_when_casefolding_lengthens_the_text() -> None:
    # "ß" casefolds to "ss": the probe search over all blocks at once falls back to one block
    # at a time, and the title must go either way.
    title = "Die Straße der Widget AG wird teurer"
    text, rules = clean("Größte Übernahme", title, BODY_EN, title=title)
    assert text == f"Größte Übernahme\n\n{BODY_EN}" and "title" in rules


def test_a_trimmed_block_is_judged_again() -> None:
    # The trim leaves "Related" alone on its line, which the next round's tail rule then cuts.
    text, rules = clean(BODY_EN, "Related （记者 王某某）", BODY_EN2)
    assert text == BODY_EN
    assert {"reporter-tag", "related-heading"} <= rules


def test_end_markers_origin_notes_and_hot_lists_go() -> None:
    # Kinds of boilerplate seen in Chinese wire copy and press releases beyond the devset.
    text, rules = clean(
        "本文首发于某某财经APP。", BODY_ZH, "（完）", BODY_ZH2, "今日热点推荐", "热文一"
    )
    assert text == f"{BODY_ZH}\n\n{BODY_ZH2}"
    assert {"repost-notice-zh", "end-marker", "related-heading"} <= rules
    text, rules = clean(BODY_EN, "— 完 —", "-END-", "-30-")
    assert text == BODY_EN and "end-marker" in rules
    assert rules <= {"end-marker", "press-release-end"}
    # Words, not markers: kept.
    text, _ = clean(BODY_EN, "The end of an era for the firm.", "完成交易")
    assert text == f"{BODY_EN}\n\nThe end of an era for the firm.\n\n完成交易"


def test_dont_miss_lists_and_one_paragraph_pitches_go() -> None:
    text, rules = clean(BODY_EN, "Don't miss these stories from Example Pro:", "Five stocks")
    assert text == BODY_EN and "related-heading" in rules
    pitch = (
        "Should you invest $1,000 in Widget Corp right now? Before you buy stock in Widget "
        "Corp, consider this: our analysts just identified the 10 best stocks to buy now."
    )
    text, rules = clean(BODY_EN, pitch, "Jane Doe has no position in any stocks mentioned.")
    assert text == BODY_EN and "fool-pitch" in rules


def test_share_bars_counters_credits_and_tip_lines_go() -> None:
    residue = [
        "分享到：微信 微博 QQ空间",
        "Share this: Twitter Facebook LinkedIn Email Print",
        "（图片来源：网络）",
        "阅读 (1234)",
        "Sign up here to get our newsletter.",
        "Have a confidential tip for our reporters? Get in touch.",
        "Click to enlarge",
        "点击查看大图",
    ]
    text, rules = clean(BODY_ZH, *residue[:4], BODY_ZH2, *residue[4:])
    assert text == f"{BODY_ZH}\n\n{BODY_ZH2}"
    assert {"photo-credit", "counter", "newsletter-pitch", "tip-line"} <= rules
    # a bar of share words alone is also a row of nav words; either rule may name it
    assert rules & {"share-bar", "nav-words"}
    # an article sentence about sharing or reading stays
    kept = "Analysts share this view: margins will recover, and readers (1,234 of them) agree."
    text, _ = clean(BODY_EN, kept)
    assert text == f"{BODY_EN}\n\n{kept}"


@pytest.mark.parametrize(
    "row",
    [
        "点赞 收藏 分享",
        "点赞收藏",
        "Share | Print | Email",
        "Print this article",
        "【广告】",
        "(Sponsored)",
        "欢迎转发朋友圈",
        "— With assistance from Jane Roe and John Doe",
        "View comments",
        "Terms and Privacy Policy",
        "Get our free trading newsletter",
        "Check out more from Example News.",
        "【本文结束】如需转载请务必注明出处",
    ],
)
def test_rows_of_page_chrome_go(row: str) -> None:
    text, _ = clean(BODY_EN, row, BODY_EN2)
    assert text == f"{BODY_EN}\n\n{BODY_EN2}"


@pytest.mark.parametrize(
    "line",
    [
        "More Time for Talks",
        "关注美联储",
        "Home prices rose 3%",
        "广告收入增长12%",
        "Print run",
        "Terms",
        "Privacy",
    ],
)
def test_lines_that_only_start_with_chrome_words_stay(line: str) -> None:
    text, _ = clean(BODY_EN, line, BODY_EN2)
    assert line in text


def _paras(*blocks: str) -> str:
    return "".join(f"<p>{b}</p>" for b in blocks)


@pytest.mark.parametrize(
    ("tail", "last", "source"),
    [
        (
            "Forward-Looking Statements: This press release contains forward-looking statements.",
            "SOURCE Example Widgets, Inc.",
            "Example Widgets, Inc.",
        ),
        ("免责声明：本文仅供参考，不构成投资建议。", "（文章来源：证券时报）", "证券时报"),
    ],
)
def test_a_source_on_the_last_line_survives_the_tail_cut(tail: str, last: str, source: str) -> None:
    article = process(_paras(BODY_EN, BODY_EN2, tail, last), is_html=True)
    assert article.source == source
    assert last not in article.text


def test_a_teaser_list_after_a_disclaimer_gives_no_author_or_source() -> None:
    teasers = [
        "免责声明：本文仅供参考，不构成投资建议。",
        "另一篇文章的标题",
        "作者：张三",
        "来源：某某网",
        "更多",
    ]
    article = process(_paras(BODY_ZH, BODY_ZH2, *teasers), is_html=True)
    assert article.author is None and article.source is None


def test_a_sentence_opening_with_source_is_not_a_byline() -> None:
    line = "Source code for the pricing model was released on Tuesday."
    article = process(_paras(BODY_EN, line), is_html=True)
    assert line in article.text and article.source is None


def test_an_account_header_goes_and_the_title_above_it_is_found() -> None:
    raw = "\n\n".join(
        [
            "某某科技三季度净利超预期",
            "原创 财经观察 某某财经 2026年11月25日 08:30 上海",
            BODY_ZH,
            BODY_ZH2,
        ]
    )
    article = process(raw, is_html=False)
    assert article.text == f"{BODY_ZH}\n\n{BODY_ZH2}"
    assert {r.rule for r in article.removed} == {"title", "account-header-zh"}
