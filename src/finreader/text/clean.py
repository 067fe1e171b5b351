"""Provides the rule engine over blocks: what is boilerplate, and a record of every removal.

Order matters and is fixed: the title goes first (it is metadata), then the tail rules cut the
end-of-page zone (disclaimers, teaser lists) so that bylines inside teasers are never lifted, then
bylines are lifted into metadata, then whole-block rules, trims inside blocks, and the structural
heuristics (nav menus, related-headline runs, link-only blocks). The passes repeat on what is left
until nothing changes (at most _ROUNDS), which is what makes cleaning idempotent: a trim can
expose a block that a rule now matches, and the second call would otherwise catch it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from finreader.models import Removal
from finreader.text.blocks import Piece, cut, strip_piece
from finreader.text.rules import RuleSet

_ROUNDS = 4
_NON_WORD = re.compile(r"[\W_]+")
_WORD = re.compile(r"[^\W_]+")
_SITE_SUFFIX = re.compile(r"(?:\s*[|｜]\s*|\s+[-–—]\s+|\s*_\s*)([^|｜_]{1,24})$")
_SCRAPER_TITLE = re.compile(r"^title\s*:\s*(\S.{0,300})$", re.IGNORECASE)
# A block ending like this is a sentence, not a headline or a menu entry.
_SENTENCE_END = frozenset(".。!！?？\"”’'…:：;；)）」』")
# A first line ending like this is a sentence or a label, not a headline.
_NOT_TITLE_END = frozenset(".。,，;；:：")
_NAV_PUNCT = re.compile(r"[。.!！?？,，;；:：、“”\"]")
_TITLE_SCAN = 5  # blocks searched for an inferable title
_TAIL_MIN_BEFORE = 40
_LINK_ONLY_REST = 12
_HEADLINE_MIN_SPACES = 4  # chars outside links a link-only block may have: "Related: ", " | "  # chars of article needed before a tail may cut (else drop only the block)


@dataclass(slots=True)
class Cleaned:
    pieces: list[Piece]
    removed: list[Removal] = field(default_factory=list)
    source: str | None = None
    author: str | None = None
    fallback_reason: str | None = None


def _norm(text: str) -> str:
    return _NON_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())


_ASCII_HEAD = 48  # characters of a block's start checked against the title without NFKC


def _may_start_with(text: str, nt: str) -> bool:
    """False only when _norm(text) cannot start with nt (nt non-empty), decided on the block's
    first characters without normalising the whole block. Exact for an ASCII head: NFKC leaves
    ASCII alone and no ASCII character composes with its neighbour, casefold is lower(), and
    dropping non-word characters works character by character, so the head's normal form is a
    prefix of the block's. The character after the head must be ASCII too (a combining accent
    there would change the head's last letter). Anything else: True (normalise and compare)."""
    head = text[: _ASCII_HEAD + 1]
    if not head.isascii():
        return True
    if len(text) > _ASCII_HEAD:
        head = head[:_ASCII_HEAD]  # the character after it, ASCII too, only proved a clean end
    prefix = _NON_WORD.sub("", head.lower())
    if len(prefix) >= len(nt):
        return prefix.startswith(nt)
    return nt.startswith(prefix)


@dataclass(slots=True)
class _Verdict:
    """What the rules say about one text: the first tail (rule, where), the first block rule,
    the trims (rule, start, end) sorted."""

    tail: tuple[str, int] | None
    block: str | None
    trims: list[tuple[str, int, int]]
    byline: tuple[str, str] | None


def _judge(text: str, rules: RuleSet) -> _Verdict:
    tail_groups, block_groups, trim_groups = rules.dispatch.groups(
        text, rules.scanner.present(text)
    )
    tail: tuple[str, int] | None = None
    for g in tail_groups:
        hit = g.find(text)
        if hit is not None and (tail is None or hit[1].start() < tail[1]):
            tail = (hit[0], hit[1].start())
    block: str | None = None
    for g in block_groups:
        hit = g.find(text)
        if hit is not None:
            block = hit[0]
            break
    trims: list[tuple[str, int, int]] = []
    for g in trim_groups:
        trims.extend(g.finditer(text))
    if len(trims) > 1:
        trims.sort(key=lambda h: (h[1], -h[2]))
    return _Verdict(tail, block, trims, _byline(text, rules))


