"""Provides the pure formatting the widgets share: ages, list rows, feed labels, link checks.

Everything here takes feed text and returns rich Text built with `Text.append` (never markup),
after `sanitize.one_line`, so a title such as `[@click=app.quit]` or one carrying OSC 52 shows as
plain characters (HOSTILE.md O4/O5). Kept free of widgets so it is tested without an App.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from urllib.parse import urlsplit

from rich.cells import cell_len, set_cell_size
from rich.style import Style
from rich.text import Text

from finreader.models import ArticleRow, Feed
from finreader.text.sanitize import one_line

# Fixed column widths in cells. 80 columns leaves 80 - 2 - 5 - 12 - 2 = 59 for title and tickers.
MARK_WIDTH = 2
AGE_WIDTH = 5
FEED_WIDTH = 14
TICKERS_MAX = 18
# A list narrower than 70 cells (the 100-column three-pane layout) gives tickers 10 cells,
# "0700.HK +3", so titles keep 20 cells instead of 12.
TICKERS_NARROW = 10
# A title longer than this is cut before measuring: a 200,000-char title (HOSTILE A15) must not
# cost a full cell-length scan per painted line.
TITLE_CAP = 400


def age(published: datetime | None, now: datetime) -> str:
    """A short age such as 'now', '5m', '3h', '2d', '6w', '2y' (longest is 4 cells)."""
    if published is None:
        return "?"
    if published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    seconds = (now - published).total_seconds()
    if seconds < 60:
        return "now"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 24:
        return f"{hours}h"
    days = hours // 24
    if days < 14:
        return f"{days}d"
    if days < 365:
        return f"{days // 7}w"
    return f"{days // 365}y"


def local_time(moment: datetime | None) -> str:
    """A published time in the viewer's local zone, e.g. '2026-11-28 09:30 CST'."""
    if moment is None:
        return "unknown time"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M %Z").strip()


def short_tickers(tickers: list[str], limit: int = TICKERS_MAX) -> str:
    """'NVDA.US META.US' trimmed to `limit` cells, with '+2' when some did not fit. A first
    symbol that fits only without its count is shown alone: a bare '+8' would name nothing."""
    shown: list[str] = []
    used = 0
    for index, symbol in enumerate(tickers):
        symbol = one_line(symbol)
        extra = len(shown) > 0
        remaining = len(tickers) - index - 1
        tail = len(f" +{remaining}") if remaining else 0
        if used + extra + cell_len(symbol) + tail > limit:
            if not shown and cell_len(symbol) <= limit:
                return symbol  # a lone "+8" would say nothing; the reader lists them all
            return (" ".join(shown) + f" +{len(tickers) - index}").strip()
        shown.append(symbol)
        used += extra + cell_len(symbol)
    return " ".join(shown)


def fit(value: str, width: int) -> str:
    """`value` padded or cut to exactly `width` cells ('…' marks a cut, right after the last
    character kept: a wide character that does not fit leaves its padding after the '…')."""
    if width <= 0:
        return ""
    if cell_len(value) <= width:
        return set_cell_size(value, width)
    kept = set_cell_size(value, width - 1).rstrip()
    return set_cell_size(kept + "…", width)


def short_list(items: Sequence[str], shown: int, *, cap: int = 40) -> str:
    """'NVDA, META, 腾讯 +197': the first `shown` items on one line (each cut to `cap`
    characters), then how many more there are."""
    head = ", ".join(one_line(item[:cap]) for item in items[:shown])
    more = len(items) - shown
    return head + (f" +{more}" if more > 0 else "")


def watched_first(tickers: list[str], watched: Collection[str]) -> tuple[list[str], int]:
    """tickers with the watched ones moved to the front (each group in its order), and how many
    are watched: a row's few ticker cells should name what the reader follows."""
    if not watched:
        return tickers, 0
    mine = [t for t in tickers if t in watched]
    if not mine:
        return tickers, 0
    return mine + [t for t in tickers if t not in watched], len(mine)


