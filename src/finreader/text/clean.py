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
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate

from finreader.models import Removal
from finreader.text.blocks import Piece, cut, strip_piece
from finreader.text.rules import END_NEEDLE_SPAN, RuleSet

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
_TITLE_SCAN = 8  # blocks searched for an inferable title (a scraped page may open with a cookie
# banner, its buttons, a skip link and a section label above its headline)
_LABEL_MAX = 12  # a byline label alone on its line ("作者", "Source:") is at most this long
_TAIL_MIN_BEFORE = 40  # chars of article needed before a tail may cut (else drop only the block)
_LINK_ONLY_REST = 12  # chars outside links a link-only block may have: "Related: ", " | "
_HEADLINE_MIN_SPACES = 4  # a headline in a Latin script has words
# A list entry "Tuesday: German CPI" / "营收：42亿元": a short label, a colon, the entry.
_LABELLED = re.compile(r"[^:：.。!?！？]{1,20}[:：]\s*\S")
_CLOSING_LINES = 4  # lines at the end of a notice cut searched for the article's source line
# A closing notice line ends a sentence; a teaser headline does not.
_NOTICE_END = frozenset(".。!！")


@dataclass(slots=True)
class Cleaned:
    pieces: list[Piece]
    removed: list[Removal] = field(default_factory=list)
    source: str | None = None
    author: str | None = None
    fallback_reason: str | None = None
    title: str | None = None  # found in the text when none was given (ProcessedArticle.title)


def _norm(text: str) -> str:
    return _NON_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())


_ASCII_HEAD = 48  # characters of a block's start checked against the title without NFKC
# A Chinese head can be checked the same way: CJK ideographs are left alone by NFKC and
# casefold and are word characters; this punctuation is not, before or after NFKC ("，" -> ","),
# so dropping it gives the same; and none of these composes with a neighbour (all starters,
# no Hangul). Checked character by character over the whole set in the tests.
_CJK_PUNCT = "，。：；！？“”‘’（）《》、…—【】「」『』·"
_PLAIN_HEAD = re.compile("[\x00-\x7f\u3400-\u4dbf\u4e00-\u9fff" + _CJK_PUNCT + "]*")


def _may_start_with(text: str, nt: str) -> bool:
    """False only when _norm(text) cannot start with nt (nt non-empty), decided on the block's
    first characters without normalising the whole block. Exact for an ASCII head: NFKC leaves
    ASCII alone and no ASCII character composes with its neighbour, casefold is lower(), and
    dropping non-word characters works character by character, so the head's normal form is a
    prefix of the block's. The character after the head must be ASCII too (a combining accent
    there would change the head's last letter). The same holds for heads of ASCII, CJK
    ideographs and _CJK_PUNCT (Chinese paragraphs). Anything else: True (normalise and
    compare)."""
    head = text[: _ASCII_HEAD + 1]
    if not head.isascii() and _PLAIN_HEAD.fullmatch(head) is None:
        return True
    if len(text) > _ASCII_HEAD:
        head = head[:_ASCII_HEAD]  # the character after it, ASCII too, only proved a clean end
    prefix = _NON_WORD.sub("", head.lower())
    if len(prefix) >= len(nt):
        return prefix.startswith(nt)
    return nt.startswith(prefix)


class _Verdict:
    """What the rules say about one text: the first tail (rule, where), the first block rule,
    the trims (rule, start, end) sorted, a byline; and the text-only tests the structural passes
    make on every round (a label that announces a byline on the next line, a nav-menu entry, a
    headline shape), so that a round over unchanged blocks reads flags instead of re-testing."""

    __slots__ = ("block", "byline", "headline", "label", "nav", "tail", "trims")

    def __init__(
        self,
        tail: tuple[str, int] | None,
        block: str | None,
        trims: list[tuple[str, int, int]],
        byline: tuple[str, str] | None,
        shape: tuple[str, bool, bool],
    ) -> None:
        self.tail = tail
        self.block = block
        self.trims = trims
        self.byline = byline
        self.label, self.nav, self.headline = shape


