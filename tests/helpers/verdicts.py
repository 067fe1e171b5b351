"""Provides verdict_of: what a block's verdict is by definition, every given rule group tried in
rule order, the reference the cleaner's shortcut paths are tested against."""

from __future__ import annotations

from collections.abc import Sequence

from finreader.text.rules import RuleGroup


def verdict_of(
    text: str,
    tails: Sequence[RuleGroup],
    blocks: Sequence[RuleGroup],
    trims: Sequence[RuleGroup],
) -> tuple[object, object, object]:
    """(tail, block, trims): the earliest tail, the first block group that matches, and every
    trim in text order (longest first at one start), as _judge reports them."""
    tail = None
    for g in tails:
        hit = g.find(text)
        if hit is not None and (tail is None or hit[1].start() < tail[1]):
            tail = (hit[0], hit[1].start())
    block = next((hit[0] for g in blocks if (hit := g.find(text)) is not None), None)
    found = sorted((h for g in trims for h in g.finditer(text)), key=lambda h: (h[1], -h[2]))
    return tail, block, found
