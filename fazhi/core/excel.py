"""Excel (and CSV) ledgers in and out.

Export: ``export_xlsx(title, headers, rows) -> bytes`` in the ledger layout staff use
(one row per record, Chinese headers, frozen header row). A ledger leaves the system only
through ``export_response`` (a page's download) or ``export_file`` (the command line),
which write its one ``export`` audit row (ledger, row count, filters); nothing else
answers an Excel download.

Import: ``read_table(data, filename, columns)`` reads .xlsx or .csv (UTF-8 or GB18030),
matches columns by their Chinese header (or any alias), parses each cell with the
column's parser and returns ``(rows, errors)``; each error names the row number as
Excel shows it, the column and the reason. Callers import nothing when there are
errors (all-or-nothing per file) unless they choose to report and skip. Hostile files
(zip bombs, too many entries or rows, not a spreadsheet) are refused with InvalidInput.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from .attachments import check_ooxml
from .cells import safe_cell
from .errors import InvalidInput

MAX_IMPORT_BYTES = 20 * 1024 * 1024
MAX_IMPORT_ROWS = 200_000
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_xlsx(
    title: str, headers: list[str], rows: Iterable[list], *, widths: list[int] | None = None
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook(write_only=True)
    # Sheet names may not hold /\?*[]: (the title “督察/自查” was a 500).
    sheet = re.sub(r"[\\/?*\[\]:]", "-", title)[:31] or "台账"
    ws = wb.create_sheet(title=sheet)
    ws.freeze_panes = "A2"
    for i, w in enumerate(widths or [max(10, min(40, len(h) * 2 + 4)) for h in headers], start=1):
        from openpyxl.utils import get_column_letter

        ws.column_dimensions[get_column_letter(i)].width = w
    head = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=h)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEEEEE")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        head.append(cell)
    ws.append(head)
    from . import pii

    # identifiers typed into free text, masked unless the exporting user may reveal them all
    mask = pii.mask_free_text if pii.current_masks_free_text() else (lambda v: v)
    for row in rows:
        ws.append([_cell_value(mask(v)) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cell_value(v):
    if isinstance(v, dt.datetime):
        return v.replace(tzinfo=None)
    return safe_cell(v)  # no formula injection from user text (the CSV writers use it too)


class _Counted:
    def __init__(self, rows: Iterable[list]):
        self.rows, self.n = rows, 0

    def __iter__(self):
        for row in self.rows:
            self.n += 1
            yield row


def _audit_export(title: str, n: int, *, user=None, unit=None, obj=None, detail=None) -> None:
    from . import audit

    audit.record(
        audit.E.EXPORT,
        user=user,
        unit=unit,
        obj=obj,
        detail={"ledger": title, "rows": n, **(detail or {})},
    )


def export_response(
    request,
    title: str,
    headers: list[str],
    rows: Iterable[list],
    *,
    filename: str | None = None,
    unit=None,
    detail: dict | None = None,
    widths: list[int] | None = None,
) -> HttpResponse:
    """A page's Excel download of a ledger, with its one ``export`` audit row."""
    counted = _Counted(rows)
    data = export_xlsx(title, headers, counted, widths=widths)
    query = request.GET.urlencode()[:300]
    _audit_export(
        title, counted.n, user=request.user, unit=unit, detail={"query": query, **(detail or {})}
    )
    response = HttpResponse(data, content_type=XLSX_MIME)
    response["Content-Disposition"] = content_disposition_header(True, filename or f"{title}.xlsx")
    return response


def export_file(
    path, title: str, headers: list[str], rows: Iterable[list], *, unit=None, user=None
) -> int:
    """The command line's Excel export of a ledger to ``path``, with its one ``export`` audit
    row. Returns the number of rows written."""
    from pathlib import Path

    counted = _Counted(rows)
    data = export_xlsx(title, headers, counted)
    Path(path).write_bytes(data)
    from . import context

    channel = "cli" if context.current().channel == "system" else context.current().channel
    with context.acting(user or context.current().user, channel=channel):
        _audit_export(title, counted.n, user=user, unit=unit, detail={"file": str(path)[-200:]})
    return counted.n


@dataclass
class Column:
    key: str
    header: str
    required: bool = False
    parse: Callable[[object], object] | None = None
    aliases: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"第{self.row}行" + (f"“{self.column}”" if self.column else "") + f"：{self.message}"


def read_table(
    data: bytes, filename: str, columns: list[Column], *, max_rows: int = MAX_IMPORT_ROWS
):
    if len(data) > MAX_IMPORT_BYTES:
        raise InvalidInput(
            f"文件超过 {MAX_IMPORT_BYTES // (1024 * 1024)} MB 上限", code="too_large"
        )
    if not data:
        raise InvalidInput("文件为空", code="empty")
    name = (filename or "").lower()
    if data.startswith(b"PK\x03\x04"):
        if check_ooxml(data) != "xlsx":
            raise InvalidInput("请上传 Excel（.xlsx）或 CSV 文件", code="bad_type")
        from .sandbox import run_limited

        raw_rows = run_limited(_xlsx_rows, data, max_rows)
    elif name.endswith(".csv") or name.endswith(".txt") or not name:
        raw_rows = _csv_rows(data, max_rows)
    else:
        raise InvalidInput("请上传 Excel（.xlsx）或 CSV 文件", code="bad_type")
    return parse_rows(raw_rows, columns)


