"""Pilot tests, one per user flow, against a real Library polled from a loopback server.

State and messages are asserted first (cursor, reader article, store flags); what is painted is
checked where it is the point (hostile titles, the seed's 结语).
"""

from __future__ import annotations

from datetime import timedelta

from finreader.models import ArticleQuery
from finreader.tui.bindings import ALL_KEYS, LIST_KEYS
from finreader.tui.screens.help import HelpScreen
from finreader.tui.screens.prompt import PromptScreen
from finreader.tui.widgets.article_list import PAGE_SIZE
from tests.tui.conftest import FIXED_NOW, NOTES, SEED_TITLE, World, item_xml, note_items, rss
from tests.tui.pilot_helpers import index_of, ready, record, wait_for


async def test_list_is_newest_first_and_virtual(world: World) -> None:
    async with world.app().run_test(size=(160, 48)) as pilot:
        main = await ready(pilot)
        articles = main.article_list
        assert articles.count == world.library.count(ArticleQuery())
        assert articles.count >= NOTES
        # Virtual: no widget per row, and only the first page was read.
        assert list(articles.children) == []
        assert len(articles.loaded_rows()) <= PAGE_SIZE
        rows = [row for _, row in sorted(articles.loaded_rows())]
        dates = [row.published for row in rows if row.published is not None]
        assert dates == sorted(dates, reverse=True)
        assert main.status.count == articles.count


async def test_navigate_with_keys(world: World) -> None:
    async with world.app().run_test(size=(160, 48)) as pilot:
        main = await ready(pilot)
        articles = main.article_list
        assert main.focused is articles
        await pilot.press("j", "j", "down")
        assert articles.cursor == 3
        await pilot.press("k", "up")
        assert articles.cursor == 1
        # h goes back to the feeds pane; pick the "Market Notes" feed there.
        await pilot.press("h")
        assert main.focused is main.feed_list
        notes = next(f for f in main.feed_list.feeds if f.title == "Market Notes")
        main.feed_list.highlighted = main.feed_list.get_option_index(f"feed:{notes.id}")
        await pilot.press("enter")
        await wait_for(pilot, lambda: main.choice.feed_id == notes.id, "the feed choice")
        await wait_for(pilot, lambda: articles.count == NOTES, "the feed's articles")
        assert main.focused is articles
        assert all(row.feed_id == notes.id for _, row in articles.loaded_rows())
        # tab cycles panes: list -> reader -> feeds -> list.
        await pilot.press("tab")
        assert main.focused is main.reader
        await pilot.press("tab")
        assert main.focused is main.feed_list
        await pilot.press("tab")
        assert main.focused is articles


async def test_scrolling_the_list_reads_more_pages(world: World) -> None:
    async with world.app().run_test(size=(120, 20)) as pilot:
        main = await ready(pilot)
        articles = main.article_list
        for _ in range(40):
            await pilot.press("j")
        assert articles.cursor == 40
        assert articles.scroll_offset.y > 0
        assert (
            articles.cursor < articles.scroll_offset.y + articles.scrollable_content_region.height
        )


async def test_open_the_seed_shows_clean_body(world: World) -> None:
    async with world.app().run_test(size=(160, 48)) as pilot:
        main = await ready(pilot)
        index = index_of(main, lambda row: SEED_TITLE in row.title)
        main.article_list.cursor = index
        seed = main.article_list.selected
        assert seed is not None and not seed.read
        await pilot.press("enter")
        await wait_for(pilot, lambda: main.reader.article is not None, "the article")
        assert main.reader.article is not None and main.reader.article.id == seed.id
        assert "结语" in main.reader.body_text
        assert "免责声明" not in main.reader.body_text
        assert SEED_TITLE in main.reader.header_plain
        assert "2026-11-28 00:30 UTC" in main.reader.header_plain  # 08:30 +0800 shown in UTC
        assert "META.US" in main.reader.header_plain
        # Opening marks it read, in the store and on the row.
        await wait_for(pilot, lambda: main.article_list.row(index).read, "the read mark")  # type: ignore[union-attr]
        assert world.library.article(seed.id).read


async def test_space_and_page_keys_scroll_the_article(world: World) -> None:
    async with world.app().run_test(size=(120, 24)) as pilot:
        main = await ready(pilot)
        main.article_list.cursor = index_of(main, lambda row: SEED_TITLE in row.title)
        await pilot.press("enter")
        await wait_for(pilot, lambda: main.reader.article is not None, "the article")
        await pilot.pause()
        assert main.reader.max_scroll_y > 0
        await pilot.press("space")
        assert main.reader.scroll_y > 0
        await pilot.press("pageup")
        assert main.reader.scroll_y == 0
        await pilot.press("pagedown")
        assert main.reader.scroll_y > 0


