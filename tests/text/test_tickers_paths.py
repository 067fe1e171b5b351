"""The shortcuts find_tickers takes for speed give what the long way gives.

- Latin names: the fused loop (_LatinMatcher._hits, used when no anchorless alias is in the
  text) against candidates plus the word test (_candidates + _latin_hit, the general path).
- Chinese names inside ordinary phrases: the per-alias phrase lookup drops a name only where
  the phrase is written, and only that mention.
"""

from __future__ import annotations

import pytest

from finreader.models import COMPANY
from finreader.text.directory import _latin_hit, default_directory, parse_directory
from finreader.text.tickers import find_tickers

_SMALL = parse_directory(
    "symbol\tname\taliases\tindexes\n"
    "EBAY.US\teBay\teBay Inc.\tSP500\n"
    "META.US\tMeta Platforms\t~Meta|Facebook\tSP500\n"
    "MMM.US\t3M\t3M Company\tSP500\n"
    "NVDA.US\tNvidia\tNVIDIA|Nvidia Corp\tSP500\n"
)


@pytest.mark.parametrize(
    "text",
    [
        "eBay Inc. rose; 3M fell, not xeBay or 13M",
        "MetaMask and Meta-analysis, Meta's and Meta-W, NVIDIA Nvidia Corp.",
        "Facebook eBay3M eBay 3M",
        "",
    ],
)
@pytest.mark.parametrize("which", ["small", "bundled"])
def test_fused_latin_loop_matches_the_general_path(text: str, which: str) -> None:
    directory = _SMALL if which == "small" else default_directory()
    matcher = directory._latin
    fused = matcher._hits(text)
    general = [hit for start, e in matcher._candidates(text) if (hit := _latin_hit(text, start, e))]
    assert [(h.start, h.end, h.alias, h.symbols) for h in fused] == [
        (h.start, h.end, h.alias, h.symbols) for h in general
    ]


def test_phrase_check_drops_only_the_mention_inside_the_phrase() -> None:
    text = "美团发布财报。中美团队达成共识，美团股价上涨。早餐喝了小米粥，小米手机"
    names = [(text[s.start : s.end], s.value) for s in find_tickers(text) if s.kind == COMPANY]
    surfaces = [surface for surface, _ in names]
    assert surfaces.count("美团") == 2  # the two real mentions, not the one in 中美团队
    assert surfaces.count("小米") == 1  # 小米手机, not 小米粥
    # the same again (the phrase lookup is cached per alias after the first text)
    assert [(text[s.start : s.end], s.value) for s in find_tickers(text) if s.kind == COMPANY] == (
        names
    )
