"""fetch() against a real loopback server: conditional GET, redirects, statuses, limits."""

from __future__ import annotations

import asyncio
import gzip
import socket
import threading
import time
import tracemalloc
import zlib
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import brotli
import httpx
import pytest
from tests.helpers.feedserver import FeedServer

from finreader import USER_AGENT
from finreader.fetch.client import (
    FetchPolicy,
    FetchRequest,
    FetchResponse,
    describe_error,
    fetch,
    make_client,
    parse_retry_after,
)

RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'
LM = "Wed, 21 Oct 2015 07:28:00 GMT"


async def get(url: str, policy: FetchPolicy | None = None, **kw: str | None) -> FetchResponse:
    policy = policy or FetchPolicy()
    async with make_client(policy) as client:
        return await fetch(client, FetchRequest(1, url, **kw), policy)  # type: ignore[arg-type]


async def test_200_then_304_round_trip(feed_server: FeedServer) -> None:
    feed_server.add("/f", RSS, etag='"v1"', last_modified=LM)
    first = await get(feed_server.url("/f"))
    assert first.error is None and first.status == 200 and first.body == RSS
    assert first.headers["etag"] == '"v1"' and first.headers["last-modified"] == LM
    second = await get(feed_server.url("/f"), etag=first.headers["etag"], last_modified=LM)
    assert second.error is None and second.status == 304
    assert second.not_modified and second.body is None
    _, _, sent = feed_server.requests[-1]
    assert sent["if-none-match"] == '"v1"' and sent["if-modified-since"] == LM


async def test_304_on_last_modified_alone(feed_server: FeedServer) -> None:
    feed_server.add("/f", RSS, last_modified=LM)
    result = await get(feed_server.url("/f"), last_modified=LM)
    assert result.not_modified and result.error is None


async def test_user_agent_and_encodings_offered(feed_server: FeedServer) -> None:
    feed_server.add("/f", RSS)
    await get(feed_server.url("/f"))
    _, _, sent = feed_server.requests[-1]
    assert sent["user-agent"] == USER_AGENT and "finreader/" in USER_AGENT
    assert {"gzip", "deflate", "br"} <= {e.strip() for e in sent["accept-encoding"].split(",")}


async def test_permanent_redirect_chain_reports_new_url(feed_server: FeedServer) -> None:
    feed_server.add("/a", redirect="/b", status=301)
    feed_server.add("/b", redirect=feed_server.url("/c"), status=308)
    feed_server.add("/c", RSS)
    result = await get(feed_server.url("/a"))
    assert result.error is None and result.body == RSS
    assert result.permanent_url == feed_server.url("/c") == result.final_url


async def test_temporary_hop_means_no_permanent_url(feed_server: FeedServer) -> None:
    feed_server.add("/a", redirect="/b", status=301)
    feed_server.add("/b", redirect="/c", status=302)
    feed_server.add("/c", RSS)
    result = await get(feed_server.url("/a"))
    assert result.body == RSS and result.permanent_url is None
    assert result.final_url == feed_server.url("/c")


async def test_permanent_redirect_to_an_error_is_not_recorded(feed_server: FeedServer) -> None:
    feed_server.add("/a", redirect="/missing", status=301)
    result = await get(feed_server.url("/a"))
    assert result.error == "HTTP 404 Not Found" and result.permanent_url is None


async def test_redirect_loop(feed_server: FeedServer) -> None:
    feed_server.add("/a", redirect="/b")
    feed_server.add("/b", redirect="/a")
    result = await get(feed_server.url("/a"))
    assert result.error is not None and "redirect loop" in result.error
    assert feed_server.hits("/a") == 1 and feed_server.hits("/b") == 1


async def test_too_many_redirects(feed_server: FeedServer) -> None:
    for i in range(10):
        feed_server.add(f"/r{i}", redirect=f"/r{i + 1}")
    result = await get(feed_server.url("/r0"))
    assert result.error == "too many redirects (6)"
    assert feed_server.hits("/r6") == 0
    # Exactly five hops is still fine.
    feed_server.add("/r5", RSS)
    assert (await get(feed_server.url("/r0"))).body == RSS


@pytest.mark.parametrize(
    ("target", "scheme"),
    [
        ("ftp://127.0.0.1/feed", "ftp"),
        ("file:///etc/passwd", "file"),
        ("gopher://127.0.0.1/feed", "gopher"),
    ],
)
async def test_redirect_to_other_scheme_refused(
    feed_server: FeedServer, target: str, scheme: str
) -> None:
    feed_server.add("/a", redirect=target)
    result = await get(feed_server.url("/a"))
    assert result.error == f"redirect to {scheme}:// refused"
    assert result.body is None


