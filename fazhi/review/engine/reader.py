"""Read a published report from bytes: .txt, .html, .docx, .pdf.

The *original text* (the reference for every offset the engine reports) is the text
extracted from the file:

* .txt  - the decoded text, unchanged (BOM removed);
* .html - the visible text (script/style/head dropped), a newline at each block
  element, table cells joined with `` | `` and rows with newlines, entities decoded;
* .docx - the body paragraphs joined by ``\\n``; a table is one line per row, cells
  joined with `` | ``;
* .pdf  - the text layer as extracted by pdfminer.six.

Every failure raises :class:`ReviewInputError` with a machine code and a one-line
bilingual message.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import re
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser
from xml.parsers import expat

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DOCX_MAX_ENTRIES = 1000
DOCX_MAX_RATIO = 100  # uncompressed / compressed, per entry
DOCX_MAX_UNCOMPRESSED = 200 * 1024 * 1024


class ReviewInputError(Exception):
    """An input that cannot be reviewed. ``code`` is stable, ``message`` is one line."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message}

    def __str__(self) -> str:
        return self.message


@dataclass
class ReadResult:
    text: str
    kind: str  # txt | html | docx | pdf
    encoding: str | None = None


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


# ---------------------------------------------------------------- text decoding

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode text bytes; returns (text, encoding). UTF-8 (BOM or not), UTF-16/32
    (BOM or by NUL pattern), GB18030 (a superset of GBK/GB2312), else charset-normalizer."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(enc), enc
            except UnicodeDecodeError:
                raise ReviewInputError(
                    "bad_encoding", f"文本编码损坏（{enc}）/ text is not valid {enc}"
                ) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    sample = data[:4096]
    if len(sample) >= 4 and sample.count(0) >= len(sample) // 4:
        even_nuls = sample[0::2].count(0)
        odd_nuls = sample[1::2].count(0)
        enc = "utf-16-le" if odd_nuls > even_nuls else "utf-16-be"
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
    except Exception:  # pragma: no cover - defensive
        best = None
    if best is not None and best.encoding:
        return str(best), best.encoding
    raise ReviewInputError(
        "bad_encoding", "无法识别文本编码 / cannot detect the text encoding (not UTF-8/GBK/UTF-16)"
    )


# ---------------------------------------------------------------- HTML

_BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "section",
        "article",
        "header",
        "footer",
        "nav",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "blockquote",
        "pre",
        "hr",
        "dl",
        "dt",
        "dd",
        "form",
        "center",
        "title",
        "address",
        "figure",
        "figcaption",
        "main",
        "aside",
    ]
)
_SKIP_TAGS = frozenset(("script", "style", "noscript", "template", "head", "svg", "iframe"))


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.cell_in_row = 0

    def _nl(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n"):
            self.parts.append("\n")

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP_TAGS:
            self.skip += 1
            return
        if tag == "tr":
            self._nl()
            self.cell_in_row = 0
        elif tag in ("td", "th"):
            if self.cell_in_row:
                self.parts.append(" | ")
            self.cell_in_row += 1
        elif tag in _BLOCK_TAGS:
            self._nl()

    def handle_startendtag(self, tag, attrs):
        if tag in ("br", "hr"):
            self._nl()

    def handle_endtag(self, tag):
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
            return
        if tag == "tr" or tag in _BLOCK_TAGS:
            self._nl()

    def handle_data(self, data):
        if self.skip:
            return
        data = re.sub(r"[ \t\r\n\f]+", " ", data)
        if data.strip() or (self.parts and not self.parts[-1].endswith("\n")):
            if self.parts and self.parts[-1].endswith("\n"):
                data = data.lstrip()
            if data:
                self.parts.append(data)


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)


def html_to_text(data: bytes) -> tuple[str, str]:
    enc = None
    m = _META_CHARSET.search(data[:4096])
    text = None
    if m and not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        enc = m.group(1).decode("ascii", "ignore").lower()
        if enc in ("gb2312", "gbk", "gb_2312-80"):
            enc = "gb18030"
        try:
            text = data.decode(enc)
        except (LookupError, UnicodeDecodeError):
            text = None
    if text is None:
        text, enc = decode_bytes(data)
    parser = _VisibleText()
    try:
        parser.feed(text)
        parser.close()
    except Exception as exc:  # HTMLParser is lenient; defensive
        raise ReviewInputError("bad_html", f"HTML 无法解析 / cannot parse HTML: {exc}") from None
    out = "".join(parser.parts)
    out = "\n".join(line.strip() for line in out.split("\n"))
    out = re.sub(r"\n{3,}", "\n\n", out).strip("\n")
    return out, enc or "utf-8"


