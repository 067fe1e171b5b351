"""Every hostile file and misbehaving server in one poll through the real fetch path.

Each feed must end parsed or with a one-line error naming the cause, within its deadline, and
the good feeds polled alongside must be unaffected (HOSTILE.md D1-D19, issue 7).
"""

from __future__ import annotations

import time
from pathlib import Path

from tests.helpers.feedserver import FeedServer

from finreader.feeds.parse import FeedError, parse_feed
from finreader.fetch.client import FetchPolicy, FetchRequest, FetchResponse
from finreader.fetch.poller import fetch_all

GOOD = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>good</title>'
    b"<item><title>AAPL +2%</title><guid>g</guid></item></channel></rss>"
)
ENCODED = {".gz": "gzip", ".zz": "deflate", ".deflate": "deflate"}


async def test_hostile_corpus_and_servers_in_one_poll(
    feed_server: FeedServer, shared: Path
) -> None:
    hostile = shared / "corpus" / "hostile"
    requests: list[FetchRequest] = []
    names: dict[int, str] = {}

    def add(name: str, **route: object) -> None:
        feed_id = len(requests) + 1
        path = f"/h/{feed_id}"
        feed_server.add(path, **route)  # type: ignore[arg-type]
        requests.append(FetchRequest(feed_id, feed_server.url(path)))
        names[feed_id] = name

    for file in sorted(hostile.iterdir()):
        if file.name in ("make.py", "SHA256SUMS"):
            continue
        data = file.read_bytes()
        coding = ENCODED.get(file.suffix)
        headers = {"Content-Encoding": coding} if coding else None
        ctype = "text/html" if file.suffix in (".html", ".xhtml") else "application/rss+xml"
        add(file.name, body=data, headers=headers, content_type=ctype)
    for i in range(5):
        add(f"good-{i}", body=GOOD)
    reader = shared / "corpus" / "reader" / "full.json"
    add("jsonfeed", body=reader.read_bytes(), content_type="application/feed+json")
    add("slow-drip", body=GOOD * 50, drip=(1, 0.2))
    add("endless", endless=True)
    add("endless-gzip", endless=True, encoding="gzip")
    add("silent", body=GOOD, delay=30.0)
    add("loop", redirect="/h/loop")
    feed_server.add("/h/loop", redirect="/h/loop")
    add("to-file", redirect="file:///etc/passwd")
    for status in (401, 403, 404, 410, 429, 500, 502, 503, 504):
        add(f"status-{status}", body=b"<html>no</html>", status=status, content_type="text/html")

    policy = FetchPolicy(deadline=3.0, read_timeout=2.0, max_bytes=4 * 1024 * 1024, per_host=64)
    outcome: dict[str, str] = {}
    elapsed: dict[str, float] = {}

    async def on_response(response: FetchResponse) -> None:
        name = names[response.request.feed_id]
        elapsed[name] = response.seconds
        if response.error:
            outcome[name] = "error: " + response.error
            return
        assert response.body is not None
        try:
            feed = parse_feed(response.body, url=response.final_url, headers=response.headers)
        except FeedError as exc:
            outcome[name] = "feed error: " + str(exc)
            return
        outcome[name] = f"ok: {len(feed.entries)} entries"

    started = time.monotonic()
    await fetch_all(requests, policy, on_response)
    assert time.monotonic() - started < 15

    assert set(outcome) == set(names.values())
    for name, text in outcome.items():
        assert "\n" not in text and len(text) < 320, name
        assert elapsed[name] < policy.deadline + 1.0, name
    for i in range(5):
        assert outcome[f"good-{i}"] == "ok: 1 entries"
    assert outcome["slow-drip"] == "error: timed out after 3 s"
    assert outcome["silent"] in (
        "error: timed out after 3 s",
        "error: no data for 2 s (read timed out)",
    )
    assert outcome["endless"] == "error: response larger than 4 MiB"
    assert outcome["endless-gzip"] == "error: response larger than 4 MiB"
    assert outcome["gzip-bomb-256MiB.xml.gz"] == "error: response larger than 4 MiB"
    assert outcome["deflate-raw-bomb-256MiB.xml.deflate"] == "error: response larger than 4 MiB"
    assert outcome["loop"].startswith("error: redirect loop")
    assert outcome["to-file"] == "error: redirect to file:// refused"
    assert outcome["status-410"] == "error: HTTP 410 Gone"
    assert outcome["status-429"] == "error: HTTP 429 Too Many Requests"
    assert outcome["gbk-undeclared.xml"] == "ok: 4 entries"
    assert outcome["big5-undeclared.xml"] == "ok: 3 entries"
    assert outcome["jsonfeed"] == "ok: 2 entries"
    assert outcome["not-a-feed.html"].startswith("feed error: not a feed: got an HTML page")
    assert outcome["billion-laughs-sameline.xml"] == "ok: 1 entries"