async def test_toggle_read_and_mark_all_read(world: World) -> None:
    async with world.app().run_test(size=(160, 48)) as pilot:
        main = await ready(pilot)
        row = main.article_list.selected
        assert row is not None and not row.read
        await pilot.press("m")
        await wait_for(pilot, lambda: world.library.article(row.id).read, "read in the store")
        await wait_for(pilot, lambda: row.read, "read on the row")
        await pilot.press("m")
        await wait_for(pilot, lambda: not world.library.article(row.id).read, "unread again")
        assert world.library.count(ArticleQuery(unread_only=True)) > 0
        await pilot.press("A")
        await wait_for(
            pilot,
            lambda: world.library.count(ArticleQuery(unread_only=True)) == 0,
            "everything read",
        )
        await wait_for(
            pilot, lambda: all(r.read for _, r in main.article_list.loaded_rows()), "rows"
        )


async def test_next_unread_skips_read_articles(world: World) -> None:
    async with world.app().run_test(size=(160, 48)) as pilot:
        main = await ready(pilot)
        first, second = main.article_list.row(0), main.article_list.row(1)
        assert first is not None and second is not None
        world.library.set_read(second.id, True)
        await pilot.press("n")
        await wait_for(pilot, lambda: main.reader.article is not None, "an article")
        assert main.reader.article is not None
        assert main.reader.article.id == first.id
        await pilot.press("n")
        await wait_for(
            pilot,
            lambda: main.reader.article is not None and main.reader.article.id != first.id,
            "the next unread",
        )
        assert main.article_list.cursor == 2  # row 1 was read, so n skipped it
        # Opening read rows 0 and 2; p finds row 0 once it is unread again.
        world.library.set_read(first.id, False)
        await pilot.press("p")
        await wait_for(pilot, lambda: main.article_list.cursor == 0, "back to the first")


async def test_search(world: World) -> None:
    async with world.app().run_test(size=(160, 48)) as pilot:
        main = await ready(pilot)
        await pilot.press("slash")
        assert isinstance(pilot.app.screen, PromptScreen)
        await pilot.press(*"Meta", "enter")
        await wait_for(pilot, lambda: main.search == "Meta", "the search")
        await wait_for(pilot, lambda: main.article_list.loaded, "results")
        titles = [row.title for _, row in main.article_list.loaded_rows()]
        assert any(SEED_TITLE in t for t in titles)
        assert all("Market note" not in t for t in titles)
        assert "Meta" in main.status.plain
        # escape in the list clears the search.
        await pilot.press("escape")
        await wait_for(pilot, lambda: main.search is None, "the search cleared")
        await wait_for(pilot, lambda: main.article_list.count > len(titles), "all articles")


async def test_ticker_filter(world: World) -> None:
    async with world.app().run_test(size=(160, 48)) as pilot:
        main = await ready(pilot)
        await pilot.press("t")
        assert isinstance(pilot.app.screen, PromptScreen)
        await pilot.press(*"msft", "enter")
        await wait_for(pilot, lambda: main.ticker == "msft", "the filter")
        await wait_for(pilot, lambda: main.article_list.loaded, "results")
        await wait_for(pilot, lambda: main.article_list.count >= NOTES, "the notes")
        rows = [row for _, row in main.article_list.loaded_rows()]
        assert rows and all("MSFT.US" in row.tickers for row in rows)
        assert main.article_list.count < world.library.count(ArticleQuery())


async def test_bookmark_toggle(world: World) -> None:
    async with world.app().run_test(size=(160, 48)) as pilot:
        main = await ready(pilot)
        row = main.article_list.selected
        assert row is not None and not row.bookmarked
        await pilot.press("b")
        await wait_for(pilot, lambda: row.bookmarked, "the bookmark mark")
        assert world.library.article(row.id).bookmarked
        assert [b.article_id for b in world.library.bookmarks()] == [row.id]
        await pilot.press("b")
        await wait_for(pilot, lambda: not row.bookmarked, "the bookmark removed")
        assert world.library.bookmarks() == []


