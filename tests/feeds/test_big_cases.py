"""The large hostile cases (HOSTILE.md "--big"), each in its own subprocess: peak memory stays
under 300 MB and the outcome is a parsed, bounded feed or a one-line FeedError/fetch error.

Opt-in (`pytest -m slow`): building the cases takes about 4 s and 1.3 GB of bytes in memory.
The cases come from hostile/make.py's big_files(), imported rather than run, because running
make.py also rewrites the shared small files.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.helpers.feedserver import FeedServer

pytestmark = pytest.mark.slow
PEAK_LIMIT_KB = 300 * 1024

# VmHWM, not ru_maxrss: Linux keeps ru_maxrss across execve, so a child would report the
# pytest process's high-water mark.
PEAK = """
def peak_kb():
    for line in open('/proc/self/status'):
        if line.startswith('VmHWM:'):
            return int(line.split()[1])
    return 0
"""

PARSE = (
    PEAK
    + """
import json, sys
from finreader.feeds.parse import FeedError, parse_feed
body = open(sys.argv[1], 'rb').read()
try:
    feed = parse_feed(body, url='https://finreader.invalid/f.xml')
    outcome = {'entries': len(feed.entries), 'warning': feed.warning,
               'longest': max([len(e.title) + len(e.content) for e in feed.entries] or [0])}
except FeedError as exc:
    outcome = {'error': str(exc)}
del body
outcome['peak_kb'] = peak_kb()
print(json.dumps(outcome))
"""
)

FETCH = (
    PEAK
    + """
import asyncio, json, sys
from finreader.fetch.client import FetchPolicy, FetchRequest, fetch, make_client
from finreader.feeds.parse import FeedError, parse_feed
async def main():
    policy = FetchPolicy()
    async with make_client(policy) as client:
        response = await fetch(client, FetchRequest(1, sys.argv[1]), policy)
    outcome = {'error': response.error}
    if response.body is not None:
        try:
            outcome['entries'] = len(parse_feed(response.body, url=sys.argv[1]).entries)
        except FeedError as exc:
            outcome['error'] = 'feed error: ' + str(exc)
    return outcome
outcome = asyncio.run(main())
outcome['peak_kb'] = peak_kb()
print(json.dumps(outcome))
"""
)


@pytest.fixture(scope="module")
def big_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    make = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "hostile" / "make.py"
    if not make.exists():
        pytest.skip("hostile/make.py not found")
    spec = importlib.util.spec_from_file_location("hostile_make", make)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path_factory.mktemp("big")
    for name, data in module.big_files().items():
        (out / name).write_bytes(data)
    yield out


def _run(script: str, arg: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", script, arg], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-800:]
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize(
    ("name", "expect"),
    [
        ("huge-item-5MiB.xml", "entries"),
        ("huge-title-1MiB.xml", "entries"),
        ("huge-feed-100k-items.xml", "too many items (over 5,000)"),
        ("huge-feed-50MiB.xml", "too many items (over 5,000)"),
        ("quadratic-blowup-1GB.xml", "entries"),
    ],
)
def test_big_documents_parse_bounded(big_dir: Path, name: str, expect: str) -> None:
    outcome = _run(PARSE, str(big_dir / name))
    assert int(str(outcome["peak_kb"])) < PEAK_LIMIT_KB, outcome
    if expect == "entries":
        assert int(str(outcome["entries"])) >= 1
        assert int(str(outcome["longest"])) <= 1_001_024
    else:
        assert outcome["error"] == expect


@pytest.mark.parametrize(
    ("name", "expect"),
    [
        ("gzip-bomb-1GiB.xml.gz", "response larger than 16 MiB"),
        ("gzip-bomb-nested.gz.gz", "feed error: not a feed"),
        ("huge-feed-50MiB.xml", "response larger than 16 MiB"),
    ],
)
def test_big_responses_fetched_bounded(big_dir: Path, name: str, expect: str) -> None:
    data = (big_dir / name).read_bytes()
    headers = {"Content-Encoding": "gzip"} if name.endswith(".gz") else None
    with FeedServer() as server:
        server.add("/big", data, headers=headers)
        outcome = _run(FETCH, server.url("/big"))
    assert outcome["error"] == expect
    assert int(str(outcome["peak_kb"])) < PEAK_LIMIT_KB, outcome
