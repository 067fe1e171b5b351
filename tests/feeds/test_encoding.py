"""decode_feed: which encoding wins, and that guessing is never silent."""

from __future__ import annotations

import codecs

import pytest

from finreader.feeds.encoding import decode_feed, http_charset, xml_declared_encoding

ZH = "贵州茅台一季度净利润同比增长15%，腾讯控股(00700)上涨3%，央行宣布下调存款准备金率"
TW = "台積電第一季營收創新高，恆生指數上漲2%，鴻海精密股價走高"


def doc(text: str, decl: str = "") -> str:
    return f"{decl}<rss><channel><title>{text}</title></channel></rss>"


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
    ],
)
def test_bom_beats_declaration(bom: bytes, codec: str) -> None:
    body = bom + doc(ZH, '<?xml version="1.0" encoding="gbk"?>').encode(codec)
    decoded = decode_feed(body, "text/xml; charset=big5")
    assert ZH in decoded.text and decoded.encoding == codec


def test_bomless_utf16_sniffed() -> None:
    body = doc(ZH, '<?xml version="1.0" encoding="utf-16"?>').encode("utf-16-le")
    assert ZH in decode_feed(body).text


def test_gbk_undeclared_guessed_with_warning() -> None:
    decoded = decode_feed(doc(ZH).encode("gbk"))
    assert ZH in decoded.text and decoded.encoding == "gb18030"
    assert decoded.warning == "encoding guessed as gb18030"


def test_big5_undeclared_guessed() -> None:
    decoded = decode_feed(doc(TW).encode("big5"))
    assert TW in decoded.text and decoded.encoding == "big5hkscs"


def test_declared_gb2312_read_as_gb18030() -> None:
    # 镕 is in GBK but not GB2312: publishers declare gb2312 and send GBK.
    text = "朱镕基" + ZH
    decoded = decode_feed(doc(text, '<?xml version="1.0" encoding="gb2312"?>').encode("gbk"))
    assert text in decoded.text and decoded.warning is None


def test_lying_utf8_declaration_falls_back() -> None:
    decoded = decode_feed(doc(ZH, '<?xml version="1.0" encoding="utf-8"?>').encode("gbk"))
    assert ZH in decoded.text
    assert decoded.warning is not None and "declared utf-8 does not fit" in decoded.warning


def test_cp1252_smart_quotes_not_mistaken_for_cjk() -> None:
    text = "“Smart quotes” – €5bn deal … café"
    decoded = decode_feed(doc(text).encode("cp1252"))
    assert text in decoded.text and decoded.encoding == "cp1252"


def test_mostly_utf8_with_a_bad_byte_keeps_the_utf8() -> None:
    body = doc(ZH).encode("utf-8").replace("，".encode(), b"\xff", 1)
    decoded = decode_feed(body)
    assert decoded.encoding == "utf-8" and "\ufffd" in decoded.text
    assert decoded.warning is not None and "invalid UTF-8" in decoded.warning


def test_unknown_charset_ignored() -> None:
    decoded = decode_feed(doc("plain").encode(), "application/rss+xml; charset=x-no-such")
    assert decoded.text.endswith("</rss>") and decoded.warning is not None


def test_header_helpers() -> None:
    assert http_charset('application/xml; charset="GBK"') == "GBK"
    assert http_charset("application/xml") is None
    assert xml_declared_encoding(b"<?xml version='1.0' encoding='Big5'?><rss/>") == "Big5"
    assert xml_declared_encoding(b"<rss/>") is None


@pytest.mark.parametrize(
    ("text", "codec", "expected"),
    [
        ("贵州茅台(600519)股价下跌2.1%", "gbk", "gb18030"),  # charset_normalizer said EUC-KR
        ("腾讯控股", "gbk", "gb18030"),
        ("鴻海精密股價走高", "big5", "big5hkscs"),
        ("國泰金控", "big5", "big5hkscs"),
    ],
)
def test_short_undeclared_chinese(text: str, codec: str, expected: str) -> None:
    decoded = decode_feed(doc(text).encode(codec))
    assert text in decoded.text and decoded.encoding == expected