async def test_help_lists_every_binding(world: World) -> None:
    async with world.app().run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        assert isinstance(pilot.app.screen, HelpScreen)
        table = pilot.app.screen.query_one("#help-table").content  # type: ignore[attr-defined]
        actions = [cell.plain for cell in table.columns[3]._cells]
        assert actions == [spec.action for spec in ALL_KEYS + LIST_KEYS]
        await pilot.press("escape")
        assert not isinstance(pilot.app.screen, HelpScreen)


async def test_keys_can_be_remapped_from_the_config(world: World) -> None:
    world.library.config.settings.keys = {"mark_all_read": "X", "no_such_action": "Z"}
    async with world.app().run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        await pilot.press("A")  # the default key no longer marks everything read
        await pilot.pause(0.2)
        assert world.library.count(ArticleQuery(unread_only=True)) > 0
        await pilot.press("X")
        await wait_for(
            pilot, lambda: world.library.count(ArticleQuery(unread_only=True)) == 0, "remapped"
        )


async def test_narrow_layout_one_pane_at_a_time(world: World) -> None:
    async with world.app().run_test(size=(80, 24)) as pilot:
        main = await ready(pilot)
        assert main.has_class("-narrow")
        assert main.article_list.display and not main.reader.display and not main.feed_list.display
        await pilot.press("enter")
        await wait_for(pilot, lambda: main.reader.article is not None, "the article")
        await pilot.pause()
        assert main.reader.display and not main.article_list.display
        assert main.focused is main.reader
        # m in the reader acts on the open article (it was marked read on opening).
        opened = main.reader.article
        assert opened is not None
        await wait_for(pilot, lambda: world.library.article(opened.id).read, "read on open")
        await pilot.press("m")
        await wait_for(pilot, lambda: not world.library.article(opened.id).read, "m: unread")
        await pilot.press("escape")
        assert main.article_list.display and not main.reader.display
        await pilot.press("h")
        assert main.feed_list.display and not main.article_list.display
        await pilot.press("enter")  # "All articles" again
        await pilot.pause()
        assert main.article_list.display


async def test_removed_boilerplate_toggle_names_rules(world: World) -> None:
    async with world.app().run_test(size=(160, 48)) as pilot:
        main = await ready(pilot)
        main.article_list.cursor = index_of(main, lambda row: SEED_TITLE in row.title)
        await pilot.press("enter")
        await wait_for(pilot, lambda: main.reader.article is not None, "the article")
        article = main.reader.article
        assert article is not None and article.processed.removed
        before = main.reader.body_text
        await pilot.press("v")
        after = main.reader.body_text
        assert main.reader.show_removed
        assert "免责声明" in after and "免责声明" not in before
        assert article.processed.removed[0].rule in after


async def test_refresh_brings_new_articles_and_marks_failures(world: World) -> None:
    app = world.app()
    seen = record(app)
    async with app.run_test(size=(160, 48)) as pilot:
        main = await ready(pilot)
        before = main.article_list.count
        breaking = item_xml(
            "Breaking: MSFT jumps",
            "breaking-1",
            FIXED_NOW - timedelta(minutes=5),
            "<p>Microsoft (MSFT) jumped 4.1% to $412.00.</p>",
        )
        world.server.add("/notes.xml", rss("Market Notes", [breaking, *note_items(NOTES)]))
        await pilot.press("R")
        await wait_for(pilot, lambda: "RefreshFinished" in seen.names, "the refresh")
        await wait_for(pilot, lambda: main.article_list.count == before + 1, "the new article")
        top = main.article_list.row(0)
        assert top is not None and top.title == "Breaking: MSFT jumps"
        order = [n for n in seen.names if n in ("RefreshStarted", "FeedPolled", "RefreshFinished")]
        assert order[0] == "RefreshStarted" and order[-1] == "RefreshFinished"
        assert order.count("FeedPolled") == 5
        assert "ArticlesArrived" in seen.names
        # The failing feed: a notification with its error, and the mark in the feed list.
        messages = [str(n.message) for n in app._notifications]
        assert any("Broken Feed" in m and "500" in m for m in messages), messages
        broken = next(f for f in main.feed_list.feeds if f.title == "Broken Feed")
        assert broken.last_error and "500" in broken.last_error
        main.feed_list.highlighted = main.feed_list.get_option_index(f"feed:{broken.id}")
        await pilot.pause()
        assert "500" in main.status.plain
        assert "Refreshed 5 feeds" in main.status.plain and "1 failed" in main.status.plain


