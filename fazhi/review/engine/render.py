"""Renderers for review results: json, csv (one row per fact), text, html."""

from __future__ import annotations

import csv
import html
import io
import json

from fazhi.core.cells import safe_row

from .sections import STATUTORY_NAMES

FORMATS = ("json", "csv", "html", "text")
_OK = {True: "✓", False: "✗", None: "?"}


def _as_list(results) -> list[dict]:
    return results if isinstance(results, list) else [results]


def render_json(results) -> str:
    return json.dumps(results, ensure_ascii=False, indent=2)


CSV_FIELDS = [
    "file",
    "mechanism",
    "subject",
    "value",
    "unit",
    "approx",
    "qualifier",
    "text",
    "start",
    "end",
    "kind",
]
KIND_NAMES = {
    "result": "结果",
    "target": "目标",
    "threshold": "阈值",
    "rank": "名次",
    "count": "部分数",
    "structure": "组成",
}
_BOUND = {"min": "≥", "max": "≤"}


def render_csv(results) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_FIELDS)
    for r in _as_list(results):
        if "error" in r:
            w.writerow(
                safe_row(
                    [
                        r.get("file"),
                        "ERROR",
                        r["error"].get("code"),
                        "",
                        "",
                        "",
                        "",
                        r["error"].get("message"),
                        "",
                        "",
                        "",
                    ]
                )
            )
            continue
        for f in r["facts"]:
            w.writerow(safe_row([r["file"]] + [f.get(k) for k in CSV_FIELDS[1:]]))
    return buf.getvalue()


def _fmt_value(f: dict) -> str:
    v = f["value"]
    s = f"{v:,}" if isinstance(v, int) else f"{v:g}"
    return _BOUND.get(f.get("bound"), "") + ("约" if f["approx"] else "") + s + f["unit"]


def results_of(facts: list[dict]) -> list[dict]:
    """Result figures only: targets and thresholds are figures of another kind."""
    return [f for f in facts if f.get("kind", "result") == "result"]


def _where(it: dict) -> str:
    w = f"第{it['section']}部分" if it.get("section") else "正文"
    if it.get("heading"):
        h = it["heading"]
        w += f"“{h[:24]}{'…' if len(h) > 24 else ''}”"
    return f"{w} @{it['start']}-{it['end']}"


def check_item_lines(c: dict) -> list[str]:
    """One line per item of a check that lists where (placeholders, repeats, heads)."""
    code = c["code"]
    out = []
    for it in c.get("items") or []:
        if code == "placeholders":
            out.append(f"{it['text']}：{_where(it)}")
        elif code == "repeated_sentences":
            out.append(
                f"“{it['text']}” ×{it['count']}：" + "；".join(_where(o) for o in it["occurrences"])
            )
        elif code in ("targets_as_results", "figures_with_subject"):
            out.append(f"“{it['statement']}”：{_where(it)}（{it['why']}）")
        elif code == "boilerplate":
            out.append(f"“{it['text'][:40]}”：{_where(it)}")
        elif code == "heads_distinct":
            out.append(
                f"“{it['text']}”（{it['length']}字）："
                + "；".join(f"{o['head']} @{o['start']}-{o['end']}" for o in it["occurrences"])
            )
    return out


def render_text(results) -> str:
    out = []
    for r in _as_list(results):
        out.append(f"== {r.get('file')}")
        if "error" in r:
            out.append(f"  错误 {r['error']['code']}: {r['error']['message']}")
            continue
        m = r["meta"]
        out.append(f"  标题: {m.get('title') or '-'}")
        out.append(
            f"  单位: {'、'.join(m.get('units') or []) or '-'}  年度: {m.get('year') or '-'}"
        )
        out.append(
            f"  落款: {m.get('signed') or '-'}  发布: {m.get('published') or '-'}  "
            f"文号: {m.get('doc_number') or '-'}  索引号: {m.get('index_number') or '-'}"
        )
        out.append("  部分:")
        for s in r["sections"]:
            if s.get("part"):
                tag = f"[{s['statutory']}]" if s["statutory"] else "[-]"
                out.append(f"    {tag} {s['heading']}")
        if r["missing"]:
            out.append("  缺少: " + "；".join(f"{n}.{STATUTORY_NAMES[n]}" for n in r["missing"]))
        res = results_of(r["facts"])
        other = [f for f in r["facts"] if f not in res]
        out.append(f"  数据 {len(res)} 个:")
        for f in res:
            out.append(f"    {f['mechanism']:<6} {f.get('subject') or '-'}: {_fmt_value(f)}")
        if other:
            out.append(f"  目标和阈值 {len(other)} 个（不计入数据）:")
            for f in other:
                out.append(
                    f"    [{KIND_NAMES.get(f['kind'], f['kind'])}] "
                    f"{f.get('subject') or '-'}: {_fmt_value(f)}"
                )
        out.append("  检查:")
        for c in r["checks"]:
            out.append(f"    {_OK[c['ok']]} {c['code']}: {c['reason']}")
            for line in check_item_lines(c):
                out.append(f"        - {line}")
        sc = r["score"]
        out.append(f"  得分: {sc['total']}/{sc['max']}  {sc.get('verdict', '')}".rstrip())
    return "\n".join(out) + "\n"


