"""plain.text_to_pieces against the straightforward version it optimises: every line a block
(or joined to the one above), then `finish` on every block. The real one skips `finish` for
paragraphs when one scan of the whole text shows it could change none of them."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from finreader.text.blocks import Piece, finish
from finreader.text.plain import _CLOSED, _JOIN_MIN, _kind, text_to_pieces


def reference(text: str, base_url: str | None = None) -> list[Piece]:
    text = text.replace("\xa0", " ")
    pieces: list[Piece] = []
    prev_blank = True
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            prev_blank = True
            continue
        kind = _kind(stripped)
        last = pieces[-1] if pieces else None
        if (
            not prev_blank
            and last is not None
            and kind == "p"
            and last.kind == "p"
            and len(last.text) >= _JOIN_MIN
            and last.text[-1:] not in _CLOSED
            and (line[:1] in (" ", "\t") or "a" <= stripped[0] <= "z")
        ):
            last.text = f"{last.text} {stripped}"
        else:
            pieces.append(Piece(kind, stripped))
        prev_blank = False
    for piece in pieces:
        finish(piece, base_url)
    return [piece for piece in pieces if piece.text]


# What finish acts on (invisibles, controls, Markdown markers and links, odd spaces, line
# breaks splitlines knows) and ordinary text around it.
ATOMS = st.sampled_from(
    [
        "a", "Rev", "x y", "lower case", "Upper", "中文", "。", ".", "?", " ", "  ", "\t", "\n",
        "\n\n", "\r\n", "\r", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\xa0", "\u3000",
        "\u200b", "\u200e", "\ufeff", "\x07", "\x7f", "\xad", "# ", "## ", "#", "- ", "-", "* ",
        "*x", "+ ", "• ", "> ", ">", "[t](https://x.test/m)", "![i](https://x.test/i.png)",
        "](", "[", "]", "1.5%", "e\u0301", "a long enough line of text to be joined onto",
    ]
)  # fmt: skip
# Half the texts carry none of what finish drops, so the skipping path is taken.
CLEAN_ATOMS = ATOMS.filter(
    lambda a: (
        not any(c in a for c in "\u200b\u200e\ufeff\x07\x7f\xad\x0b\x0c\x1c\x85\r")
        and "](" not in a
    )
)
TEXTS = st.one_of(
    st.lists(ATOMS, max_size=40).map("".join), st.lists(CLEAN_ATOMS, max_size=40).map("".join)
)


def shape(pieces: list[Piece]) -> list[tuple[str, str, list[tuple[int, int, str]]]]:
    return [(p.kind, p.text, list(p.links)) for p in pieces]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS, st.sampled_from([None, "https://b.test/x/"]))
def test_same_blocks_as_finishing_every_block(text: str, base_url: str | None) -> None:
    assert shape(text_to_pieces(text, base_url)) == shape(reference(text, base_url))


def test_paragraphs_are_finished_only_when_needed() -> None:
    text = "# Heading\n\nA paragraph [with a link](https://x.test/a).\n- item\n\nplain\u200b text"
    assert shape(text_to_pieces(text)) == shape(reference(text))
    assert shape(text_to_pieces(text)) == [
        ("h", "Heading", []),
        ("p", "A paragraph with a link.", [(12, 23, "https://x.test/a")]),
        ("li", "item", []),
        ("p", "plain text", []),
    ]