def _byline(text: str, rules: RuleSet) -> tuple[str, str] | None:
    """("source" | "author", value) when text is a byline line."""
    b = rules.bylines
    if len(text) > b.max_len:
        return None
    for pat in b.source:
        m = pat.match(text)
        if m and m.group(1).strip():
            return "source", m.group(1).strip()
    for pat in b.author:
        m = pat.match(text)
        if m and m.group(1).strip():
            return "author", m.group(1).strip()
    return None


class _Run:
    """One cleaning call: the pieces, the removals so far, the lifted metadata."""

    def __init__(self, pieces: list[Piece], rules: RuleSet) -> None:
        self.pieces = list(pieces)
        self.rules = rules
        self.removed: list[Removal] = []
        self.source: str | None = None
        self.author: str | None = None
        self.on = rules.enabled_heuristics
        # What the rules say about each piece's current text is computed once per distinct text
        # (rules look at text only) and kept on the piece (Piece.memo): later rounds re-check
        # only pieces a trim changed.

    def verdict(self, piece: Piece) -> _Verdict:
        text = piece.text
        memo = piece.memo
        if memo is not None and memo[0] is text and memo[1] is self.rules:
            return memo[2]  # type: ignore[return-value]
        v = _judge(text, self.rules)
        piece.memo = (text, self.rules, v)
        return v

    def drop(self, rule: str, text: str) -> None:
        self.removed.append(Removal(rule, text))

    # ---------------------------------------------------------------- title

    def infer_title(self) -> str | None:
        pieces = self.pieces
        for piece in pieces[:_TITLE_SCAN]:
            m = _SCRAPER_TITLE.match(piece.text)
            if m:
                return m.group(1).strip()
        if not pieces:
            return None
        first = pieces[0].text
        m = _SITE_SUFFIX.search(first) if len(first) <= 200 else None
        if m:
            head = _norm(first[: m.start()])
            window = pieces[1 : self.rules.heuristics.title_window]
            if head and any(_norm(p.text) == head for p in window if len(p.text) < 2 * len(first)):
                return first[: m.start()].strip()
        if (
            len(first) <= 150
            and first[-1] not in _NOT_TITLE_END
            and self.verdict(pieces[0]).byline is None
        ):
            # A short first line directly followed (after short labels) by a byline or a date.
            for piece in pieces[1:4]:
                # The evidence must itself be removed (a byline, a timestamp), so that cleaning
                # the result again finds no evidence and no second "title".
                v = self.verdict(piece)
                if v.byline is not None or v.block is not None:
                    return first
                if len(piece.text) > 20:
                    break
        return None

    def drop_title(self, title: str) -> None:
        folded_title = unicodedata.normalize("NFKC", title).casefold()
        nt = _NON_WORD.sub("", folded_title)  # _norm(title)
        if not nt:
            return
        keep: list[Piece] = []
        window = self.rules.heuristics.title_window
        # Normalising every block costs ~6 us each here; a block that is the title contains its
        # first letters (with or without NFKC folding), which a casefold and `in` check cheaply.
        probes = tuple(
            {
                m.group()[:3]
                for m in (_WORD.search(title.casefold()), _WORD.search(folded_title))
                if m
            }
        )
        low, high = len(title) // 2, 3 * len(title) + 40
        for i, piece in enumerate(self.pieces):
            text = piece.text
            if i < window and low <= len(text) <= high:
                folded = text.casefold()
                for probe in probes:  # a plain loop: a generator costs more here
                    if probe in folded:
                        break
                else:
                    keep.append(piece)
                    continue
                if not _may_start_with(text, nt):
                    keep.append(piece)
                    continue
                n = _norm(piece.text)
                if n == nt or (
                    n.startswith(nt) and len(n) - len(nt) <= 24 and _SITE_SUFFIX.search(piece.text)
                ):
                    self.drop("title", piece.text)
                    continue
            keep.append(piece)
        self.pieces = keep

    # ---------------------------------------------------------------- tails

    def apply_tails(self) -> bool:
        before = 0
        for i, piece in enumerate(self.pieces):
            hit = self.verdict(piece).tail
            if hit is None:
                before += len(piece.text)
                continue
            name, start = hit
            prefix = piece.text[:start].rstrip()
            if before + len(prefix) < _TAIL_MIN_BEFORE:
                # Nothing of the article yet: a top-of-page notice, not the end zone.
                self.drop(name, piece.text)
                del self.pieces[i]
                return True
            tail = [piece.text[start:]] + [p.text for p in self.pieces[i + 1 :]]
            self.drop(name, "\n\n".join(tail))
            if prefix:
                cut(piece, [(start, len(piece.text))])
                strip_piece(piece)
                self.pieces = self.pieces[: i + 1]
            else:
                self.pieces = self.pieces[:i]
            return True
        return False

    # ---------------------------------------------------------------- bylines

    def _lift(self, field_name: str, value: str) -> None:
        if field_name == "source" and self.source is None:
            self.source = value
        elif field_name == "author" and self.author is None:
            self.author = value

    def apply_bylines(self) -> bool:
        b = self.rules.bylines
        keep: list[Piece] = []
        changed = False
        pieces = self.pieces
        i = 0
        while i < len(pieces):
            piece = pieces[i]
            text = piece.text
            label = text.casefold().rstrip(":：") if len(text) <= 12 else ""
            if label and i + 1 < len(pieces) and len(pieces[i + 1].text) <= 40:
                field_name = (
                    "author"
                    if label in b.next_author
                    else "source"
                    if label in b.next_source
                    else ""
                )
                if field_name:
                    value = pieces[i + 1].text
                    self._lift(field_name, value)
                    self.drop("byline", f"{text}\n{value}")
                    i += 2
                    changed = True
                    continue
            found = self.verdict(piece).byline
            if found is not None:
                self._lift(*found)
                self.drop("byline", text)
                changed = True
            else:
                keep.append(piece)
            i += 1
        self.pieces = keep
        return changed

    # ---------------------------------------------------------------- block rules and trims

    def apply_blocks_and_trims(self) -> bool:
        """Whole-block rules, then trims inside the blocks that stay (one pass, one verdict)."""
        keep: list[Piece] = []
        changed = False
        for piece in self.pieces:
            verdict = self.verdict(piece)
            if verdict.block is not None:
                self.drop(verdict.block, piece.text)
                changed = True
                continue
            hits = verdict.trims
            if hits:
                ranges: list[tuple[int, int]] = []
                for name, start, end in hits:
                    if ranges and start < ranges[-1][1]:
                        if end > ranges[-1][1]:
                            ranges[-1] = (ranges[-1][0], end)
                        continue
                    ranges.append((start, end))
                    self.drop(name, piece.text[start:end].strip())
                cut(piece, ranges)
                strip_piece(piece)
                changed = True
                if not piece.text:
                    continue
            keep.append(piece)
        self.pieces = keep
        return changed

    # ---------------------------------------------------------------- structural heuristics

    def apply_link_only(self) -> bool:
        if "link-only" not in self.on or not self.rules.heuristics.link_only:
            return False
        keep: list[Piece] = []
        for piece in self.pieces:
            links = piece.links
            if links:
                text = piece.text
                if len(links) == 1:  # the common case, without the generator
                    rest = text[: links[0][0]] + text[links[0][1] :]
                else:
                    rest = "".join(
                        text[a:b]
                        for a, b in zip(
                            [0] + [e for _, e, _ in links],
                            [s for s, _, _ in links] + [len(text)],
                            strict=True,
                        )
                    )
                # A paragraph with a link in it has far more than a bracket of its own text.
                if len(rest) <= _LINK_ONLY_REST and len(_NON_WORD.sub("", rest)) <= 1:
                    self.drop("link-only", text)
                    continue
            keep.append(piece)
        changed = len(keep) != len(self.pieces)
        self.pieces = keep
        return changed

    def _drop_runs(self, name: str, flags: list[bool], min_run: int) -> bool:
        keep: list[Piece] = []
        i, n = 0, len(flags)
        changed = False
        while i < n:
            if flags[i]:
                j = i
                while j < n and flags[j]:
                    j += 1
                introduced = i > 0 and self.pieces[i - 1].text[-1:] in (":", "：")
                if j - i >= min_run and not introduced:
                    # (A run right after "Highlights:" is a list the article introduced.)
                    self.drop(name, "\n".join(p.text for p in self.pieces[i:j]))
                    changed = True
                else:
                    keep.extend(self.pieces[i:j])
                i = j
            else:
                keep.append(self.pieces[i])
                i += 1
        self.pieces = keep
        return changed

    def apply_nav_runs(self) -> bool:
        if "nav-run" not in self.on:
            return False
        h = self.rules.heuristics
        flags = [
            len(p.text) <= h.nav_max_chars and not _NAV_PUNCT.search(p.text) and " | " not in p.text
            for p in self.pieces
        ]
        return self._drop_runs("nav-run", flags, h.nav_run)

    def apply_headline_runs(self) -> bool:
        if "headline-run" not in self.on:
            return False
        h = self.rules.heuristics
        flags: list[bool] = []
        before = 0
        for p in self.pieces:
            text = p.text
            flags.append(
                before >= h.headline_after_chars
                and h.headline_min <= len(text) <= h.headline_max
                and text[-1] not in _SENTENCE_END
                and " | " not in text  # a table row
                # Headlines in a Latin script: Chinese data lines ("失业率 4.3%，预期 4.3%")
                # also lack closing punctuation and are article text.
                and text.count(" ") >= _HEADLINE_MIN_SPACES
            )
            before += len(text)
        return self._drop_runs("headline-run", flags, h.headline_run)

    def one_round(self) -> bool:
        changed = self.apply_tails()
        if "byline" in self.on:
            changed = self.apply_bylines() or changed
        changed = self.apply_blocks_and_trims() or changed
        changed = self.apply_link_only() or changed
        changed = self.apply_nav_runs() or changed
        return self.apply_headline_runs() or changed


