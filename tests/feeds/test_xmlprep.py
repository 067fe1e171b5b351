"""prepare_xml: what is removed or repaired before any parser sees the document."""

from __future__ import annotations

import time

import pytest

from finreader.feeds.xmlprep import PrepError, prepare_xml, strip_doctype


def test_doctype_with_internal_subset_removed_even_on_the_declaration_line() -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "x]>y"><!-- ] > -->'
        b'<!ENTITY b SYSTEM "file:///etc/passwd">]><rss>&a;&b;</rss>'
    )
    out, notes = prepare_xml(body)
    assert out == b"<rss>x]>y&amp;b;</rss>"
    assert notes == ["DOCTYPE removed"]


def test_doctype_after_comments_and_instructions() -> None:
    body = b'<!-- c --><?xml-stylesheet href="s"?>\n<!doctype rss SYSTEM "x.dtd"><rss/>'
    out, doctype = strip_doctype(body)
    assert out == b'<!-- c --><?xml-stylesheet href="s"?>\n<rss/>'
    assert doctype == b'<!doctype rss SYSTEM "x.dtd">'


def test_doctype_text_inside_content_is_not_touched() -> None:
    body = b"<rss><d><![CDATA[<!DOCTYPE html><p>x</p>]]></d></rss>"
    assert prepare_xml(body) == (body, [])


def test_unterminated_doctype_is_an_error() -> None:
    with pytest.raises(PrepError):
        prepare_xml(b'<!DOCTYPE rss [<!ENTITY a "x">')


def test_entity_expansion_budget() -> None:
    # 200-byte entity x 5,000 references would be 1 MB; the budget stops at 256 KB.
    entity = b"A" * 200
    body = b'<!DOCTYPE r [<!ENTITY a "' + entity + b'">]><r>' + b"&a;" * 5000 + b"</r>"
    out, _ = prepare_xml(body)
    assert 256 * 1024 <= len(out) < 300 * 1024
    assert out.count(b"&amp;a;") > 3000


def test_long_entities_are_never_expanded() -> None:
    body = b'<!DOCTYPE r [<!ENTITY a "' + b"A" * 10_000 + b'">]><r>&a;&a;</r>'
    assert prepare_xml(body)[0] == b"<r>&amp;a;&amp;a;</r>"


@pytest.mark.parametrize(
    ("raw", "fixed"),
    [
        (b"S&P 500", b"S&amp;P 500"),
        (b"AT&T &amp; M&A", b"AT&amp;T &amp; M&amp;A"),
        (b"&nbsp;&eacute;", b"&#160;&#233;"),
        (b"&unknownthing;", b"&amp;unknownthing;"),
        (b"&#xD800;&#x110000;&#1114112;", b"&#xFFFD;&#xFFFD;&#xFFFD;"),
        (b"&#27;&#x1b;&#0;&#x9D;", b""),
        (b"&#8217;&#x4e2d;", b"&#8217;&#20013;"),
        (b"EPS < est, 3<5", b"EPS &lt; est, 3&lt;5"),
        (b"a\x1b[2Jb\x00c\x07d", b"a[2Jbcd"),
    ],
)
def test_reference_and_control_repairs(raw: bytes, fixed: bytes) -> None:
    out, _ = prepare_xml(b"<r>" + raw + b"</r>")
    assert out == b"<r>" + fixed + b"</r>"


def test_cdata_left_alone_but_unterminated_cdata_repaired() -> None:
    assert prepare_xml(b"<r><![CDATA[S&P <5]]>&x</r>")[0] == b"<r><![CDATA[S&P <5]]>&amp;x</r>"
    assert prepare_xml(b"<r><![CDATA[S&P")[0] == b"<r><![CDATA[S&amp;P"


def test_linear_on_hostile_patterns() -> None:
    body = b"<r>" + b"<![CDATA[" * 20_000 + b"&" * 200_000 + b"<!DOCTYPE" * 1000 + b"</r>"
    started = time.monotonic()
    prepare_xml(body)
    assert time.monotonic() - started < 2.0
