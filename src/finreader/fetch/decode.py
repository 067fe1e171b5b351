"""Provides bounded Content-Encoding decoders: raw network bytes in, at most N decoded bytes out.

httpx decodes gzip/deflate/brotli in one step per network read, and one 64 KiB read of a bomb
expands to 64 MiB at once (HOSTILE.md O11: a 10 MB cap on iter_bytes() stopped at 67 MB decoded,
154 MB RSS). Decoding here from iter_raw() in steps of at most 1 MiB keeps the cap exact and the
memory flat whatever the compression ratio.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from typing import Protocol

import brotli

# Largest piece one decode step may produce; bounds memory per step, not the total.
STEP = 1024 * 1024


class DecodeError(Exception):
    """The body could not be decoded (corrupt stream or unknown encoding)."""


class Decoder(Protocol):
    def feed(self, data: bytes) -> Iterator[bytes]: ...
    def finish(self) -> Iterator[bytes]: ...


class _Identity:
    def feed(self, data: bytes) -> Iterator[bytes]:
        if data:
            yield data

    def finish(self) -> Iterator[bytes]:
        return iter(())


class _Zlib:
    """gzip (possibly several members) or zlib-wrapped deflate; raw deflate as a fallback."""

    def __init__(self, wbits: int, *, raw_fallback: bool = False) -> None:
        self._wbits = wbits
        self._obj = zlib.decompressobj(wbits)
        self._raw_fallback = raw_fallback
        self._started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        buf = data
        # 10,000 steps of 1 MiB is far beyond any cap; the bound keeps the loop finite.
        for _ in range(10_000):
            if not buf:
                return
            try:
                out = self._obj.decompress(buf, STEP)
            except zlib.error as exc:
                if self._raw_fallback and not self._started:
                    # Some servers send raw deflate under "deflate" (no zlib header).
                    self._raw_fallback = False
                    self._wbits = -zlib.MAX_WBITS
                    self._obj = zlib.decompressobj(self._wbits)
                    continue
                raise DecodeError(f"corrupt compressed body ({exc})") from exc
            self._started = True
            if out:
                yield out
            if self._obj.unconsumed_tail:
                buf = self._obj.unconsumed_tail
            elif self._obj.eof and self._obj.unused_data:
                # Concatenated gzip members: start a new decoder on what is left.
                buf = self._obj.unused_data
                if self._wbits < 0 or not buf.strip(b"\x00"):
                    return
                self._obj = zlib.decompressobj(self._wbits)
            else:
                return
        raise DecodeError("compressed body did not finish decoding")

    def finish(self) -> Iterator[bytes]:
        out = self._obj.flush(STEP)
        if out:
            yield out


class _Brotli:
    def __init__(self) -> None:
        self._obj = brotli.Decompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        try:
            out: bytes = self._obj.process(data, output_buffer_limit=STEP)
            if out:
                yield out
            for _ in range(100_000):
                if self._obj.can_accept_more_data():
                    return
                out = self._obj.process(b"", output_buffer_limit=STEP)
                if out:
                    yield out
        except brotli.error as exc:
            raise DecodeError(f"corrupt brotli body ({exc})") from exc
        raise DecodeError("brotli body did not finish decoding")

    def finish(self) -> Iterator[bytes]:
        return iter(())


_FACTORIES: dict[str, Callable[[], Decoder]] = {
    "identity": _Identity,
    "gzip": lambda: _Zlib(zlib.MAX_WBITS | 32),
    "x-gzip": lambda: _Zlib(zlib.MAX_WBITS | 32),
    "deflate": lambda: _Zlib(zlib.MAX_WBITS, raw_fallback=True),
    "br": _Brotli,
}


class _Chain:
    """Several encodings applied in order (Content-Encoding: gzip, br): undo them in reverse."""

    def __init__(self, decoders: list[Decoder]) -> None:
        self._decoders = decoders

    def _through(self, chunks: Iterator[bytes], index: int) -> Iterator[bytes]:
        if index == len(self._decoders):
            yield from chunks
            return
        decoder = self._decoders[index]
        for chunk in chunks:
            yield from self._through(decoder.feed(chunk), index + 1)

    def feed(self, data: bytes) -> Iterator[bytes]:
        return self._through(iter((data,)), 0)

    def finish(self) -> Iterator[bytes]:
        for index, decoder in enumerate(self._decoders):
            yield from self._through(decoder.finish(), index + 1)


def make_decoder(content_encoding: str | None) -> Decoder:
    """A decoder for a Content-Encoding header value; DecodeError for an unknown coding."""
    names = [n.strip().lower() for n in (content_encoding or "").split(",") if n.strip()]
    decoders: list[Decoder] = []
    for name in reversed(names):
        factory = _FACTORIES.get(name)
        if factory is None:
            raise DecodeError(f"unsupported content-encoding {name[:40]!r}")
        decoders.append(factory())
    if not decoders:
        return _Identity()
    if len(decoders) == 1:
        return decoders[0]
    return _Chain(decoders)
