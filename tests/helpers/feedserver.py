"""Provides FeedServer: a real threaded HTTP server on 127.0.0.1 for every test that fetches.

Tests must exercise the real fetch path (sockets, timeouts, redirects, compression), which a
mocked transport skips (HOSTILE.md O11: MockTransport even follows a redirect to file://). The
server binds port 0, serves a thread-safe route table, logs every request, and can misbehave on
demand: delay before answering, drip the body slowly, never end it, compress it, redirect.
"""

from __future__ import annotations

import gzip
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

import pytest

# An endless body writes 64 KiB chunks until the client hangs up; 4 GiB is the hard stop so a
# client that never disconnects cannot keep a server thread busy forever.
_ENDLESS_CHUNK = b" " * 65536
_ENDLESS_LIMIT = 4 * 1024**3


@dataclass(slots=True)
class Route:
    body: bytes
    status: int = 200
    content_type: str = "application/rss+xml; charset=utf-8"
    headers: dict[str, str] | None = None
    etag: str | None = None
    last_modified: str | None = None
    encoding: str | None = None
    delay: float = 0.0
    drip: tuple[int, float] | None = None
    endless: bool = False
    redirect: str | None = None


def _compress(body: bytes, encoding: str | None) -> bytes:
    if encoding is None:
        return body
    if encoding == "gzip":
        return gzip.compress(body, mtime=0)
    if encoding == "deflate":
        return zlib.compress(body)
    if encoding == "br":
        import brotli

        return bytes(brotli.compress(body))
    raise ValueError(f"unknown encoding {encoding!r}")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: FeedServer

    def handle_error(self, request: object, client_address: object) -> None:
        """Quiet: clients hanging up mid-body (cut at a size cap, timed out) is the normal case
        in these tests, and a traceback per hang-up would bury real failures."""


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the request log lives in FeedServer.requests."""

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        self._serve(head=False)

    def _serve(self, *, head: bool) -> None:
        owner = self.server.owner
        path = self.path
        headers = {k.lower(): v for k, v in self.headers.items()}
        route = owner._record(self.command, path, headers)
        try:
            if route is None:
                self._send_simple(404, b"not found", "text/plain")
                return
            if route.delay:
                time.sleep(route.delay)
            if route.redirect is not None:
                status = route.status if 300 <= route.status < 400 else 302
                self.send_response(status)
                self.send_header("Location", route.redirect)
                self.send_header("Content-Length", "0")
                self._extra_headers(route)
                self.end_headers()
                return
            if self._not_modified(route, headers):
                self.send_response(304)
                if route.etag:
                    self.send_header("ETag", route.etag)
                if route.last_modified:
                    self.send_header("Last-Modified", route.last_modified)
                self.end_headers()
                return
            self._send_body(route, head=head)
        finally:
            owner._done()

    def _not_modified(self, route: Route, headers: dict[str, str]) -> bool:
        if route.status != 200:
            return False
        inm = headers.get("if-none-match")
        if route.etag and inm is not None:
            return route.etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*"
        ims = headers.get("if-modified-since")
        return bool(route.last_modified and ims is not None and ims == route.last_modified)

    def _extra_headers(self, route: Route) -> None:
        for key, value in (route.headers or {}).items():
            self.send_header(key, value)

    def _send_simple(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _send_body(self, route: Route, *, head: bool) -> None:
        self.send_response(route.status)
        self.send_header("Content-Type", route.content_type)
        if route.etag:
            self.send_header("ETag", route.etag)
        if route.last_modified:
            self.send_header("Last-Modified", route.last_modified)
        if route.encoding:
            self.send_header("Content-Encoding", route.encoding)
        self._extra_headers(route)
        if route.endless:
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            if not head:
                self._write_endless(route)
            return
        payload = _compress(route.body, route.encoding)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if head:
            return
        try:
            if route.drip is None:
                self.wfile.write(payload)
                return
            size, pause = route.drip
            for start in range(0, len(payload), max(1, size)):
                self.wfile.write(payload[start : start + max(1, size)])
                self.wfile.flush()
                if self.server.owner._stopping.wait(pause):
                    return
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _write_endless(self, route: Route) -> None:
        # An endless body: plain bytes, or (with encoding) a compressed stream of whitespace
        # the client has to decode; either way it stops when the client hangs up.
        compressor = None
        if route.encoding == "gzip":
            compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
        elif route.encoding == "deflate":
            compressor = zlib.compressobj(9)
        written = 0
        try:
            if route.body:
                first = compressor.compress(route.body) if compressor else route.body
                self.wfile.write(first)
            while written < _ENDLESS_LIMIT and not self.server.owner._stopping.is_set():
                chunk = compressor.compress(_ENDLESS_CHUNK) if compressor else _ENDLESS_CHUNK
                if compressor is not None:
                    chunk += compressor.flush(zlib.Z_SYNC_FLUSH)
                self.wfile.write(chunk)
                written += len(_ENDLESS_CHUNK)
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass


class FeedServer:
    """A loopback HTTP server with a route table; use as a context manager or start()/stop()."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._host = host
        self._routes: dict[str, Route] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.active = 0  # requests being served right now
        self.max_active = 0  # the most served at once since start (per-host limit tests)
        self.base = ""

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self) -> FeedServer:
        server = _Server((self._host, 0), _Handler)
        server.owner = self
        self._server = server
        self.port = server.server_address[1]
        self.base = f"http://{self._host}:{self.port}"
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> FeedServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- routes -------------------------------------------------------------------------------
    def url(self, path: str) -> str:
        if not path.startswith("/"):
            path = "/" + path
        return self.base + path

    def add(
        self,
        path: str,
        body: bytes | str = b"",
        *,
        status: int = 200,
        content_type: str = "application/rss+xml; charset=utf-8",
        headers: dict[str, str] | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        encoding: str | None = None,
        delay: float = 0.0,
        drip: tuple[int, float] | None = None,
        endless: bool = False,
        redirect: str | None = None,
    ) -> None:
        if not path.startswith("/"):
            path = "/" + path
        data = body.encode("utf-8") if isinstance(body, str) else body
        route = Route(
            data,
            status,
            content_type,
            dict(headers) if headers else None,
            etag,
            last_modified,
            encoding,
            delay,
            drip,
            endless,
            redirect,
        )
        with self._lock:
            self._routes[path] = route

    def hits(self, path: str) -> int:
        if not path.startswith("/"):
            path = "/" + path
        with self._lock:
            return sum(1 for _, p, _ in self.requests if p == path)

    # -- called from handler threads ----------------------------------------------------------
    def _record(self, method: str, path: str, headers: dict[str, str]) -> Route | None:
        with self._lock:
            self.requests.append((method, path, headers))
            self.active += 1
            self.max_active = max(self.max_active, self.active)
            return self._routes.get(path)

    def _done(self) -> None:
        with self._lock:
            self.active -= 1


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server
