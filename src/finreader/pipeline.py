"""Provides the CPU half of a poll: feed bytes in, parsed and processed items out.

It runs in worker processes, so both cores parse and clean while the event loop keeps the network
busy: at 500 feeds x 50 items this is ~25,000 items of work, the bulk of a first poll's CPU.
Arguments and results are plain picklable data; nothing here touches SQLite or HTTP.

The parser and the text pipeline are imported where they are used, so a poll that parses
nothing (all 304) never loads them. A poll that will parse loads them in the parent and runs
`warm_up` there before forking the workers (library.py, Library._start_pool): the workers start
with that code and the compiled rules, figure and ticker patterns and company directory already
built, and share those pages with the parent instead of each building its own copy. When the
parent already runs threads, the workers come from the forkserver instead, which imports
WORKER_PRELOAD and warms the same caches once (worker_warmup.py) before it forks them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from finreader.models import ParsedEntry, ProcessedArticle
from finreader.store.rows import ItemRow, content_hash, item_key, item_row, split_keys

if TYPE_CHECKING:
    from finreader.text.process import RuleSet

# What the worker server imports before it forks a worker (see the module docstring).
WORKER_PRELOAD = [
    "finreader.pipeline",
    "finreader.feeds.parse",
    "finreader.text.process",
    "finreader.worker_warmup",
]

_TAG = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9]*[\s/>]|/[a-zA-Z]|!--)")


@dataclass(slots=True)
class PreparedFeed:
    title: str | None = None
    link: str | None = None
    rows: list[ItemRow] = field(default_factory=list)
    warning: str | None = None
    error: str | None = None
    seen: bytes = b""  # the item keys of every entry in the body (store/rows.py item_key)
    skipped: int = 0  # entries left out of rows: their key was in the feed's last body


# User rules in a hashable form (TOML values are str, int or bool), so compiled rule sets can be
# cached per worker process.
FrozenRules = tuple[tuple[tuple[str, object], ...], ...]


@lru_cache(maxsize=64)
def _rules(user_rules: FrozenRules, disabled: tuple[str, ...]) -> RuleSet:
    from finreader.text.process import compile_rules

    return compile_rules([dict(r) for r in user_rules], list(disabled))


def freeze_rules(rules: Sequence[Mapping[str, object]]) -> FrozenRules:
    """A hashable form of user rules, so compiled rule sets are cached per worker."""
    return tuple(tuple(sorted(rule.items())) for rule in rules)


def process_entry(
    entry: ParsedEntry, rules: RuleSet | None, base_url: str | None
) -> ProcessedArticle:
    """Process one item; a failure in the text pipeline keeps the item, uncleaned, with a reason."""
    from finreader.text import process as text_process
    from finreader.text.sanitize import for_storage

    # Parsers label any description as HTML; a body with no tag at all is plain text, whose
    # blank lines (not tags) carry the paragraph structure (the seed article is such a body).
    is_html = entry.content_is_html and _TAG.search(entry.content) is not None
    try:
        return text_process.process(
            entry.content,
            is_html=is_html,
            title=entry.title,
            base_url=entry.link or base_url,
            rules=rules,
        )
    except Exception as exc:  # one bad item must not end a poll
        return ProcessedArticle(
            text=for_storage(entry.content),
            rules_version=text_process.RULES_VERSION,
            fallback_reason=f"cleaning failed: {type(exc).__name__}",
        )


def warm_up(user_rules: FrozenRules = (), disabled: tuple[str, ...] = ()) -> None:
    """Import the parsers and the text pipeline and build their compiled caches (rules, figure
    and ticker patterns, company directory) by preparing the bundled demo feeds.

    Called in the process that forks the workers, just before it forks: the workers then start
    warm and share these pages with it instead of each building its own copy (~10 MB and ~0.2 s
    of CPU per worker)."""
    from importlib import resources

    demo = resources.files("finreader.data").joinpath("demo")
    for name in ("markets-en.xml", "markets-zh.xml"):
        try:
            body = demo.joinpath(name).read_bytes()
        except OSError:
            continue  # a trimmed install: the workers warm up on their first feed instead
        prepare(body, f"https://demo.invalid/{name}", {}, user_rules, disabled)


def prepare(
    body: bytes,
    url: str,
    headers: Mapping[str, str],
    user_rules: FrozenRules = (),
    disabled: tuple[str, ...] = (),
    seen: bytes | None = None,
) -> PreparedFeed:
    """Parse body and process every entry whose item key is not in `seen` (the feed's last
    stored body: those items are stored with this very content already). Never raises: errors
    come back in .error."""
    from finreader.feeds.parse import FeedError, parse_feed

    try:
        parsed = parse_feed(body, url=url, headers=headers)
    except FeedError as exc:
        return PreparedFeed(error=str(exc))
    except Exception as exc:
        return PreparedFeed(error=f"could not parse feed: {type(exc).__name__}: {exc}"[:300])
    try:
        rules = _rules(user_rules, disabled)
    except Exception as exc:
        return PreparedFeed(error=f"bad cleaning rule: {exc}"[:300])
    known = split_keys(seen)
    keys: dict[bytes, None] = {}  # insertion-ordered and duplicate-free
    rows: list[ItemRow] = []
    skipped = 0
    for entry in parsed.entries:
        digest = content_hash(entry)
        key = item_key(entry, digest)
        keys[key] = None
        if key in known:
            skipped += 1
        else:
            rows.append(item_row(entry, process_entry(entry, rules, url), digest))
    return PreparedFeed(
        title=parsed.title,
        link=parsed.link,
        rows=rows,
        warning=parsed.warning,
        error=None,
        seen=b"".join(keys),
        skipped=skipped,
    )