def _xlsx_rows(data: bytes, max_rows: int) -> list[tuple[int, list]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        ws = wb.worksheets[0]
        rows = []
        for i, row in enumerate(ws.iter_rows(values_only=True), start=1):
            if i > max_rows + 1:
                raise InvalidInput(f"行数超过上限 {max_rows}", code="too_many_rows")
            rows.append((i, list(row)))
        wb.close()
        return rows
    except InvalidInput:
        raise
    except Exception:
        raise InvalidInput("Excel 文件已损坏或格式不正确，无法读取", code="bad_file")


def _csv_rows(data: bytes, max_rows: int) -> list[tuple[int, list]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InvalidInput("CSV 文件编码无法识别（应为 UTF-8 或 GBK）", code="bad_encoding")
    rows = []
    try:
        for i, row in enumerate(csv.reader(io.StringIO(text)), start=1):
            if i > max_rows + 1:
                raise InvalidInput(f"行数超过上限 {max_rows}", code="too_many_rows")
            rows.append((i, row))
    except csv.Error:
        raise InvalidInput("CSV 文件格式不正确", code="bad_file")
    return rows


def _norm(h) -> str:
    return str(h or "").strip().replace(" ", "").replace("\u3000", "").replace("*", "")


def parse_rows(raw_rows: list[tuple[int, list]], columns: list[Column]):
    if not raw_rows:
        raise InvalidInput("文件中没有数据", code="empty")
    header_no, header = raw_rows[0]
    index: dict[str, int] = {}
    names = [_norm(h) for h in header]
    for col in columns:
        for candidate in (col.header, *col.aliases):
            if _norm(candidate) in names:
                index[col.key] = names.index(_norm(candidate))
                break
    missing = [c.header for c in columns if c.required and c.key not in index]
    if missing:
        raise InvalidInput("缺少必需的列：" + "、".join(missing), code="missing_columns")
    rows: list[dict] = []
    errors: list[RowError] = []
    for number, raw in raw_rows[1:]:
        if all(v is None or str(v).strip() == "" for v in raw):
            continue
        parsed: dict = {"_row": number}
        for col in columns:
            i = index.get(col.key)
            value = raw[i] if i is not None and i < len(raw) else None
            if isinstance(value, str):
                value = value.strip()
            if value in (None, ""):
                if col.required:
                    errors.append(RowError(number, col.header, "不能为空"))
                parsed[col.key] = None
                continue
            try:
                parsed[col.key] = col.parse(value) if col.parse else value
            except (ValueError, TypeError, InvalidOperation) as exc:
                errors.append(RowError(number, col.header, str(exc) or "格式不正确"))
        rows.append(parsed)
    return rows, errors


# Common cell parsers: each raises ValueError with a Chinese message.
def parse_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")
    text = text.replace("年", "-").replace("月", "-").replace("日", "")
    try:
        y, m, d = (int(p) for p in text.split(" ")[0].split("-")[:3])
        return dt.date(y, m, d)
    except (ValueError, TypeError):
        raise ValueError(f"日期“{value}”格式不正确（应为 YYYY-MM-DD）")


def parse_datetime(value) -> dt.datetime:
    from django.utils import timezone

    if isinstance(value, dt.datetime):
        return timezone.make_aware(value) if timezone.is_naive(value) else value
    text = str(value).strip().replace("/", "-")
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return timezone.make_aware(dt.datetime.combine(parse_date(value), dt.time(9, 0)))
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def parse_int(value) -> int:
    try:
        f = float(str(value).replace(",", ""))
    except ValueError:
        raise ValueError(f"“{value}”不是整数")
    if f != int(f):
        raise ValueError(f"“{value}”不是整数")
    return int(f)


def parse_at_least(minimum: int, message: str) -> Callable[[object], int]:
    """A parser of a whole number refusing one below ``minimum`` with ``message``."""

    def parse(value) -> int:
        n = parse_int(value)
        if n < minimum:
            raise ValueError(message)
        return n

    return parse


def parse_decimal(value) -> Decimal:
    try:
        return Decimal(str(value).replace(",", "").replace("元", "").strip())
    except InvalidOperation:
        raise ValueError(f"“{value}”不是数字")


def parse_choice(choices) -> Callable[[object], str]:
    """A parser accepting a TextChoices value or its Chinese label."""
    by_label = {str(label): value for value, label in choices.choices}
    values = set(choices.values)

    def parse(value) -> str:
        text = str(value).strip()
        if text in values:
            return text
        if text in by_label:
            return by_label[text]
        raise ValueError(f"“{text}”不是有效选项（可选：{'、'.join(by_label)}）")

    return parse


def parse_bool(value) -> bool:
    text = str(value).strip().lower()
    if text in ("是", "1", "true", "yes", "y", "√", "满意"):
        return True
    if text in ("否", "0", "false", "no", "n", "×", "不满意"):
        return False
    raise ValueError(f"“{value}”应为“是”或“否”")