# ---------------------------------------------------------------- DOCX

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


class _DocxText:
    """Streaming WordprocessingML reader on expat with DTDs and entities refused."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.para: list[str] | None = None
        self.in_t = False
        self.tbl_depth = 0
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        p = expat.ParserCreate(namespace_separator="}")
        p.StartElementHandler = self.start
        p.EndElementHandler = self.end
        p.CharacterDataHandler = self.data
        p.StartDoctypeDeclHandler = self._refuse
        p.EntityDeclHandler = self._refuse
        p.ExternalEntityRefHandler = self._refuse_ext
        with contextlib.suppress(AttributeError):
            p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.parser = p

    def _refuse(self, *args):
        raise ReviewInputError(
            "docx_unsafe", "DOCX 含 DTD/实体声明，拒绝处理 / DOCX XML declares a DTD or entities"
        )

    def _refuse_ext(self, *args):
        self._refuse()
        return 0

    def start(self, name, attrs):
        if not name.startswith(_W):
            return
        tag = name[len(_W) + 1 :]
        if tag == "p":
            self.para = []
        elif tag == "t":
            self.in_t = True
        elif tag == "tab" and self.para is not None:
            self.para.append("\t")
        elif tag in ("br", "cr") and self.para is not None:
            self.para.append("\n")
        elif tag == "tbl":
            self.tbl_depth += 1
        elif tag == "tr" and self.tbl_depth == 1:
            self.row = []
        elif tag == "tc" and self.tbl_depth == 1:
            self.cell = []

    def end(self, name):
        if not name.startswith(_W):
            return
        tag = name[len(_W) + 1 :]
        if tag == "t":
            self.in_t = False
        elif tag == "p":
            text = "".join(self.para or [])
            self.para = None
            if self.cell is not None:
                self.cell.append(text)
            else:
                self.lines.append(text)
        elif tag == "tc" and self.tbl_depth == 1 and self.cell is not None:
            if self.row is not None:
                self.row.append(" ".join(s for s in self.cell if s))
            self.cell = None
        elif tag == "tr" and self.tbl_depth == 1 and self.row is not None:
            self.lines.append(" | ".join(self.row))
            self.row = None
        elif tag == "tbl":
            self.tbl_depth -= 1

    def data(self, text):
        if self.in_t and self.para is not None:
            self.para.append(text)


def docx_to_text(data: bytes) -> str:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ReviewInputError(
            "bad_docx", "DOCX 文件损坏（不是有效的 zip）/ DOCX is not a valid zip"
        ) from None
    with zf:
        infos = zf.infolist()
        if len(infos) > DOCX_MAX_ENTRIES:
            raise ReviewInputError(
                "docx_bomb",
                f"DOCX 条目过多（{len(infos)}）/ DOCX has too many entries ({len(infos)})",
            )
        total = 0
        for info in infos:
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > 1024 * 1024 and ratio > DOCX_MAX_RATIO:
                raise ReviewInputError(
                    "docx_bomb",
                    f"DOCX 压缩比异常（{info.filename} {ratio:.0f}:1）/ suspicious compression ratio",
                )
        if total > DOCX_MAX_UNCOMPRESSED:
            raise ReviewInputError(
                "docx_bomb",
                f"DOCX 解压后过大（{_mb(total)}）/ DOCX expands to {_mb(total)}",
            )
        try:
            info = zf.getinfo("word/document.xml")
        except KeyError:
            raise ReviewInputError(
                "bad_docx", "DOCX 缺少 word/document.xml / not a Word document"
            ) from None
        reader = _DocxText()
        read = 0
        try:
            with zf.open(info) as fh:
                while True:
                    chunk = fh.read(256 * 1024)
                    if not chunk:
                        break
                    read += len(chunk)
                    if read > info.file_size or read > DOCX_MAX_UNCOMPRESSED:
                        raise ReviewInputError(
                            "docx_bomb",
                            "DOCX 实际解压大小超出声明 / DOCX inflates beyond its declared size",
                        )
                    reader.parser.Parse(chunk, False)
                reader.parser.Parse(b"", True)
        except ReviewInputError:
            raise
        except expat.ExpatError as exc:
            raise ReviewInputError("bad_docx", f"DOCX XML 错误 / DOCX XML error: {exc}") from None
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
            raise ReviewInputError("bad_docx", f"DOCX 文件损坏 / corrupt DOCX: {exc}") from None
    return "\n".join(reader.lines)


# ---------------------------------------------------------------- PDF


def pdf_to_text(data: bytes) -> str:
    try:
        from pdfminer.high_level import extract_text
    except ImportError:  # pragma: no cover
        raise ReviewInputError(
            "pdf_unsupported", "未安装 pdfminer.six / pdfminer.six is not installed"
        ) from None
    try:
        text = extract_text(io.BytesIO(data))
    except Exception as exc:
        name = type(exc).__name__
        if "Encrypt" in name or "Password" in name:
            raise ReviewInputError("pdf_encrypted", "PDF 已加密 / PDF is encrypted") from None
        raise ReviewInputError("bad_pdf", f"PDF 无法解析 / cannot parse PDF ({name})") from None
    text = text.replace("\f", "\n")
    if not text.strip():
        raise ReviewInputError(
            "pdf_no_text", "PDF 没有文字层（可能是扫描件）/ PDF has no text layer (scanned?)"
        )
    return text


# ---------------------------------------------------------------- dispatch

_HTML_SNIFF = re.compile(rb"<\s*(!doctype\s+html|html|head|body|meta|div|p|table)\b", re.I)


def sniff_kind(data: bytes, filename: str = "") -> str:
    name = (filename or "").lower()
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return "docx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    if name.endswith((".html", ".htm", ".shtml", ".xhtml")):
        return "html"
    if name.endswith((".pdf",)):
        return "pdf"
    if name.endswith((".docx",)):
        return "docx"
    head = data[:2048]
    if (
        head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        or head.count(0) > len(head) // 4
    ):
        with contextlib.suppress(ReviewInputError):
            head = decode_bytes(data[:2048])[0].encode("utf-8", "ignore")
    if _HTML_SNIFF.search(head.lstrip()[:200]) and head.lstrip().startswith(b"<"):
        return "html"
    return "txt"


def read_bytes(
    data: bytes, filename: str = "", *, max_bytes: int = DEFAULT_MAX_BYTES
) -> ReadResult:
    if data is None:
        raise ReviewInputError("empty", "空输入 / empty input")
    if len(data) > max_bytes:
        raise ReviewInputError(
            "too_large", f"文件过大（{_mb(len(data))}，上限 {_mb(max_bytes)}）/ file too large"
        )
    if not data.strip():
        raise ReviewInputError("empty", "文件为空 / the file is empty")
    kind = sniff_kind(data, filename)
    if kind == "pdf":
        return ReadResult(pdf_to_text(data), "pdf")
    if kind == "docx":
        return ReadResult(docx_to_text(data), "docx")
    if kind == "doc":
        raise ReviewInputError(
            "unsupported", "不支持旧版 Word .doc，请另存为 .docx / legacy .doc is not supported"
        )
    if kind == "html":
        text, enc = html_to_text(data)
        return ReadResult(text, "html", enc)
    text, enc = decode_bytes(data)
    if "\x00" in text:
        raise ReviewInputError("binary", "不是文本文件 / the file is binary, not text")
    return ReadResult(text, "txt", enc)


def read_path(path: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[bytes, str]:
    import os

    try:
        size = os.path.getsize(path)
    except OSError as exc:
        raise ReviewInputError(
            "not_found", f"无法打开文件 / cannot open {path}: {exc.strerror}"
        ) from None
    if size > max_bytes:
        raise ReviewInputError(
            "too_large", f"文件过大（{_mb(size)}，上限 {_mb(max_bytes)}）/ file too large"
        )
    try:
        with open(path, "rb") as fh:
            return fh.read(max_bytes + 1), path
    except OSError as exc:
        raise ReviewInputError(
            "not_found", f"无法打开文件 / cannot open {path}: {exc.strerror}"
        ) from None
