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
from finreader.store.rows import (
    ItemIdentity,
    ItemRow,
    content_hash,
    identity_key,
    item_row,
    lookup_names,
    split_keys,
)

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
    # Every entry of the body found by GUID or link, in order: the store keeps the keys of those
    # whose rows it finds holding their content, for the next poll (Store.save_rows).
    identities: list[ItemIdentity] = field(default_factory=list)
    skipped: int = 0  # entries left out of rows: their key was in the feed's last body

    @property
    def seen(self) -> bytes:
        """The item keys (store/rows.py identity_key) of `identities`, before the store checks them."""
        return b"".join(dict.fromkeys(identity_key(i) for i in self.identities))


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
    """Parse body and process every entry except those whose item key is in `seen` (keys the
    store checked, after storing the feed's last body, to name rows holding that very content)
    and which no other entry of the body could change the row of. Never raises: errors come back
    in .error."""
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
    keyed = [_keyed(entry) for entry in parsed.entries]
    contested = _contested(keyed)
    rows: list[ItemRow] = []
    skipped = 0
    for entry, identity, key in keyed:
        names = lookup_names(entry)
        # No names: an entry without GUID and link, found by content in any row of the feed.
        if names and key in known and contested.isdisjoint(names):
            skipped += 1
        else:
            rows.append(item_row(entry, process_entry(entry, rules, url), identity.content_hash))
    return PreparedFeed(
        title=parsed.title,
        link=parsed.link,
        rows=rows,
        warning=parsed.warning,
        error=None,
        identities=list(dict.fromkeys(i for e, i, _ in keyed if e.guid or e.link)),
        skipped=skipped,
    )


def _keyed(entry: ParsedEntry) -> tuple[ParsedEntry, ItemIdentity, bytes]:
    identity = ItemIdentity(entry.guid, entry.link, content_hash(entry))
    return entry, identity, identity_key(identity)


def _contested(keyed: Sequence[tuple[ParsedEntry, ItemIdentity, bytes]]) -> set[str]:
    """The lookup names (rows.lookup_names) that lead save_rows to one row from entries of
    different content in this body: a GUID listed twice, or a link that an entry without GUID is
    found by and another entry carries. Which content that row ends up with depends on the
    order the entries are stored in, so these entries are never skipped."""
    keys_by_name: dict[str, set[bytes]] = {}
    looked_up_links: set[str] = set()
    for entry, _identity, key in keyed:
        if not entry.guid and entry.link:
            looked_up_links.add("l" + entry.link)
        for name in lookup_names(entry):
            keys_by_name.setdefault(name, set()).add(key)
    return {
        name
        for name, keys in keys_by_name.items()
        if len(keys) > 1 and (name[0] == "g" or name in looked_up_links)
    }