_NO_SHAPE = ("", False, False)


# The verdict of most blocks, shared (passes only read verdicts).
_PLAIN = _Verdict(None, None, [], None, _NO_SHAPE)


def _shape(text: str, rules: RuleSet) -> tuple[str, bool, bool]:
    """(byline label field or "", nav-menu entry, headline shape) of a text; for a text longer
    than all three can be, _NO_SHAPE (see _judge)."""
    n = len(text)
    h = rules.heuristics
    label = ""
    if n <= _LABEL_MAX:
        b = rules.bylines
        word = text.casefold().rstrip(":：")
        if word:
            label = "author" if word in b.next_author else "source" if word in b.next_source else ""
    nav = n <= h.nav_max_chars and not _NAV_PUNCT.search(text) and " | " not in text
    headline = (
        h.headline_min <= n <= h.headline_max
        and text[-1] not in _SENTENCE_END
        and " | " not in text  # a table row
        # Headlines in a Latin script: Chinese data lines ("失业率 4.3%，预期 4.3%")
        # also lack closing punctuation and are article text.
        and text.count(" ") >= _HEADLINE_MIN_SPACES
    )
    return label, nav, headline


def _judge(text: str, rules: RuleSet) -> _Verdict:
    """What the rules say about text: the groups Dispatch chooses, tried in rule order.

    Runs once for every block: the groups' regex methods are called directly (RuleGroup.test),
    and the byline and shape tests run only on blocks short enough for them (most are not)."""
    tail_groups, block_groups, trim_groups = rules.dispatch.groups(
        text, rules.scanner.present(text)
    )
    tail: tuple[str, int] | None = None
    for g in tail_groups:
        m = g.test(text)
        if m is not None and (tail is None or m.start() < tail[1]):
            tail = (g.name_of(m), m.start())
    block: str | None = None
    for g in block_groups:
        m = g.test(text)
        if m is not None:
            block = g.name_of(m)
            break
    trims: list[tuple[str, int, int]] = []
    for g in trim_groups:
        # (The end window's needle test, which finditer makes too, inline: an "end" trim is
        # chosen for every block, and most end without one. A negative start is 0.)
        window_hit = g.window_hit
        if window_hit is not None:
            search = g.window_search
            if search is not None:
                if search(text, len(text) - END_NEEDLE_SPAN) is None:
                    continue
            elif not window_hit(text[-END_NEEDLE_SPAN:].lower()):
                continue
        trims.extend(g.finditer(text))
    if len(trims) > 1:
        trims.sort(key=lambda h: (h[1], -h[2]))
    n = len(text)
    byline = _byline(text, rules) if n <= rules.bylines.max_len else None
    h = rules.heuristics
    short = n <= h.headline_max or n <= h.nav_max_chars or n <= _LABEL_MAX
    if not short:
        if tail is None and block is None and not trims and byline is None:
            return _PLAIN  # a paragraph the rules leave alone: most blocks
        return _Verdict(tail, block, trims, byline, _NO_SHAPE)
    return _Verdict(tail, block, trims, byline, _shape(text, rules))


def _byline(text: str, rules: RuleSet) -> tuple[str, str] | None:
    """("source" | "author", value) when text is a byline line."""
    b = rules.bylines
    if len(text) > b.max_len or (b.any_line is not None and b.any_line.match(text) is None):
        return None
    for pat in b.source:
        m = pat.match(text)
        if m and m.group(1).strip():
            return "source", m.group(1).strip()
    for pat in b.author:
        m = pat.match(text)
        if m and m.group(1).strip():
            value = m.group(1).strip()
            if b.other_credits is not None:
                value = b.other_credits.sub("", value).strip() or value
            return "author", value
    return None