async def test_redirect_to_unparseable_location_refused(feed_server: FeedServer) -> None:
    feed_server.add("/a", redirect="javascript:x()")
    result = await get(feed_server.url("/a"))
    assert result.error == "redirect to an invalid URL refused"


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (404, "HTTP 404 Not Found"),
        (500, "HTTP 500 Internal Server Error"),
        (403, "HTTP 403 Forbidden"),
        (401, "HTTP 401 Unauthorized (authentication required)"),
    ],
)
async def test_error_statuses(feed_server: FeedServer, status: int, expected: str) -> None:
    feed_server.add("/f", b"<html>oops</html>", status=status, content_type="text/html")
    result = await get(feed_server.url("/f"))
    assert result.error == expected and result.status == status
    assert result.body is None and not result.gone


async def test_410_marks_gone(feed_server: FeedServer) -> None:
    feed_server.add("/f", status=410)
    result = await get(feed_server.url("/f"))
    assert result.gone and result.error == "HTTP 410 Gone"


async def test_429_retry_after_seconds(feed_server: FeedServer) -> None:
    feed_server.add("/f", status=429, headers={"Retry-After": "120"})
    before = datetime.now(UTC)
    result = await get(feed_server.url("/f"))
    assert result.error is not None and result.error.startswith("HTTP 429 Too Many Requests")
    assert result.retry_after is not None
    assert timedelta(seconds=115) < result.retry_after - before < timedelta(seconds=125)


async def test_503_retry_after_http_date(feed_server: FeedServer) -> None:
    when = (datetime.now(UTC) + timedelta(hours=2)).replace(microsecond=0)
    feed_server.add("/f", status=503, headers={"Retry-After": format_datetime(when, usegmt=True)})
    result = await get(feed_server.url("/f"))
    assert result.retry_after == when
    assert result.error is not None and "retry after" in result.error


def test_retry_after_garbage_and_caps() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after("-1", now) is None
    assert parse_retry_after("", now) is None
    assert parse_retry_after("99999999999", now) == now + timedelta(hours=24)
    assert parse_retry_after("3600", now) == now + timedelta(hours=1)
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now) == now  # past: retry now


async def test_slow_server_hits_deadline(feed_server: FeedServer) -> None:
    feed_server.add("/f", RSS, delay=3.0)
    policy = FetchPolicy(deadline=1.0, read_timeout=10.0)
    started = time.monotonic()
    result = await get(feed_server.url("/f"), policy)
    assert result.error == "timed out after 1 s"
    assert time.monotonic() - started < 2.0


async def test_read_timeout_names_itself(feed_server: FeedServer) -> None:
    feed_server.add("/f", RSS, delay=2.0)
    result = await get(feed_server.url("/f"), FetchPolicy(read_timeout=0.3, deadline=5.0))
    assert result.error == "no data for 0.3 s (read timed out)"


async def test_slow_drip_caught_by_overall_deadline(feed_server: FeedServer) -> None:
    # One byte every 0.2 s never trips a 1 s per-read timeout; only the overall deadline ends it.
    feed_server.add("/f", RSS, drip=(1, 0.2))
    policy = FetchPolicy(deadline=1.5, read_timeout=1.0)
    started = time.monotonic()
    result = await get(feed_server.url("/f"), policy)
    elapsed = time.monotonic() - started
    assert result.error == "timed out after 1.5 s" and result.body is None
    assert 1.4 < elapsed < 2.5


async def test_endless_body_cut_at_cap(feed_server: FeedServer) -> None:
    feed_server.add("/f", endless=True)
    policy = FetchPolicy(max_bytes=2 * 1024 * 1024, deadline=10.0)
    tracemalloc.start()
    try:
        result = await get(feed_server.url("/f"), policy)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.error == "response larger than 2 MiB" and result.body is None
    assert peak < 12 * 1024 * 1024


async def test_declared_length_over_cap_refused_early(feed_server: FeedServer) -> None:
    feed_server.add("/f", b"x" * 300_000)
    result = await get(feed_server.url("/f"), FetchPolicy(max_bytes=100_000))
    assert result.error == "response larger than 98 KiB"


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("gzip-bomb-256MiB.xml.gz", "gzip"),
        ("deflate-bomb-256MiB.xml.zz", "deflate"),
        ("deflate-raw-bomb-256MiB.xml.deflate", "deflate"),
    ],
)
async def test_compression_bombs_cut_with_bounded_memory(
    feed_server: FeedServer, shared: Path, name: str, encoding: str
) -> None:
    bomb = (shared / "corpus" / "hostile" / name).read_bytes()
    # Serve the ready-compressed bytes as they are (the route compresses nothing itself).
    feed_server.add("/f", bomb, headers={"Content-Encoding": encoding})
    policy = FetchPolicy(max_bytes=4 * 1024 * 1024)
    tracemalloc.start()
    try:
        result = await get(feed_server.url("/f"), policy)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.error == "response larger than 4 MiB"
    # The cap plus one 1 MiB decode step and the bytearray's growth slack; httpx's own decoding
    # would have produced a 64 MiB chunk here (HOSTILE.md O11).
    assert peak < 20 * 1024 * 1024


