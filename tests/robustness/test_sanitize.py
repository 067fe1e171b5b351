"""The sanitiser on the hostile characters it exists for (HOSTILE.md A1-A7, A11-A14)."""

from __future__ import annotations

import time

import pytest

from finreader.text.sanitize import MAX_COMBINING, for_storage, for_terminal, one_line
from tests.robustness.helpers import HOSTILE, UNSAFE

ESC_TITLE = "Fed \x1b]52;c;Y3VybA==\x1b\\holds \x1b]2;PWNED\x07rates\x1b[2J \x9d0;x\x9c end"


def test_controls_and_bidi_are_removed() -> None:
    for cleaned in (for_terminal(ESC_TITLE), one_line(ESC_TITLE)):
        assert not UNSAFE.search(cleaned)
        assert "\x1b" not in cleaned and "\x9d" not in cleaned and "\x07" not in cleaned
    assert for_terminal("Report \u202efdp.exe\u202c ok") == "Report fdp.exe ok"
    assert for_terminal("line1\r\nline2\tx") == "line1\nline2\tx"
    assert one_line("line1\r\nline2\u2028line3\tx") == "line1 line2 line3 x"
    # "Fed holds rates\rFed HIKES 500bp": CR cannot overwrite what was shown (A6).
    assert for_terminal("Fed holds rates\rFed HIKES") == "Fed holds ratesFed HIKES"


def test_invisible_format_characters_are_removed() -> None:
    tags = "".join(chr(0xE0000 + ord(c)) for c in "ignore previous")
    assert for_terminal(f"AAPL{tags} up") == "AAPL up"
    assert for_terminal("$AA\u200bPL \ufeffNV\u2060DA \u206aX\u180eY") == "$AAPL NVDA XY"
    assert for_terminal("a\ufffeb\uffffc\ufff9d") == "abcd"
    assert one_line("AA\u200bPL") == "AA PL"  # shown split, not silently joined


def test_text_people_write_is_kept() -> None:
    kept = [
        "英伟达(NVDA.US)涨5%，腾讯控股下跌",
        "Tiếng Việt: Chứng khoán tăng điểm",  # precomposed and combining forms
        "Vie\u0302\u0323t",  # two combining marks on one letter
        "👨\u200d👩\u200d👧 family, 🇺🇸 flag, ❤\ufe0f",
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # Persian with ZWNJ
        "हिन्दी शेयर बाज़ार",
        "Tabs\tstay",
    ]
    for text in kept:
        assert for_terminal(text) == text


def test_combining_floods_are_cut() -> None:
    zalgo = "Z" + "\u0300\u0301\u0302\u0303" * 80 + "algo"
    cleaned = for_terminal(zalgo)
    assert cleaned == "Z" + "\u0300\u0301\u0302\u0303"[:MAX_COMBINING] + "algo"
    assert one_line(zalgo) == cleaned


def test_surrogates_never_leave() -> None:
    assert for_storage("a\ud800b\udfffc") == "a\ufffdb\ufffdc"
    for_terminal("x\ud83dy").encode("utf-8")
    one_line("x\udcffy").encode("utf-8")


@pytest.mark.skipif(not HOSTILE.is_dir(), reason="shared corpus not found")
def test_fast_on_the_longest_hostile_lines() -> None:
    """long-lines.xml has a 300 KB line and regex-dos.xml runs of 25k capitals; the sanitiser
    runs on every repaint, so it must stay linear. It takes ~15 ms per MB here; the bound is
    loose enough for a loaded 2-core machine (a run at load 3.5 took 69 ms) and still far
    below what a quadratic pass over a 300 KB line costs (seconds)."""
    text = (HOSTILE / "long-lines.xml").read_text("utf-8", "replace")
    text += (HOSTILE / "rtl-override.xml").read_text("utf-8", "replace") * 50
    started = time.perf_counter()
    for _ in range(3):
        for_terminal(text)
        one_line(text)
    per_mb = (time.perf_counter() - started) / 6 / (len(text) / 1e6)
    assert per_mb < 0.25, f"{per_mb * 1000:.1f} ms per MB"
