"""Provides the HTTP policy for one feed fetch: timeouts, size cap, redirects, conditional GET.

`fetch` never raises: every failure becomes `FetchResponse.error`, one printable line that names
the cause, so one publisher's problem stays that feed's error. The limits exist because the
network is hostile (HOSTILE.md D1-D20, O11):

- httpx timeouts are per read; a server dripping one byte every 0.35 s outlived `timeout=1.0`
  by seconds. An overall deadline (`asyncio.timeout`) bounds the whole fetch, redirects included.
- httpx decodes a gzip bomb 64 MiB at a time; here the body is read raw and decoded in steps of
  at most 1 MiB (fetch/decode.py), so the decoded cap is exact and memory stays flat.
- Redirects are followed by hand, one hop at a time, only to http/https, at most 5 hops, so a
  `Location: file:///etc/passwd` is refused per hop and a permanent move can be recorded.
"""

from __future__ import annotations

import asyncio
import errno
import http
import importlib.util
import ssl
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpx

from finreader import USER_AGENT
from finreader.fetch.decode import DecodeError, make_decoder
from finreader.text.sanitize import one_line

# httpcore runs `import sniffio` on every request and falls back to asyncio when it is missing;
# a failed import is not cached, so each request searched sys.path again (3,000 searches, about
# 0.7 s of an all-304 poll of 500 feeds). A None entry makes the failure instant and changes
# nothing else. Installing sniffio (pure Python) makes this a no-op.
if importlib.util.find_spec("sniffio") is None:
    sys.modules.setdefault("sniffio", None)  # type: ignore[arg-type]

REDIRECTS = frozenset({301, 302, 303, 307, 308})
PERMANENT = frozenset({301, 308})
# Retry-After beyond a day is treated as a day: a typo or a hostile 99999999999 must not
# silence a feed for years (HOSTILE.md D11).
RETRY_AFTER_CAP = timedelta(hours=24)
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)


@dataclass(slots=True)
class FetchPolicy:
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    deadline: float = 45.0  # overall, per fetch, redirects included
    max_bytes: int = 16 * 1024 * 1024  # decoded, enforced chunk by chunk while streaming
    max_redirects: int = 5
    user_agent: str = USER_AGENT
    concurrency: int = 32
    per_host: int = 4
    # Bodies fetched (or being fetched) but not yet handled by on_response (poller.py says how
    # it is applied). Parsing is slower than a fast network: without a bound a 500-feed poll
    # held every body (about 90 MB) waiting for the process pool; 64 cost the parent 14 MB
    # more than 16 at 100 feeds with no gain in speed, since two workers are the bottleneck.
    pending: int = 16


@dataclass(slots=True)
class FetchRequest:
    feed_id: int
    url: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass(slots=True)
class FetchResponse:
    request: FetchRequest
    final_url: str
    status: int | None = None
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    not_modified: bool = False
    # The URL to store when every hop was 301/308 and the fetch succeeded.
    permanent_url: str | None = None
    gone: bool = False  # 410: the publisher says the feed is gone for good
    retry_after: datetime | None = None  # 429/503 with a usable Retry-After, UTC, capped
    error: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None


class _FetchFailed(Exception):
    """Internal: carries the one-line reason out of the streaming code."""


def shared_ssl_context() -> ssl.SSLContext:
    """One verifying TLS context for many clients: building one loads the CA bundle (~25 ms
    here), so a client per host would otherwise pay that once per host."""
    return httpx.create_ssl_context()


def make_client(
    policy: FetchPolicy,
    *,
    max_connections: int | None = None,
    ssl_context: ssl.SSLContext | None = None,
) -> httpx.AsyncClient:
    """A client with the poll's timeouts and headers, HTTP/2 where offered, no auto redirects.

    max_connections defaults to the poll's global concurrency; the poller passes its per-host
    limit, since it keeps one small pool per host (poller.py says why).
    """
    timeout = httpx.Timeout(
        connect=policy.connect_timeout,
        read=policy.read_timeout,
        write=policy.read_timeout,
        pool=policy.deadline,
    )
    size = max(1, policy.concurrency if max_connections is None else max_connections)
    limits = httpx.Limits(
        max_connections=size, max_keepalive_connections=size, keepalive_expiry=30.0
    )
    return httpx.AsyncClient(
        http2=True,
        verify=ssl_context if ssl_context is not None else True,
        timeout=timeout,
        limits=limits,
        follow_redirects=False,
        headers={
            "User-Agent": policy.user_agent,
            "Accept": ACCEPT,
            "Accept-Encoding": "gzip, deflate, br",
        },
    )


