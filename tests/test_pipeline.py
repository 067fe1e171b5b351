"""The worker-side pipeline: user rules reach the cleaner with their values' types intact."""

from __future__ import annotations

from finreader.pipeline import freeze_rules, prepare

FEED = (
    b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
    b"<item><title>Oil</title><guid>o1</guid><link>https://news.example/o1</link>"
    b"<description><![CDATA[<p>Brent rose 2% on supply worries.</p><p>PROMO: get the app</p>]]>"
    b"</description></item></channel></rss>"
)


def test_user_rule_with_integer_option_is_applied_in_workers() -> None:
    rules = freeze_rules([{"name": "promo", "match": "PROMO:", "max_len": 80}])
    prepared = prepare(FEED, "https://news.example/feed.xml", {}, rules, ())
    assert prepared.error is None, prepared.error
    (row,) = prepared.rows
    assert "PROMO" not in row.text and "Brent rose 2%" in row.text
    assert '"promo"' in row.removed


UNTITLED = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
    "<item><guid>u1</guid><link>https://news.example/u1</link><description>"
    "某某科技三季度净利超预期\n\n原创 财经观察 某某财经 2026年11月25日 08:30 上海\n\n"
    "某某科技周二公布，第三季度营收同比增长12%至42亿元，主要受益于海外市场的订单增长。"
    "</description></item></channel></rss>"
).encode()


def test_an_untitled_item_takes_the_title_its_text_opens_with() -> None:
    prepared = prepare(UNTITLED, "https://news.example/feed.xml", {}, (), ())
    assert prepared.error is None, prepared.error
    (row,) = prepared.rows
    assert row.title == "某某科技三季度净利超预期"
    assert row.text.startswith("某某科技周二公布")