async def test_a_running_refresh_can_be_stopped(world: World) -> None:
    # One feed hangs for 20 s; X ends the refresh at once, keeps what the other feeds brought,
    # and a new refresh can start afterwards.
    world.server.add("/notes.xml", rss("Market Notes", note_items(NOTES)), delay=20.0)
    app = world.app()
    seen = record(app)
    async with app.run_test(size=(160, 48)) as pilot:
        main = await ready(pilot)
        await pilot.press("R")
        await wait_for(pilot, lambda: seen.names.count("FeedPolled") == 4, "the four quick feeds")
        assert app.refreshing and "RefreshFinished" not in seen.names
        await pilot.press("X")
        await wait_for(pilot, lambda: "RefreshFinished" in seen.names, "the stop")
        assert not app.refreshing and "Refresh stopped" in main.status.plain
        assert seen.names.count("FeedPolled") == 4
        await pilot.press("X")
        await pilot.pause()
        assert any("No refresh is running" in str(n.message) for n in app._notifications)
        world.server.add("/notes.xml", rss("Market Notes", note_items(NOTES)))
        await pilot.press("R")
        await wait_for(pilot, lambda: seen.names.count("RefreshFinished") == 2, "a new refresh")
        assert seen.names.count("FeedPolled") == 9


async def test_refresh_one_feed(world: World) -> None:
    app = world.app()
    seen = record(app)
    async with app.run_test(size=(160, 48)) as pilot:
        main = await ready(pilot)
        hits = world.server.hits("/notes.xml")
        notes = next(f for f in main.feed_list.feeds if f.title == "Market Notes")
        main.choice = main.choice.__class__("feed", feed_id=notes.id)
        main.show_query()
        await pilot.press("r")
        await wait_for(pilot, lambda: "RefreshFinished" in seen.names, "the refresh")
        assert seen.names.count("FeedPolled") == 1
        assert world.server.hits("/notes.xml") == hits + 1


async def test_worker_errors_become_notifications(world: World) -> None:
    app = world.app()
    async with app.run_test(size=(160, 48)) as pilot:
        main = await ready(pilot)
        main.load_article(10**9)  # no such article: the worker raises
        await wait_for(pilot, lambda: bool(app._notifications), "a notification")
        assert app.is_running
        assert any("failed" in str(n.message) for n in app._notifications)


PAGE = """<!doctype html><html><head><title>Full story</title></head><body>
<nav>Home | Markets | Login</nav>
<article><h1>Microsoft beats estimates</h1>
<p>Microsoft (MSFT) rose 4.1% to $412.00 after cloud revenue grew 31% from a year earlier,
beating the average analyst estimate by a wide margin.</p>
<p>The full-text paragraph only the web page carries: Azure growth accelerated for a third
straight quarter while operating margin widened to 45.2%.</p>
<p>Chief executive officers rarely comment on quarterly guidance; this one did, twice.</p>
</article><footer>Copyright Example Media</footer></body></html>"""


async def test_full_text_fetch_replaces_a_summary(world: World) -> None:
    world.server.add("/story.html", PAGE, content_type="text/html; charset=utf-8")
    summary = item_xml(
        "Summary only: Microsoft beats",
        "summary-1",
        FIXED_NOW - timedelta(minutes=1),
        "Microsoft beat estimates.",
        link=world.server.url("/story.html"),
    )
    world.server.add("/notes.xml", rss("Market Notes", [summary, *note_items(NOTES)]))
    await world.library.refresh()
    async with world.app().run_test(size=(160, 48)) as pilot:
        main = await ready(pilot)
        top = main.article_list.row(0)
        assert top is not None and top.title == "Summary only: Microsoft beats"
        await pilot.press("enter")
        await wait_for(pilot, lambda: main.reader.article is not None, "the summary")
        assert "only the web page carries" not in main.reader.body_text
        await pilot.press("f")
        await wait_for(
            pilot, lambda: "only the web page carries" in main.reader.body_text, "the full text"
        )
        assert world.server.hits("/story.html") == 1


async def test_typing_in_a_prompt_never_triggers_keys(world: World) -> None:
    app = world.app()
    async with app.run_test(size=(160, 48)) as pilot:
        main = await ready(pilot)
        await pilot.press("slash")
        await pilot.press("q", "question_mark", "space", "R", "b", "B", "enter")
        await wait_for(pilot, lambda: main.search == "q? RbB", "the typed search")
        assert app.is_running and app.screen is main
        assert not app.refreshing
        assert world.library.bookmarks() == []
        # escape in the prompt cancels and keeps the current search.
        await pilot.press("slash", "x", "escape")
        await pilot.pause()
        assert app.screen is main and main.search == "q? RbB"