def row_text(
    row: ArticleRow,
    width: int,
    now: datetime,
    *,
    styles: dict[str, Style],
    feed_column: bool = True,
    watched: Collection[str] = (),
) -> Text:
    """One article-list line of exactly `width` cells: mark, title, tickers, feed, age.

    Narrow widths drop the feed column first (below 60 cells), then tickers (below 40). A list
    of one feed's articles passes feed_column=False: the column would repeat the pane's title.
    Tickers on the watchlist (`watched`) come first, in the "watched" style.
    """
    text = Text(no_wrap=True, end="")
    # Unread rows get a dot, bookmarked ones a star (the star wins; its colour still says unread).
    mark = "★ " if row.bookmarked else ("● " if not row.read else "  ")
    text.append(mark, styles["unread" if not row.read else "mark"])
    title = one_line(row.title[:TITLE_CAP]) or "(untitled)"
    feed = one_line(row.feed_title[:TITLE_CAP])
    tickers_width = TICKERS_MAX if width >= 70 else TICKERS_NARROW
    ordered, watched_count = watched_first(row.tickers, watched)
    tickers = short_tickers(ordered, tickers_width) if row.tickers else ""
    show_feed = feed_column and width >= 60
    # A fixed-width tickers column keeps titles, feeds and ages aligned row to row.
    show_tickers = width >= 40
    rest = width - MARK_WIDTH - AGE_WIDTH
    if show_feed:
        rest -= FEED_WIDTH + 1
    if show_tickers:
        rest -= tickers_width + 1
    text.append(fit(title, max(rest, 1)), styles["title" if not row.read else "title_read"])
    if show_tickers:
        text.append(" ")
        cell = fit(tickers, tickers_width)
        # The watched symbols lead (short_tickers keeps the order); style the ones shown.
        shown = tickers.split(" ")
        lead = [s for s in shown[:watched_count] if not s.startswith("+")]
        mine = min(len(" ".join(lead)), len(cell))
        if mine:
            text.append(cell[:mine], styles.get("watched", styles["tickers"]))
        text.append(cell[mine:], styles["tickers"])
    if show_feed:
        text.append(" ")
        text.append(fit(feed, FEED_WIDTH), styles["feed"])
    # Right-aligned ("  1d", " 10d") so the units line up; age() is at most 4 ASCII cells.
    text.append(age(row.published, now)[: AGE_WIDTH - 1].rjust(AGE_WIDTH), styles["age"])
    text.truncate(width, pad=True)
    return text


# A feed label's mark (2 cells) and unread count (4 cells and a space) before its name.
LABEL_PREFIX = 7


def failing(feed: Feed) -> bool:
    """The feed's last poll failed (a parser note on a working feed is not a failure)."""
    return bool(feed.last_error)


def feed_problem(feed: Feed) -> str | None:
    """What the status line and the tooltip say about a feed's last poll: its error, or the
    parser's note on a poll that worked (said so, so it does not read as an error)."""
    if feed.last_error:
        return feed.last_error
    if feed.note:
        return f"polled fine, note: {feed.note}"
    return None


def feed_label(
    feed: Feed, styles: dict[str, Style] | None = None, *, width: int | None = None
) -> Text:
    """A feed-list line: error mark, unread count (right-aligned in 4 cells), then the name.

    The count goes before the name because the pane cuts long names with an ellipsis. `styles`
    ("error", "warning", "count") come from the feed list's component classes in finreader.tcss.
    '!' marks a failing feed, '~' one whose last poll worked with a parser note."""
    styles = styles or {}
    label = Text(no_wrap=True, end="")
    if failing(feed):
        label.append("! ", styles.get("error", ""))
    elif feed.note:
        # Polled fine, with a note from the parser ("control characters removed").
        label.append("~ ", styles.get("warning", ""))
    else:
        label.append("  ")
    label.append(f"{feed.unread:>4} " if feed.unread else "     ", styles.get("count", ""))
    name = one_line(feed.title or feed.url)[:80]
    if width is not None and width > LABEL_PREFIX:
        # Cut here rather than by the pane's text-overflow, which leaves "市场快 …" with CJK.
        name = fit(name, width - LABEL_PREFIX).rstrip()
    label.append(name)
    return label


def safe_link(link: str | None) -> str | None:
    """The link when it is http(s) with a host, else None: `o` never opens javascript: or file:."""
    if not link:
        return None
    link = link.strip()
    try:
        parts = urlsplit(link)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if any(ch in link for ch in "\x00\r\n\t ") or one_line(link) != link:
        return None
    return link
