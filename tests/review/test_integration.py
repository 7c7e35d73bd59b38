"""The review engine as users reach it: the page, the API and the fazhi CLI."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "seeds"
SEED_FILES = (
    sorted(SEEDS.glob("*.txt"))
    if SEEDS.exists()
    else sorted(
        (Path(__file__).resolve().parents[2] / "fazhi/review/engine/data/reference").glob("*.txt")
    )
)
KEYS = {"file", "meta", "sections", "missing", "facts", "checks"}
DRAFT = Path(__file__).resolve().parent / "data" / "fazhi_draft_dongfeng_2026.txt"
NEW_CHECKS = ("placeholders", "repeated_sentences", "heads_distinct")

pytestmark = pytest.mark.django_db


def _upload(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes())


def test_review_page(world, client_for):
    c = client_for(world.clerk_a)
    assert "开始审阅" in c.get("/review/").content.decode()
    html = c.post("/review/", {"file": _upload(SEED_FILES[2])}).content.decode()
    assert "审阅结果" in html and "publication_deadline" in html
    assert "第1部分" in html and "<mark" in html
    bad = c.post(
        "/review/", {"file": SimpleUploadedFile("x.docx", b"PK\x03\x04garbage")}
    ).content.decode()
    assert "无法审阅" in bad


def test_compare_page(world, client_for):
    c = client_for(world.clerk_a)
    html = c.post(
        "/review/compare/", {"files": [_upload(p) for p in SEED_FILES[:2]]}
    ).content.decode()
    assert "compare-table" in html and SEED_FILES[0].name in html
    one = c.post("/review/compare/", {"files": [_upload(SEED_FILES[0])]}).content.decode()
    assert "至少需要两份" in one


def test_review_api(world, api_for):
    api = api_for(world.clerk_a)
    resp = api.c.post("/api/v1/review/", {"file": _upload(SEED_FILES[0])})
    assert resp.status_code == 200
    body = resp.json()
    assert set(body) >= KEYS
    assert set(body["meta"]) >= {
        "units",
        "year",
        "signed",
        "published",
        "doc_number",
        "index_number",
        "title",
    }
    assert body["facts"] and {
        "text",
        "subject",
        "value",
        "unit",
        "approx",
        "mechanism",
        "start",
        "end",
    } <= set(body["facts"][0])
    bad = api.c.post("/api/v1/review/", {"file": SimpleUploadedFile("empty.txt", b"")})
    assert bad.status_code == 400 and bad.json()["error"]["code"]
    cmp = api.c.post("/api/v1/review/compare", {"files": [_upload(p) for p in SEED_FILES[:2]]})
    assert cmp.status_code == 200 and len(cmp.json()["files"]) == 2


def test_review_requires_login(client):
    assert client.post("/api/v1/review/", {}).status_code == 401


@pytest.mark.django_db(transaction=False)
def test_fazhi_review_cli(tmp_path):
    env = {**os.environ, "FAZHI_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "fazhi.settings"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    out = subprocess.run(
        [sys.executable, "-m", "fazhi.cli", "review", str(SEED_FILES[1]), "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr
    assert set(json.loads(out.stdout)) >= KEYS
    text = subprocess.run(
        [sys.executable, "-m", "fazhi.cli", "review", str(DRAFT), "--format", "text"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert text.returncode == 0, text.stderr
    assert "✗ placeholders" in text.stdout and "- （原因待填写）：第2部分" in text.stdout
    assert "✗ heads_distinct" in text.stdout and "不完整：有占位符未填写" in text.stdout
    assert "[目标]" in text.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "fazhi.cli", "review", str(tmp_path / "missing.txt")],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert bad.returncode != 0 and len(bad.stderr.strip().splitlines()) == 1


def test_review_page_shows_the_new_checks_with_their_items(world, client_for):
    c = client_for(world.clerk_a)
    html = c.post("/review/", {"file": _upload(DRAFT)}).content.decode()
    for code in NEW_CHECKS:
        assert f'data-check="{code}"' in html
    assert 'id="items-placeholders"' in html and html.count('href="#ph-') == 16
    assert 'id="ph-1"' in html and "（原因待填写）" in html
    assert 'id="items-heads_distinct"' in html and "书记、镇长的部分" in html
    assert "不完整：有占位符未填写" in html
    assert 'data-kind="target"' in html and "另有目标和阈值 9 个不计入" in html


def test_review_api_returns_the_new_checks(world, api_for):
    api = api_for(world.clerk_a)
    body = api.c.post("/api/v1/review/", {"file": _upload(DRAFT)}).json()
    checks = {c["code"]: c for c in body["checks"]}
    assert set(NEW_CHECKS) <= set(checks)
    ph = checks["placeholders"]
    assert ph["ok"] is False and len(ph["items"]) == 16
    assert set(ph["items"][0]) >= {"text", "start", "end", "section", "heading"}
    assert checks["shortcomings_concrete"]["ok"] is False
    assert body["score"]["complete"] is False and body["score"]["blocking"] == ["placeholders"]
    assert {f["kind"] for f in body["facts"]} == {"result", "target"}