_CSS = """body{font-family:sans-serif;margin:1.5em;max-width:70em}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:2px 6px;vertical-align:top}.ok{color:#070}.bad{color:#b00}
.unk{color:#888}mark{background:#ffe58a}pre.t{white-space:pre-wrap;border:1px solid #ddd;padding:1em}"""


def _highlight(text: str, facts: list[dict]) -> str:
    out = []
    pos = 0
    for f in sorted(facts, key=lambda f: f["start"]):
        s, e = f["start"], f["end"]
        if s < pos:
            continue
        out.append(html.escape(text[pos:s]))
        title = html.escape(f"{f['mechanism']} · {f.get('subject') or ''}")
        out.append(f'<mark title="{title}">{html.escape(text[s:e])}</mark>')
        pos = e
    out.append(html.escape(text[pos:]))
    return "".join(out)


def render_html(results) -> str:
    e = html.escape
    body = []
    for r in _as_list(results):
        body.append(f"<h2>{e(str(r.get('file')))}</h2>")
        if "error" in r:
            body.append(f"<p class=bad>{e(r['error']['code'])}: {e(r['error']['message'])}</p>")
            continue
        m = r["meta"]
        rows = [
            ("标题", m.get("title")), ("单位", "、".join(m.get("units") or [])), ("年度", m.get("year")),
            ("落款日期", m.get("signed")), ("发布日期", m.get("published")),
            ("文号", m.get("doc_number")), ("索引号", m.get("index_number")),
        ]  # fmt: skip
        body.append(
            "<table>"
            + "".join(f"<tr><th>{k}</th><td>{e(str(v or '-'))}</td></tr>" for k, v in rows)
            + "</table>"
        )
        body.append("<h3>部分</h3><ul>")
        for s in r["sections"]:
            if s.get("part"):
                body.append(f"<li>[{s['statutory'] or '-'}] {e(s['heading'])}</li>")
        body.append("</ul>")
        if r["missing"]:
            body.append(
                "<p class=bad>缺少："
                + e("；".join(f"{n}.{STATUTORY_NAMES[n]}" for n in r["missing"]))
                + "</p>"
            )
        body.append("<h3>检查</h3><table><tr><th></th><th>检查</th><th>说明</th></tr>")
        for c in r["checks"]:
            cls = {True: "ok", False: "bad", None: "unk"}[c["ok"]]
            items = check_item_lines(c)
            ul = "<ul>" + "".join(f"<li>{e(x)}</li>" for x in items) + "</ul>" if items else ""
            body.append(
                f"<tr><td class={cls}>{_OK[c['ok']]}</td><td>{e(c['code'])}</td>"
                f"<td>{e(c['reason'])}{ul}</td></tr>"
            )
        sc = r["score"]
        body.append(f"</table><p>得分 {sc['total']}/{sc['max']} {e(sc.get('verdict', ''))}</p>")
        body.append(
            "<h3>数据</h3><table><tr><th>机制</th><th>事项</th><th>数值</th><th>类别</th>"
            "<th>原文</th></tr>"
        )
        for f in r["facts"]:
            body.append(
                f"<tr><td>{e(f['mechanism'])}</td><td>{e(f.get('subject') or '-')}</td>"
                f"<td>{e(_fmt_value(f))}</td><td>{e(KIND_NAMES.get(f.get('kind'), '结果'))}</td>"
                f"<td>{e(f['text'])}</td></tr>"
            )
        body.append("</table>")
        if "text" in r:
            body.append(f"<h3>原文</h3><pre class=t>{_highlight(r['text'], r['facts'])}</pre>")
    return (
        "<!doctype html><html lang=zh-Hans><head><meta charset=utf-8><title>报告审阅</title>"
        f"<style>{_CSS}</style></head><body>{''.join(body)}</body></html>\n"
    )


def render(results, fmt: str = "json") -> str:
    if fmt == "json":
        return render_json(results)
    if fmt == "csv":
        return render_csv(results)
    if fmt == "html":
        return render_html(results)
    if fmt == "text":
        return render_text(results)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
