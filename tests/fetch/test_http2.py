"""HTTP/2 where the server offers it: a real TLS server on 127.0.0.1 (Hypercorn), negotiated by
ALPN, with the poll's own client. The test CA reaches the client the way a user's would, through
SSL_CERT_FILE, which the shared TLS context honours."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import trustme
from hypercorn.asyncio import serve
from hypercorn.config import Config

from finreader.fetch.client import FetchPolicy, FetchRequest
from finreader.fetch.poller import fetch_all

RSS = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>H2</title>'
    b"<item><title>One</title><guid>1</guid></item></channel></rss>"
)
ETAG = '"h2-1"'


class FeedApp:
    """A minimal ASGI app: the feed with an ETag, 304 when the client sends it back."""

    def __init__(self) -> None:
        self.versions: list[str] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        self.versions.append(scope["http_version"])
        headers = dict(scope["headers"])
        if headers.get(b"if-none-match") == ETAG.encode():
            await send({"type": "http.response.start", "status": 304, "headers": []})
            await send({"type": "http.response.body", "body": b""})
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/rss+xml"), (b"etag", ETAG.encode())],
            }
        )
        await send({"type": "http.response.body", "body": RSS})


@pytest.fixture
async def h2_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[str, FeedApp]]:
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    cert_file, key_file, ca_file = tmp_path / "cert.pem", tmp_path / "key.pem", tmp_path / "ca.pem"
    cert.private_key_and_cert_chain_pem.write_to_path(str(cert_file))
    cert.private_key_pem.write_to_path(str(key_file))
    ca.cert_pem.write_to_path(str(ca_file))
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    sock.set_inheritable(True)
    port = sock.getsockname()[1]
    config = Config()
    config.bind = [f"fd://{sock.fileno()}"]
    config.certfile, config.keyfile = str(cert_file), str(key_file)
    config.alpn_protocols = ["h2", "http/1.1"]
    config.accesslog = config.errorlog = None
    app = FeedApp()
    stop = asyncio.Event()
    task = asyncio.create_task(serve(app, config, shutdown_trigger=stop.wait))  # type: ignore[arg-type]
    try:
        yield f"https://127.0.0.1:{port}/feed.xml", app
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)
        with contextlib.suppress(OSError):  # Hypercorn closes the listening fd it was given
            sock.close()


async def test_poll_speaks_http2_with_a_server_that_offers_it(
    h2_server: tuple[str, FeedApp],
) -> None:
    url, app = h2_server
    got = []

    async def keep(response: Any) -> None:
        got.append(response)

    policy = FetchPolicy(deadline=10.0)
    await fetch_all([FetchRequest(1, url)], policy, keep)
    (first,) = got
    assert first.error is None, first.error
    assert first.body == RSS and first.headers.get("etag") == ETAG
    # The conditional GET works over HTTP/2 as well: the ETag comes back, the server says 304.
    got.clear()
    await fetch_all([FetchRequest(1, url, etag=ETAG)], policy, keep)
    (second,) = got
    assert second.not_modified and second.body is None
    assert app.versions == ["2", "2"]  # what the server saw: both requests over HTTP/2