async def test_endless_gzip_stream_cut(feed_server: FeedServer) -> None:
    feed_server.add("/f", endless=True, encoding="gzip")
    result = await get(feed_server.url("/f"), FetchPolicy(max_bytes=3 * 1024 * 1024))
    assert result.error == "response larger than 3 MiB"


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
async def test_compressed_bodies_decoded(feed_server: FeedServer, encoding: str) -> None:
    body = RSS + b"<!-- " + b"padding " * 5000 + b"-->"
    feed_server.add("/f", body, encoding=encoding)
    result = await get(feed_server.url("/f"))
    assert result.error is None and result.body == body
    assert result.headers["content-encoding"] == encoding


@pytest.mark.parametrize(
    ("encoding", "payload"),
    [
        ("deflate", zlib.compress(RSS)[2:-4]),  # raw deflate sent as "deflate"
        ("gzip", gzip.compress(RSS[:40], mtime=0) + gzip.compress(RSS[40:], mtime=0)),
        ("gzip, br", brotli.compress(gzip.compress(RSS, mtime=0))),
    ],
)
async def test_odd_but_valid_encodings(
    feed_server: FeedServer, encoding: str, payload: bytes
) -> None:
    feed_server.add("/f", payload, headers={"Content-Encoding": encoding})
    result = await get(feed_server.url("/f"))
    assert result.error is None and result.body == RSS


async def test_corrupt_gzip_is_an_error(feed_server: FeedServer) -> None:
    feed_server.add("/f", b"\x1f\x8b\x08\x00garbage-not-gzip", headers={"Content-Encoding": "gzip"})
    result = await get(feed_server.url("/f"))
    assert result.error is not None and result.error.startswith("corrupt compressed body")


async def test_unknown_encoding_is_an_error(feed_server: FeedServer) -> None:
    feed_server.add("/f", RSS, headers={"Content-Encoding": "zstd"})
    result = await get(feed_server.url("/f"))
    assert result.error == "unsupported content-encoding 'zstd'"


async def test_304_without_validators_is_an_error(feed_server: FeedServer) -> None:
    feed_server.add("/f", status=304)
    result = await get(feed_server.url("/f"))
    assert result.error == "HTTP 304 Not Modified to a request without validators"


async def test_connection_refused() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = await get(f"http://127.0.0.1:{port}/feed")
    assert result.error == "connection refused" and result.status is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("file:///etc/passwd", "URL scheme file: refused (http/https only)"),
        ("feed.xml", "URL scheme (none) refused (http/https only)"),
        ("http://x.invalid/\r\nX: y", "invalid URL: contains whitespace or control characters"),
    ],
)
async def test_bad_urls_refused_without_a_request(url: str, expected: str) -> None:
    result = await get(url)
    assert result.error == expected


async def test_silent_server_times_out() -> None:
    # Accepts TCP (the backlog does) but never answers: the deadline ends it (HOSTILE.md D4).
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        port = sock.getsockname()[1]
        started = time.monotonic()
        result = await get(f"http://127.0.0.1:{port}/", FetchPolicy(deadline=0.8))
    assert result.error == "timed out after 0.8 s"
    assert time.monotonic() - started < 1.8


async def test_fetch_is_cancellable(feed_server: FeedServer) -> None:
    feed_server.add("/f", RSS, delay=2.0)
    task = asyncio.ensure_future(get(feed_server.url("/f")))
    await asyncio.sleep(0.2)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


def _raw_server(response: bytes) -> tuple[socket.socket, int]:
    """A one-shot server that answers any request with `response` bytes and hangs up."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)

    def serve() -> None:
        conn, _ = sock.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(response)

    threading.Thread(target=serve, daemon=True).start()
    return sock, sock.getsockname()[1]


async def test_truncated_body_is_an_error() -> None:
    sock, port = _raw_server(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n<rss>short")
    with sock:
        result = await get(f"http://127.0.0.1:{port}/")
    assert result.error is not None and result.error.startswith("server broke the HTTP protocol")
    assert result.body is None


async def test_oversized_header_is_an_error() -> None:
    huge = b"X-Big: " + b"a" * 200_000 + b"\r\n"
    sock, port = _raw_server(b"HTTP/1.1 200 OK\r\n" + huge + b"Content-Length: 2\r\n\r\nok")
    with sock:
        result = await get(f"http://127.0.0.1:{port}/")
    assert result.error is not None and "\n" not in result.error and len(result.error) <= 200


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (httpx.ConnectError("[Errno -2] Name or service not known"), "host name not found (DNS)"),
        (
            httpx.ConnectError("[Errno -3] Temporary failure in name resolution"),
            "host name lookup failed (DNS)",
        ),
        (httpx.ConnectError("[Errno 111] Connection refused"), "connection refused"),
        (
            httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"),
            "TLS error: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed",
        ),
        (httpx.ConnectTimeout("x"), "connect timed out after 10 s"),
        (httpx.PoolTimeout("x"), "timed out waiting for a free connection"),
        (ValueError("bad\nthing\x1b[2J"), "ValueError: bad thing [2J"),
    ],
)
def test_error_descriptions_are_one_printable_line(exc: Exception, expected: str) -> None:
    assert describe_error(exc, FetchPolicy()) == expected
