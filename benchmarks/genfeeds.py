"""Generate N realistic finance feeds (our own template text) for the poll and parse benchmarks.

Each feed has 50 items (by default) with 2-4 KB of HTML content in Chinese or English: headlines
and paragraphs from templates that mention tickers in many notations ($AAPL, NASDAQ:NVDA,
0700.HK, 600519.SH, 腾讯控股(00700)), figures (+3.2%, 12.5亿元, $1.2bn, 25 bps) and end with
a disclaimer or a "read more" teaser, the boilerplate the cleaner removes. Formats are mixed the
way real feeds are: RSS 2.0 with content:encoded in CDATA, RSS with escaped HTML in
<description>, and Atom. Deterministic for a given seed and base time (default: the current hour, so the
store's 90-day retention keeps every item).

    python benchmarks/genfeeds.py OUT_DIR [--feeds 500] [--items 50] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

TICKERS_EN = [
    "$AAPL",
    "NASDAQ:NVDA",
    "NYSE: JPM",
    "(TSLA)",
    "MSFT.O",
    "BRK.B",
    "0700.HK",
    "9988.HK",
    "600519.SH",
    "000858.SZ",
    "$SPY",
    "LSE:HSBA",
    "7203.T",
    "AMZN",
]
COMPANIES_ZH = [
    ("贵州茅台", "600519.SH"),
    ("腾讯控股", "00700"),
    ("阿里巴巴", "09988.HK"),
    ("宁德时代", "300750.SZ"),
    ("比亚迪", "002594"),
    ("招商银行", "600036"),
    ("中国平安", "601318.SH"),
    ("美团", "3690.HK"),
]
VERBS_EN = ["rose", "fell", "jumped", "slid", "climbed", "dropped", "gained", "lost"]
VERBS_ZH = ["上涨", "下跌", "大涨", "收跌", "走高", "回落"]
SECTORS_EN = ["chipmakers", "regional banks", "oil majors", "EV makers", "cloud software"]
SECTORS_ZH = ["白酒板块", "新能源车", "半导体", "银行股", "券商板块"]

EN_HEADLINES = [
    "{t} {v} {p} after quarterly revenue beat estimates",
    "{s} lead the market as {t} {v} {p}",
    "Fed decision looms; {t} {v} {p} in early trading",
    "{t} guides to {m} in buybacks, shares {v} {p}",
    "Analysts lift targets on {t} as margins widen {b}",
]
EN_PARAGRAPHS = [
    "Shares of {t} {v} {p} to {price} on {day}, extending a run that has added {m} to its "
    "market value this quarter. Volume was {vol} million shares, about {x} times the 30-day "
    "average, according to exchange data.",
    "The company reported revenue of {m}, up {p} from a year earlier, while operating margin "
    "improved by {b}. Management said demand from {s} remained strong and kept its full-year "
    "outlook of {m2} to {m3}.",
    "Elsewhere, {t2} {v2} {p2} and the S&amp;P 500 closed {dir} {pts} points, or {p3}, at "
    "{idx}. Treasury yields moved {b2} as traders priced a {p4} chance of a rate cut.",
    "Options traders bought calls on {t} with strikes near {price}, while short interest fell "
    "to {p5} of the float. The stock trades at {x2} times forward earnings versus {x3} for "
    "{s}.",
]
ZH_HEADLINES = [
    "{c}({code}){v}{p}，成交额达{yi}亿元",
    "{s}午后{v}，{c}领涨{p}",
    "{c}一季度净利润同比增长{p}，股价{v}",
    "北向资金净买入{yi}亿元，{c}({code})获加仓",
]
ZH_PARAGRAPHS = [
    "{day}，{c}({code})股价{v}{p}，报{price}元，全天成交额{yi}亿元，换手率{p2}。"
    "{s}整体{v2}，沪深300指数收{dir}{pts}点。",
    "公司公告显示，报告期内实现营业收入{yi}亿元，同比增长{p3}；归母净利润{yi2}亿元，"
    "毛利率提升{b}。机构认为{s}景气度仍在上行。",
    "市场人士指出，{c}估值处于近五年{p4}分位，外资持股比例升至{p5}。"
    "另据统计，本周共有{n}家机构调研{s}相关公司。",
]
TAILS_EN = [
    "<p><em>This article is for information only and is not investment advice. The author "
    "holds no position in the stocks mentioned.</em></p>",
    '<p><a href="https://news.finreader.invalid/subscribe">Read the full story and get our '
    "daily markets newsletter &raquo;</a></p>",
    "<p>Copyright 2026 Example Wire. All rights reserved. Redistribution prohibited.</p>",
]
TAILS_ZH = [
    "<p>免责声明：本文仅供参考，不构成任何投资建议。股市有风险，投资需谨慎。</p>",
    '<p><a href="https://news.finreader.invalid/app">点击下载APP，查看更多精彩内容&gt;&gt;</a></p>',
    "<p>（来源：示例财经 编辑：张三）版权所有，未经授权不得转载。</p>",
]


def _pct(rng: random.Random) -> str:
    return f"{rng.choice('+-')}{rng.uniform(0.1, 12):.1f}%"


def _money(rng: random.Random) -> str:
    return (
        rng.choice(["$", "US$", "€"])
        + f"{rng.uniform(0.2, 40):.1f}"
        + rng.choice(["bn", "m", " billion"])
    )


def _fill(template: str, rng: random.Random, zh: bool) -> str:
    company, code = rng.choice(COMPANIES_ZH)
    values = {
        "t": rng.choice(TICKERS_EN),
        "t2": rng.choice(TICKERS_EN),
        "v": rng.choice(VERBS_ZH if zh else VERBS_EN),
        "v2": rng.choice(VERBS_ZH if zh else VERBS_EN),
        "p": _pct(rng).lstrip("+") if zh else _pct(rng),
        "p2": _pct(rng),
        "p3": _pct(rng),
        "p4": f"{rng.randint(5, 95)}%",
        "p5": f"{rng.uniform(0.5, 30):.1f}%",
        "m": _money(rng),
        "m2": _money(rng),
        "m3": _money(rng),
        "b": f"{rng.randint(5, 150)} bps" if not zh else f"{rng.randint(5, 150)}个基点",
        "b2": f"{rng.randint(1, 20)} basis points",
        "s": rng.choice(SECTORS_ZH if zh else SECTORS_EN),
        "price": f"{rng.uniform(5, 1800):.2f}",
        "day": rng.choice(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"])
        if not zh
        else rng.choice(["周一", "周二", "周三", "周四", "周五"]),
        "vol": f"{rng.uniform(1, 90):.1f}",
        "x": f"{rng.uniform(1.1, 4):.1f}",
        "x2": f"{rng.uniform(8, 60):.1f}",
        "x3": f"{rng.uniform(8, 40):.1f}",
        "dir": rng.choice(["up", "down"]) if not zh else rng.choice(["涨", "跌"]),
        "pts": f"{rng.uniform(1, 120):.2f}",
        "idx": f"{rng.uniform(4000, 6500):,.2f}",
        "c": company,
        "code": code,
        "yi": f"{rng.uniform(1, 300):.2f}",
        "yi2": f"{rng.uniform(1, 300):.2f}",
        "n": str(rng.randint(3, 80)),
    }
    return template.format(**values)


def _embolden(text: str, opener: str, closer: str) -> str:
    """Bold from after the first `opener` to the next `closer`, properly nested (or unchanged)."""
    start = text.find(opener)
    end = text.find(closer, start + 1) if start >= 0 else -1
    if start < 0 or end < 0:
        return text
    start += len(opener)
    return f"{text[:start]}<strong>{text[start:end]}</strong>{text[end:]}"


def _item_html(rng: random.Random, zh: bool) -> str:
    paragraphs = ZH_PARAGRAPHS if zh else EN_PARAGRAPHS
    target = rng.randint(2048, 4096)
    parts: list[str] = []
    size = 0
    # Bounded: at most 40 paragraphs whatever the target.
    for _ in range(40):
        if size >= target - 300:
            break
        text = _fill(rng.choice(paragraphs), rng, zh)
        if rng.random() < 0.3:
            text = _embolden(text, "，", "。") if zh else _embolden(text, " ", ",")
        block = f"<p>{text}</p>"
        parts.append(block)
        size += len(block.encode("utf-8"))
    parts.append(rng.choice(TAILS_ZH if zh else TAILS_EN))
    return "\n".join(parts)


def _default_base() -> datetime:
    """The newest item's time: the current hour, so items are recent for the store's retention
    (90 days) and the same within one benchmark run."""
    return datetime.now(UTC).replace(minute=0, second=0, microsecond=0)


def make_feed(
    index: int, items: int, seed: int, base_time: datetime | None = None
) -> tuple[str, bytes]:
    """One feed document: (file name, bytes)."""
    rng = random.Random(seed * 1_000_003 + index)
    zh = index % 3 == 0
    style = ("rss-cdata", "rss-escaped", "atom")[index % 3 if index % 5 else 1]
    base = (base_time or _default_base()) - timedelta(minutes=index)
    title = f"示例财经 频道{index}" if zh else f"Example Markets Wire #{index}"
    link = f"https://news{index % 50}.finreader.invalid/"
    entries: list[str] = []
    for n in range(items):
        headline = _fill(rng.choice(ZH_HEADLINES if zh else EN_HEADLINES), rng, zh)
        html = _item_html(rng, zh)
        when = base - timedelta(minutes=37 * n)
        url = f"{link}story/{index}-{n}.html"
        guid = f"urn:finreader-bench:{index}:{n}"
        if style == "atom":
            entries.append(
                f'<entry><title>{escape(headline)}</title><link href="{url}"/><id>{guid}</id>'
                f"<updated>{when.isoformat()}</updated><author><name>Desk {n % 7}</name></author>"
                f'<content type="html">{escape(html)}</content></entry>'
            )
        else:
            body = (
                f"<content:encoded><![CDATA[{html}]]></content:encoded>"
                f"<description>{escape(html[:200])}</description>"
                if style == "rss-cdata"
                else f"<description>{escape(html)}</description>"
            )
            entries.append(
                f"<item><title>{escape(headline)}</title><link>{url}</link>"
                f'<guid isPermaLink="false">{guid}</guid>'
                f"<pubDate>{when.strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate>"
                f"<dc:creator>Desk {n % 7}</dc:creator>{body}</item>"
            )
    if style == "atom":
        doc = (
            '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
            f'<title>{escape(title)}</title><link href="{link}"/><id>{link}</id>'
            f"<updated>{base.isoformat()}</updated>" + "\n".join(entries) + "</feed>\n"
        )
        return f"feed-{index:04d}.atom", doc.encode("utf-8")
    doc = (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>{escape(title)}</title><link>{link}</link><description>bench</description>"
        + "\n".join(entries)
        + "</channel></rss>\n"
    )
    return f"feed-{index:04d}.xml", doc.encode("utf-8")


def generate(
    out: Path, feeds: int, items: int = 50, seed: int = 1, base_time: datetime | None = None
) -> list[Path]:
    """Write the feeds; item dates count back from base_time (default: this hour)."""
    out.mkdir(parents=True, exist_ok=True)
    base = base_time or _default_base()
    paths: list[Path] = []
    for index in range(feeds):
        name, data = make_feed(index, items, seed, base)
        path = out / name
        path.write_bytes(data)
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    paths = generate(args.out, args.feeds, args.items, args.seed)
    total = sum(p.stat().st_size for p in paths)
    print(f"wrote {len(paths)} feeds, {total / 1e6:.1f} MB, to {args.out}")


if __name__ == "__main__":
    main()
