"""Compare several reviewed reports side by side."""

from __future__ import annotations

import html
import re

from .sections import STATUTORY_NAMES

_STRIP = re.compile(
    r"^(?:开展|组织|举办|共|累计|全年|各类|各种|现场|成功|依法|积极|完成|办理)+|[的了]"
)


def _key(subject: str | None) -> str:
    return _STRIP.sub("", subject or "")


def _bigrams(s: str) -> set[str]:
    return {s[i : i + 2] for i in range(len(s) - 1)} or {s}


def _similar(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    if a in b or b in a:
        return 1.0
    x, y = _bigrams(a), _bigrams(b)
    return len(x & y) / len(x | y)


def compare(results: list[dict], *, threshold: float = 0.5) -> dict:
    files = [r.get("file") for r in results]
    ok_results = [r for r in results if "error" not in r]
    sections = {}
    for r in ok_results:
        present = sorted(
            {s["statutory"] for s in r["sections"] if s.get("part") and s["statutory"]}
        )
        sections[r["file"]] = {"present": present, "missing": r["missing"]}
    codes: list[str] = []
    for r in ok_results:
        for c in r["checks"]:
            if c["code"] not in codes:
                codes.append(c["code"])
    checks = {
        code: {
            r["file"]: next((c["ok"] for c in r["checks"] if c["code"] == code), None)
            for r in ok_results
        }
        for code in codes
    }
    # figures: cluster by (mechanism, unit) and subject similarity
    rows: list[dict] = []
    for r in ok_results:
        for f in r["facts"]:
            if f.get("kind", "result") != "result":
                continue  # targets and thresholds are not results to compare
            k = _key(f.get("subject"))
            best = None
            best_sim = threshold
            for row in rows:
                if row["mechanism"] != f["mechanism"] or row["unit"] != f["unit"]:
                    continue
                sim = _similar(row["key"], k)
                if sim >= best_sim and r["file"] not in row["values"]:
                    best, best_sim = row, sim
            if best is None:
                best = {
                    "mechanism": f["mechanism"],
                    "unit": f["unit"],
                    "key": k,
                    "subject": f.get("subject"),
                    "values": {},
                }
                rows.append(best)
            best["values"][r["file"]] = {
                "value": f["value"],
                "approx": f["approx"],
                "text": f["text"],
            }
    rows.sort(key=lambda row: (-len(row["values"]), row["mechanism"], row["key"]))
    return {
        "files": files,
        "errors": {r.get("file"): r["error"] for r in results if "error" in r},
        "meta": {r["file"]: r["meta"] for r in ok_results},
        "sections": sections,
        "checks": checks,
        "scores": {r["file"]: r["score"] for r in ok_results},
        "figures": rows,
    }


def _v(cell: dict | None) -> str:
    if not cell:
        return "-"
    v = cell["value"]
    return ("约" if cell["approx"] else "") + (f"{v:,}" if isinstance(v, int) else f"{v:g}")


def render_compare_text(cmp: dict) -> str:
    files = [f for f in cmp["files"] if f in cmp["sections"]]
    out = ["文件: " + " | ".join(f"[{i + 1}] {f}" for i, f in enumerate(files))]
    for f, err in cmp["errors"].items():
        out.append(f"错误 {f}: {err['message']}")
    out.append("法定部分:")
    for n in range(1, 6):
        marks = " ".join("✓" if n in cmp["sections"][f]["present"] else "✗" for f in files)
        out.append(f"  {n}.{STATUTORY_NAMES[n][:12]:<12} {marks}")
    out.append("检查:")
    for code, per in cmp["checks"].items():
        out.append(
            f"  {code:<22} "
            + " ".join({True: "✓", False: "✗", None: "?"}[per.get(f)] for f in files)
        )
    out.append(
        "得分: " + " ".join(f"{cmp['scores'][f]['total']}/{cmp['scores'][f]['max']}" for f in files)
    )
    out.append("数据（机制 · 事项 · 单位: 各文件数值）:")
    for row in cmp["figures"]:
        vals = " | ".join(_v(row["values"].get(f)) for f in files)
        out.append(f"  {row['mechanism']} · {row['subject'] or '-'} · {row['unit']}: {vals}")
    return "\n".join(out) + "\n"


def render_compare_html(cmp: dict) -> str:
    e = html.escape
    files = [f for f in cmp["files"] if f in cmp["sections"]]
    head = "".join(f"<th>{e(str(f))}</th>" for f in files)
    parts = [f"<h2>法定部分</h2><table><tr><th></th>{head}</tr>"]
    for n in range(1, 6):
        cells = "".join(
            "<td>✓</td>" if n in cmp["sections"][f]["present"] else "<td class=bad>✗</td>"
            for f in files
        )
        parts.append(f"<tr><th>{n}. {e(STATUTORY_NAMES[n])}</th>{cells}</tr>")
    parts.append(f"</table><h2>检查</h2><table><tr><th></th>{head}</tr>")
    for code, per in cmp["checks"].items():
        cells = "".join(
            f"<td>{ {True: '✓', False: '✗', None: '?'}[per.get(f)] }</td>" for f in files
        )
        parts.append(f"<tr><th>{e(code)}</th>{cells}</tr>")
    parts.append(
        f"</table><h2>数据</h2><table><tr><th>机制</th><th>事项</th><th>单位</th>{head}</tr>"
    )
    for row in cmp["figures"]:
        cells = "".join(f"<td>{e(_v(row['values'].get(f)))}</td>" for f in files)
        parts.append(
            f"<tr><td>{e(row['mechanism'])}</td><td>{e(row['subject'] or '-')}</td><td>{e(row['unit'])}</td>{cells}</tr>"
        )
    parts.append("</table>")
    return (
        "<!doctype html><html lang=zh-Hans><head><meta charset=utf-8><title>报告比较</title>"
        "<style>table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px}.bad{color:#b00}</style>"
        f"</head><body>{''.join(parts)}</body></html>\n"
    )