class _Run:
    """One cleaning call: the pieces, the removals so far, the lifted metadata.

    What the rules say about each piece's current text (a _Verdict) sits in `verdicts`, the
    list parallel to `pieces`: None until the piece is first looked at, and again after a trim
    changes its text (rules look at text only, so later rounds re-judge only those). The passes
    keep both lists in step. (This replaces a memo on each Piece: a list index is cheaper than
    checking the memo's text and rule set on every look, ~80 looks per article.)"""

    def __init__(self, pieces: list[Piece], rules: RuleSet) -> None:
        self.pieces = list(pieces)
        self.verdicts: list[_Verdict | None] = [None] * len(self.pieces)
        self.rules = rules
        self.removed: list[Removal] = []
        self.source: str | None = None
        self.author: str | None = None
        self.found_title: str | None = None
        self.on = rules.enabled_heuristics
        # Whether every piece passed apply_link_only with its current text and links: its
        # verdict is the piece's own, so a later round need not look again until a cut.
        self.links_settled = False

    def verdict(self, i: int) -> _Verdict:
        """The verdict of piece i, judging it if it is new."""
        v = self.verdicts[i]
        if v is None:
            v = self.verdicts[i] = _judge(self.pieces[i].text, self.rules)
        return v

    def fresh(self) -> list[_Verdict]:
        """The verdicts of all pieces, judging the ones not judged yet."""
        verdicts = self.verdicts
        if None in verdicts:
            pieces, rules = self.pieces, self.rules
            for i, v in enumerate(verdicts):
                if v is None:
                    verdicts[i] = _judge(pieces[i].text, rules)
        return verdicts  # type: ignore[return-value]

    def keep(self, indexes: list[int]) -> None:
        """Keep only the pieces at these indexes (in order)."""
        pieces, verdicts = self.pieces, self.verdicts
        self.pieces = [pieces[i] for i in indexes]
        self.verdicts = [verdicts[i] for i in indexes]

    def drop(self, rule: str, text: str) -> None:
        self.removed.append(Removal(rule, text))

    # ---------------------------------------------------------------- title

    def infer_title(self) -> str | None:
        pieces = self.pieces
        for piece in pieces[:_TITLE_SCAN]:
            m = _SCRAPER_TITLE.match(piece.text)
            if m:
                return m.group(1).strip()
        top = self._first_not_boilerplate()
        if top is None:
            return None
        first = pieces[top].text
        m = _SITE_SUFFIX.search(first) if len(first) <= 200 else None
        if m:
            head = _norm(first[: m.start()])
            window = pieces[top + 1 : self.rules.heuristics.title_window]
            if head and any(_norm(p.text) == head for p in window if len(p.text) < 2 * len(first)):
                return first[: m.start()].strip()
        if (
            len(first) <= 150
            and first[-1] not in _NOT_TITLE_END
            and self.verdict(top).byline is None
        ):
            # A short first line directly followed (after short labels) by a byline or a date.
            for i in range(top + 1, min(top + 4, len(pieces))):
                # The evidence must itself be removed (a byline, a timestamp), so that cleaning
                # the result again finds no evidence and no second "title".
                v = self.verdict(i)
                if v.byline is not None or v.block is not None:
                    return first
                if len(pieces[i].text) > 20:
                    break
        return None

    def _first_not_boilerplate(self) -> int | None:
        """Index of the first piece no block rule removes, within _TITLE_SCAN: a page may open
        with a follow prompt or a repost notice ("点击蓝字 关注我们", "原标题：…") above its
        headline, and such a line is never the title."""
        for i in range(min(_TITLE_SCAN, len(self.pieces))):
            if self.verdict(i).block is None:
                return i
        return None

    def drop_title(self, title: str) -> None:
        folded_title = unicodedata.normalize("NFKC", title).casefold()
        nt = _NON_WORD.sub("", folded_title)  # _norm(title)
        if not nt:
            return
        # Normalising every block costs ~6 us each here; a block that is the title contains its
        # first letters (with or without NFKC folding), which one casefold of the candidate
        # blocks together and a find per probe check cheaply (_holding).
        probes = tuple(
            {
                m.group()[:3]
                for m in (_WORD.search(title.casefold()), _WORD.search(folded_title))
                if m
            }
        )
        low, high = len(title) // 2, 3 * len(title) + 40
        pieces = self.pieces[: self.rules.heuristics.title_window]
        dropped: set[int] = set()
        for i in _holding(pieces, probes, low, high):
            text = pieces[i].text
            if _may_start_with(text, nt):
                n = _norm(text)
                if n == nt or (
                    n.startswith(nt) and len(n) - len(nt) <= 24 and _SITE_SUFFIX.search(text)
                ):
                    self.drop("title", text)
                    dropped.add(i)
        if dropped:
            self.keep([i for i in range(len(self.pieces)) if i not in dropped])

    # ---------------------------------------------------------------- tails

    def apply_tails(self) -> bool:
        # Piece by piece: a tail cuts what follows it, which then need not be judged at all
        # (a page's teaser list after its disclaimer).
        verdicts = self.verdicts
        for i, v in enumerate(verdicts):
            tail = (v or self.verdict(i)).tail
            if tail is not None:
                break
        else:
            return False
        name, start = tail
        piece = self.pieces[i]
        before = sum(len(p.text) for p in self.pieces[:i])
        prefix = piece.text[:start].rstrip()
        if before + len(prefix) < _TAIL_MIN_BEFORE:
            # Nothing of the article yet: a top-of-page notice, not the end zone.
            self.drop(name, piece.text)
            del self.pieces[i]
            del self.verdicts[i]
            return True
        rest = [piece.text[start:]] + [p.text for p in self.pieces[i + 1 :]]
        self.drop(name, "\n\n".join(rest))
        self._source_from_last(i, name)
        if prefix:
            cut(piece, [(start, len(piece.text))])
            strip_piece(piece)
            self.keep(list(range(i + 1)))
            self.verdicts[i] = None
            self.links_settled = False
        else:
            self.keep(list(range(i)))
        return True

    def _source_from_last(self, cut_from: int, rule: str) -> None:
        """Lift the source from the article's closing lines when a tail cut takes them: a
        release ends "SOURCE Example Corp" after its legal text, a Chinese article "（文章来源：
        证券时报）" after its disclaimer. The last line always. A line above it only when a
        notice (a disclaimer, not a teaser heading) opened the cut and the rest of the cut is a
        few closing lines, each a byline or a notice sentence ("来源：X / 作者：Y / 数据仅供
        参考。"): a headline, a link or another tail heading in the cut may be a teaser list,
        whose bylines are other articles'. "A notice" is a tail rules.toml marks `closing`, and a
        line a `closing` block rule names (an editor's or copyright line, page chrome) counts as
        a closing line too. Only the source: a teaser's author is never the article's."""
        last = len(self.pieces) - 1
        if self.source is not None or last <= cut_from:
            return
        candidates: range | tuple[int] = (last,)
        if rule in self.rules.closing and last - cut_from <= _CLOSING_LINES:
            closing = range(last, cut_from, -1)
            if all(self._closing_line(k) for k in closing):
                candidates = closing
        for k in candidates:
            byline = self.verdict(k).byline
            if byline is not None and byline[0] == "source":
                self.source = byline[1]
                return

    def _closing_line(self, k: int) -> bool:
        """Whether piece k is a byline, a notice sentence or a notice line a block rule names
        ("责任编辑：王五", "版权所有 © 某某"): not a teaser headline."""
        v = self.verdict(k)
        if v.byline is not None:
            return True
        if v.tail is not None:
            return False
        if v.block in self.rules.closing:
            return True  # a notice a rule names, even as a link ("阅读全文", "Share")
        piece = self.pieces[k]
        return not piece.links and piece.text[-1:] in _NOTICE_END

    # ---------------------------------------------------------------- bylines

    def _lift(self, field_name: str, value: str) -> None:
        if field_name == "source" and self.source is None:
            self.source = value
        elif field_name == "author" and self.author is None:
            self.author = value

    def apply_bylines(self) -> bool:
        verdicts = self.fresh()
        for v in verdicts:  # most articles have none: one look at each verdict
            if v.byline is not None or v.label:
                break
        else:
            return False
        keep: list[int] = []
        changed = False
        pieces = self.pieces
        i = 0
        while i < len(pieces):
            piece = pieces[i]
            text = piece.text
            v = verdicts[i]
            field_name = v.label
            if field_name and i + 1 < len(pieces) and len(pieces[i + 1].text) <= 40:
                value = pieces[i + 1].text
                self._lift(field_name, value)
                self.drop("byline", f"{text}\n{value}")
                i += 2
                changed = True
                continue
            if v.byline is not None:
                self._lift(*v.byline)
                self.drop("byline", text)
                changed = True
            else:
                keep.append(i)
            i += 1
        self.keep(keep)
        return changed

    # ---------------------------------------------------------------- block rules and trims

    def apply_blocks_and_trims(self) -> bool:
        """Whole-block rules, then trims inside the blocks that stay (one pass, one verdict)."""
        verdicts = self.fresh()
        for v in verdicts:
            if v.block is not None or v.trims:
                break
        else:
            return False
        keep: list[int] = []
        for i, (piece, verdict) in enumerate(zip(self.pieces, verdicts, strict=True)):
            if verdict.block is not None:
                self.drop(verdict.block, piece.text)
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
                self.verdicts[i] = None
                self.links_settled = False
                if not piece.text:
                    continue
            keep.append(i)
        self.keep(keep)
        return True

    # ---------------------------------------------------------------- structural heuristics

    def apply_link_only(self) -> bool:
        if "link-only" not in self.on or not self.rules.heuristics.link_only:
            return False
        if self.links_settled:
            return False
        self.links_settled = True
        keep: list[int] = []
        for i, piece in enumerate(self.pieces):
            links = piece.links
            if links:
                text = piece.text
                if len(links) == 1:  # the common case, without the generator
                    start, end = links[0][0], links[0][1]
                    if (
                        0 <= start <= end <= len(text)
                        and len(text) - (end - start) > _LINK_ONLY_REST
                    ):
                        keep.append(i)  # more text than the link: no need to build the rest
                        continue
                    rest = text[:start] + text[end:]
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
            keep.append(i)
        if len(keep) == len(self.pieces):
            return False
        self.keep(keep)
        return True

    def _drop_runs(self, name: str, flags: list[bool], min_run: int) -> bool:
        if sum(flags) < min_run:
            return False  # no run long enough (the common case)
        keep: list[int] = []
        i, n = 0, len(flags)
        changed = False
        while i < n:
            if flags[i]:
                j = i
                while j < n and flags[j]:
                    j += 1
                if j - i >= min_run and not self._introduced(i, j):
                    self.drop(name, "\n".join(p.text for p in self.pieces[i:j]))
                    changed = True
                else:
                    keep.extend(range(i, j))
                i = j
            else:
                keep.append(i)
                i += 1
        self.keep(keep)
        return changed

    def _introduced(self, i: int, j: int) -> bool:
        """Whether the run of pieces i..j-1 is a list the article introduced: one right after
        "Highlights:", or one whose every line is a "label: text" entry without a link (an
        agenda under "Key events this week": "Tuesday: German CPI"). A related-stories
        module is links, or headlines of which at most some open with "Analysis:". (Text
        alone decides, so that cleaning the result again keeps the list.)"""
        if i > 0 and self.pieces[i - 1].text[-1:] in (":", "："):
            return True
        run = self.pieces[i:j]
        return not any(p.links for p in run) and all(_LABELLED.match(p.text) for p in run)

    def apply_nav_runs(self) -> bool:
        if "nav-run" not in self.on:
            return False
        flags = [v.nav for v in self.fresh()]
        return self._drop_runs("nav-run", flags, self.rules.heuristics.nav_run)

    def apply_headline_runs(self) -> bool:
        if "headline-run" not in self.on:
            return False
        h = self.rules.heuristics
        flags = [v.headline for v in self.fresh()]
        if sum(flags) < h.headline_run:
            return False
        # A headline run needs article text before it.
        before = 0
        for i, p in enumerate(self.pieces):
            if before >= h.headline_after_chars:
                break
            flags[i] = False
            before += len(p.text)
        return self._drop_runs("headline-run", flags, h.headline_run)

    def one_round(self) -> bool:
        changed = self.apply_tails()
        if "byline" in self.on:
            changed = self.apply_bylines() or changed
        changed = self.apply_blocks_and_trims() or changed
        changed = self.apply_link_only() or changed
        changed = self.apply_nav_runs() or changed
        return self.apply_headline_runs() or changed


