"""fetch_all against real loopback servers: limits, callbacks, one feed's failure stays its own."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

from tests.helpers.feedserver import FeedServer

from finreader.fetch.client import FetchPolicy, FetchRequest, FetchResponse
from finreader.fetch.poller import backoff_delay, fetch_all, host_key

RSS = b'<rss version="2.0"><channel><title>T</title></channel></rss>'


async def collect(requests: list[FetchRequest], policy: FetchPolicy) -> list[FetchResponse]:
    got: list[FetchResponse] = []

    async def on_response(response: FetchResponse) -> None:
        got.append(response)

    await fetch_all(requests, policy, on_response)
    return got


async def test_per_host_limit_counted_on_the_server(feed_server: FeedServer) -> None:
    for i in range(12):
        feed_server.add(f"/f{i}", RSS, delay=0.25)
    requests = [FetchRequest(i, feed_server.url(f"/f{i}")) for i in range(12)]
    got = await collect(requests, FetchPolicy(per_host=3, concurrency=32))
    assert len(got) == 12 and all(r.error is None for r in got)
    assert feed_server.max_active == 3


async def test_global_limit(feed_server: FeedServer) -> None:
    for i in range(6):
        feed_server.add(f"/f{i}", RSS, delay=0.2)
    requests = [FetchRequest(i, feed_server.url(f"/f{i}")) for i in range(6)]
    await collect(requests, FetchPolicy(per_host=4, concurrency=2))
    assert feed_server.max_active == 2


async def test_busy_host_does_not_hold_back_another() -> None:
    # Host A has 6 slow feeds and a limit of 1; host B's feeds must not queue behind them.
    with FeedServer("127.0.0.1") as a, FeedServer("127.0.0.2") as b:
        for i in range(6):
            a.add(f"/f{i}", RSS, delay=0.15)
        b.add("/fast", RSS)
        requests = [FetchRequest(i, a.url(f"/f{i}")) for i in range(6)]
        requests.append(FetchRequest(99, b.url("/fast")))
        finished: dict[int, float] = {}
        started = time.monotonic()

        async def on_response(response: FetchResponse) -> None:
            finished[response.request.feed_id] = time.monotonic() - started

        await fetch_all(requests, FetchPolicy(per_host=1, concurrency=4), on_response)
    assert len(finished) == 7 and a.max_active == 1
    assert finished[99] < 0.5 < max(finished.values())


async def test_callback_failure_and_feed_failure_stay_local(feed_server: FeedServer) -> None:
    feed_server.add("/ok1", RSS)
    feed_server.add("/boom", RSS)
    feed_server.add("/ok2", RSS)
    requests = [
        FetchRequest(1, feed_server.url("/ok1")),
        FetchRequest(2, feed_server.url("/boom")),
        FetchRequest(3, feed_server.url("/missing")),
        FetchRequest(4, "http://127.0.0.1:1/refused"),
        FetchRequest(5, feed_server.url("/ok2")),
    ]
    seen: list[int] = []

    async def on_response(response: FetchResponse) -> None:
        seen.append(response.request.feed_id)
        if response.request.feed_id == 2:
            raise RuntimeError("store failed")
        await asyncio.sleep(0)

    await fetch_all(requests, FetchPolicy(), on_response)
    assert sorted(seen) == [1, 2, 3, 4, 5]


async def test_empty_request_list() -> None:
    assert await collect([], FetchPolicy()) == []


def test_backoff_doubles_and_caps() -> None:
    assert backoff_delay(0, 30) == timedelta(minutes=30)
    assert backoff_delay(1, 30) == timedelta(hours=1)
    assert backoff_delay(3, 30) == timedelta(hours=4)
    assert backoff_delay(10, 30) == timedelta(hours=24)
    assert backoff_delay(10_000, 30) == timedelta(hours=24)
    assert backoff_delay(-5, 0) == timedelta(0)


def test_host_key_separates_loopback_names_and_ports() -> None:
    assert host_key("http://127.0.0.1:80/a") != host_key("http://127.0.0.2:80/a")
    assert host_key("http://Example.com/a") == host_key("http://example.com/b")
    assert host_key("http://example.com:8080/") != host_key("http://example.com/")


async def test_pending_bound_holds_fetching_back_while_handlers_are_slow(
    feed_server: FeedServer,
) -> None:
    for i in range(10):
        feed_server.add(f"/f{i}", RSS)
    requests = [FetchRequest(i, feed_server.url(f"/f{i}")) for i in range(10)]
    in_handler = 0
    most = 0

    async def on_response(response: FetchResponse) -> None:
        nonlocal in_handler, most
        in_handler += 1
        most = max(most, in_handler)
        await asyncio.sleep(0.05)
        in_handler -= 1

    await fetch_all(requests, FetchPolicy(pending=3), on_response)
    assert most == 3 and feed_server.hits("/f9") == 1


async def test_not_modified_answers_do_not_wait_for_pending_slots(
    feed_server: FeedServer,
) -> None:
    # pending bounds bodies waiting to be parsed; a 304 carries none, so an all-304 poll is
    # not held to `pending` requests at a time.
    for i in range(8):
        feed_server.add(f"/c{i}", RSS, etag=f'"v{i}"')
    requests = [FetchRequest(i, feed_server.url(f"/c{i}"), etag=f'"v{i}"') for i in range(8)]
    in_handler = most = 0

    async def on_response(response: FetchResponse) -> None:
        nonlocal in_handler, most
        assert response.not_modified
        in_handler += 1
        most = max(most, in_handler)
        await asyncio.sleep(0.1)
        in_handler -= 1

    await fetch_all(requests, FetchPolicy(pending=1), on_response)
    assert most > 1


async def test_a_conditional_request_that_brings_a_body_takes_a_pending_slot(
    feed_server: FeedServer,
) -> None:
    for i in range(8):
        feed_server.add(f"/n{i}", RSS, etag='"new"')
    # The stored validators are stale: every answer is a 200 with a body.
    requests = [FetchRequest(i, feed_server.url(f"/n{i}"), etag='"old"') for i in range(8)]
    in_handler = most = 0

    async def on_response(response: FetchResponse) -> None:
        nonlocal in_handler, most
        assert response.body == RSS
        in_handler += 1
        most = max(most, in_handler)
        await asyncio.sleep(0.05)
        in_handler -= 1

    await fetch_all(requests, FetchPolicy(pending=2), on_response)
    assert most == 2