def clean(pieces: list[Piece], rules: RuleSet, title: str | None = None) -> Cleaned:
    """Remove boilerplate from pieces; never returns an empty article when pieces had text."""
    if not pieces:
        return Cleaned([])
    originals = [Piece(p.kind, p.text, list(p.links)) for p in pieces]
    run = _run(pieces, rules, title)
    if run.pieces:
        return Cleaned(run.pieces, run.removed, run.source, run.author)
    if any(p.links for p in originals):
        # Link-only blocks are judged by their links, which the text of a result no longer
        # has; judge without them before giving up, so that cleaning the fallback text again
        # reaches the same verdict (idempotence).
        run = _run([Piece(p.kind, p.text) for p in originals], rules, title)
        if run.pieces:
            return Cleaned(run.pieces, run.removed, run.source, run.author)
    first = run.removed[0].rule if run.removed else "rules"
    return Cleaned(
        originals,
        fallback_reason=(
            f"cleaning would remove all {len(originals)} blocks (first rule: {first}); "
            "kept the original text"
        ),
    )


def _run(pieces: list[Piece], rules: RuleSet, title: str | None) -> _Run:
    run = _Run(pieces, rules)
    if "title" in run.on:
        if title is None:
            title = run.infer_title()
        if title:
            run.drop_title(title)
    for _ in range(_ROUNDS):
        if not run.one_round():
            break
    return run