def _ideograph(ch: str) -> bool:
    """A CJK unified ideograph (the main block or extension A)."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def _holding(pieces: list[Piece], probes: tuple[str, ...], low: int, high: int) -> list[int]:
    """Indexes of the pieces of length low..high whose casefolded text holds one of the probes:
    one casefold of those texts joined and a find per hit, not a casefold per piece.
    (Casefolding never makes or removes a newline, and probes hold none, so each hit lies in
    one text.)"""
    picked = [i for i, p in enumerate(pieces) if low <= len(p.text) <= high]
    if not picked:
        return []
    texts = [pieces[i].text for i in picked]
    joined = "\n".join(texts)
    if all(_ideograph(ch) for probe in probes for ch in probe):
        # A CJK ideograph casefolds to itself and nothing else folds to one, so probes of
        # ideographs alone occur in the casefolded texts where they occur in the texts
        # (casefolding Chinese costs ~10 ns a character).
        folded = joined
    else:
        # (ASCII casefolds as it lower-cases, and lower() has a fast path for it)
        folded = joined.lower() if joined.isascii() else joined.casefold()
    if len(folded) != sum(map(len, texts)) + len(texts) - 1:
        # A character casefolded to several ("ß" -> "ss"): the offsets moved.
        return [
            i
            for i, text in zip(picked, texts, strict=True)
            if any(probe in text.casefold() for probe in probes)
        ]
    ends = list(accumulate([len(t) + 1 for t in texts]))
    found: list[int] = []
    for probe in filter(None, probes):
        pos = folded.find(probe)
        while pos >= 0:
            k = bisect_right(ends, pos)
            found.append(picked[k])
            pos = folded.find(probe, ends[k])
    return sorted(set(found))


def clean(pieces: list[Piece], rules: RuleSet, title: str | None = None) -> Cleaned:
    """Remove boilerplate from pieces; never returns an empty article when pieces had text."""
    if not pieces:
        return Cleaned([])
    # Cleaning replaces a piece's text and links, never mutates a links list: a snapshot of
    # the fields is enough to rebuild the originals in the (rare) fallback.
    snapshot = [(p.kind, p.text, p.links) for p in pieces]
    run = _run(pieces, rules, title)
    if run.pieces:
        return Cleaned(run.pieces, run.removed, run.source, run.author, title=run.found_title)
    originals = [Piece(kind, text, list(links)) for kind, text, links in snapshot]
    if any(p.links for p in originals):
        # Link-only blocks are judged by their links, which the text of a result no longer
        # has; judge without them before giving up, so that cleaning the fallback text again
        # reaches the same verdict (idempotence).
        run = _run([Piece(p.kind, p.text) for p in originals], rules, title)
        if run.pieces:
            return Cleaned(run.pieces, run.removed, run.source, run.author, title=run.found_title)
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
            title = run.found_title = run.infer_title()
        if title:
            run.drop_title(title)
    for _ in range(_ROUNDS):
        if not run.one_round():
            break
    return run