def _status_text(status: int, reason: str) -> str:
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        phrase = one_line(reason)[:60]
    return f"HTTP {status} {phrase}".rstrip()


def parse_retry_after(value: str | None, now: datetime | None = None) -> datetime | None:
    """Retry-After as delta-seconds or an HTTP-date, capped at 24 h; None for garbage."""
    if not value:
        return None
    now = now or datetime.now(UTC)
    text = value.strip()
    if text.isdigit():
        if len(text) > 9:  # over ~31 years: clearly garbage, and int() stays small
            return now + RETRY_AFTER_CAP
        return now + min(timedelta(seconds=int(text)), RETRY_AFTER_CAP)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    when = when.astimezone(UTC)
    return max(now, min(when, now + RETRY_AFTER_CAP))


def _errno_of(exc: BaseException) -> int | None:
    seen: set[int] = set()
    current: BaseException | None = exc
    # Walk __cause__/__context__ a bounded number of steps (chains are short; loops are not).
    for _ in range(10):
        if current is None or id(current) in seen:
            return None
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno is not None:
            return current.errno
        current = current.__cause__ or current.__context__
    return None


def _chain_has(exc: BaseException, kind: type[BaseException]) -> bool:
    current: BaseException | None = exc
    for _ in range(10):
        if current is None:
            return False
        if isinstance(current, kind):
            return True
        current = current.__cause__ or current.__context__
    return False


def describe_error(exc: BaseException, policy: FetchPolicy) -> str:
    """One printable line naming why a fetch failed."""
    if isinstance(exc, _FetchFailed):
        return str(exc)
    if isinstance(exc, httpx.ConnectTimeout):
        return f"connect timed out after {policy.connect_timeout:g} s"
    if isinstance(exc, httpx.ReadTimeout | httpx.WriteTimeout):
        return f"no data for {policy.read_timeout:g} s (read timed out)"
    if isinstance(exc, httpx.PoolTimeout):
        return "timed out waiting for a free connection"
    if isinstance(exc, TimeoutError):
        return f"timed out after {policy.deadline:g} s"
    if isinstance(exc, httpx.ConnectError):
        code = _errno_of(exc)
        message = str(exc)
        if code == errno.ECONNREFUSED or "refused" in message.lower():
            return "connection refused"
        if _chain_has(exc, ssl.SSLError) or "SSL" in message or "certificate" in message:
            return one_line(f"TLS error: {message}")[:200]
        lowered = message.lower()
        if "name or service not known" in lowered or "nodename nor servname" in lowered:
            return "host name not found (DNS)"
        if "name resolution" in lowered or "no address associated" in lowered:
            return "host name lookup failed (DNS)"
        if code in (errno.ENETUNREACH, errno.EHOSTUNREACH):
            return "network unreachable"
        return one_line(f"connection failed: {message or type(exc).__name__}")[:200]
    if isinstance(exc, httpx.RemoteProtocolError):
        return one_line(f"server broke the HTTP protocol: {exc}")[:200]
    if isinstance(exc, httpx.ReadError):
        return one_line(f"connection lost while reading: {str(exc) or 'reset'}")[:200]
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return one_line(f"invalid URL: {exc}")[:200]
    if isinstance(exc, DecodeError):
        return one_line(str(exc))[:200]
    text = str(exc) or type(exc).__name__
    return one_line(f"{type(exc).__name__}: {text}")[:200]


