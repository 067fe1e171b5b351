"""Full text: trafilatura finds the article in a page; process() then cleans it."""

from __future__ import annotations

from finreader.models import LINK
from finreader.text.fulltext import extract_main_html
from finreader.text.process import process

PARA = [
    "Shares of the widget maker rose sharply on Tuesday after the company reported quarterly "
    "revenue well above what analysts had expected, according to a filing with regulators.",
    "The company said demand for its products stayed strong across all regions, and it raised "
    "its forecast for the full year. More details were given on a call with investors.",
    "Analysts said the new forecast looked achievable given the order book, though some warned "
    "that costs for raw materials could rise again later in the year and squeeze margins.",
]
PAGE = f"""<!doctype html><html><head><title>Widgets rally</title>
<script>var tracking = "do not show";</script><style>.x{{display:none}}</style></head>
<body><header><nav><a href="/">Home</a> <a href="/markets">Markets</a> <a href="/tech">Tech</a>
</nav></header>
<main><article><h1>Widgets rally on strong demand</h1>
<p>{PARA[0]}</p><p>{PARA[1].replace("More details", '<a href="/call">More details</a>')}</p>
<h2>Outlook</h2><p>{PARA[2]}</p>
<p>Disclaimer: this article is for information only and is not investment advice.</p>
</article>
<aside><h3>Most read</h3><ul><li><a href="/a">Another story</a></li><li><a href="/b">More</a>
</li></ul></aside></main>
<footer><p>Copyright 2024 Example Media. All rights reserved.</p></footer></body></html>"""


def test_extracts_the_article_and_cleans_it() -> None:
    main = extract_main_html(PAGE, "https://news.test/2024/widgets")
    assert main is not None
    art = process(main, is_html=True, base_url="https://news.test/2024/widgets")
    for para in PARA:
        assert para in art.text
    assert "Outlook" in art.text
    for junk in ("tracking", "display:none", "Home", "Most read", "Copyright", "Disclaimer"):
        assert junk not in art.text
    links = [(art.text[s.start : s.end], s.value) for s in art.spans if s.kind == LINK]
    assert ("More details", "https://news.test/call") in links


def test_no_main_content() -> None:
    assert extract_main_html("") is None
    assert extract_main_html("   ") is None
    assert extract_main_html("<html><body><nav><a href='/'>Home</a></nav></body></html>") is None