def _check_url(url: str) -> str | None:
    """Why this URL may not be fetched, or None when it may."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "invalid URL"
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return f"URL scheme {scheme + ':' if scheme else '(none)'} refused (http/https only)"
    if not parts.hostname:
        return "invalid URL: no host"
    if any(c in url for c in "\r\n\t\x00 "):
        return "invalid URL: contains whitespace or control characters"
    return None


def _mib(n: int) -> str:
    """16777216 -> '16 MiB', 1572864 -> '1.5 MiB', 100000 -> '98 KiB'."""
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f}".removesuffix(".0") + " MiB"
    return f"{n / 1024:.0f} KiB"


async def _read_body(response: httpx.Response, policy: FetchPolicy) -> bytes:
    declared = response.headers.get("content-length", "")
    encoding = response.headers.get("content-encoding")
    if (
        not encoding
        and declared.isdigit()
        and len(declared) < 20
        and int(declared) > policy.max_bytes
    ):
        raise _FetchFailed(f"response larger than {_mib(policy.max_bytes)}")
    decoder = make_decoder(encoding)
    body = bytearray()

    def take(piece: bytes) -> None:
        if len(body) + len(piece) > policy.max_bytes:
            raise _FetchFailed(f"response larger than {_mib(policy.max_bytes)}")
        body.extend(piece)

    async for raw in response.aiter_raw():
        for piece in decoder.feed(raw):
            take(piece)
    for piece in decoder.finish():
        take(piece)
    return bytes(body)


# A response without a body we want (304, a redirect, an error page) is read up to this much
# before closing, so its connection goes back to the pool: httpcore drops a connection whose
# response was not read to the end.
DRAIN_LIMIT = 64 * 1024


async def _drain(response: httpx.Response) -> None:
    read = 0
    async for raw in response.aiter_raw():
        read += len(raw)
        if read > DRAIN_LIMIT:
            return


async def _fetch(
    client: httpx.AsyncClient, request: FetchRequest, policy: FetchPolicy, out: FetchResponse
) -> None:
    url = request.url
    seen: list[str] = []
    all_permanent = True
    conditional: dict[str, str] = {}
    if request.etag:
        conditional["If-None-Match"] = request.etag
    if request.last_modified:
        conditional["If-Modified-Since"] = request.last_modified
    for _hop in range(policy.max_redirects + 1):
        reason = _check_url(url)
        if reason is not None:
            raise _FetchFailed(reason if not seen else f"redirect refused: {reason}")
        seen.append(url)
        out.final_url = url
        outgoing = client.build_request("GET", url, headers=conditional)
        try:
            response = await client.send(outgoing, stream=True)
        except httpx.InvalidURL as exc:
            # httpx builds the next request from Location even when not following it, so a
            # Location such as "javascript:x()" fails inside send().
            raise _FetchFailed("redirect to an invalid URL refused") from exc
        try:
            status = response.status_code
            out.status = status
            out.headers = {k.lower(): v for k, v in response.headers.items()}
            if not 200 <= status < 300:
                await _drain(response)
            if status in REDIRECTS:
                location = response.headers.get("location")
                if not location:
                    raise _FetchFailed(
                        f"{_status_text(status, response.reason_phrase)} without a Location"
                    )
                all_permanent = all_permanent and status in PERMANENT
                target = urljoin(url, location.strip())
                scheme = urlsplit(target).scheme.lower() if ":" in target else ""
                if scheme not in ("http", "https"):
                    raise _FetchFailed(f"redirect to {one_line(scheme)[:20]}:// refused")
                if target in seen:
                    raise _FetchFailed(f"redirect loop ({len(seen)} hops)")
                url = target
                continue
            if status == 304:
                if not conditional:
                    raise _FetchFailed("HTTP 304 Not Modified to a request without validators")
                out.not_modified = True
            elif 200 <= status < 300:
                out.body = await _read_body(response, policy)
            else:
                text = _status_text(status, response.reason_phrase)
                if status == 410:
                    out.gone = True
                if status in (429, 503):
                    out.retry_after = parse_retry_after(response.headers.get("retry-after"))
                    if out.retry_after is not None:
                        text += f", retry after {out.retry_after:%Y-%m-%d %H:%M} UTC"
                if status == 401:
                    text += " (authentication required)"
                raise _FetchFailed(text)
        finally:
            await response.aclose()
        if len(seen) > 1 and all_permanent:
            out.permanent_url = url
        return
    raise _FetchFailed(f"too many redirects ({len(seen)})")


async def fetch(
    client: httpx.AsyncClient, request: FetchRequest, policy: FetchPolicy
) -> FetchResponse:
    """Fetch one feed under the policy; never raises (errors land in `.error`)."""
    started = time.monotonic()
    out = FetchResponse(request=request, final_url=request.url)
    try:
        async with asyncio.timeout(policy.deadline):
            await _fetch(client, request, policy, out)
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # every failure is this feed's error, never the poll's
        out.error = describe_error(exc, policy)
        out.body = None
        out.not_modified = False
    out.seconds = time.monotonic() - started
    return out
