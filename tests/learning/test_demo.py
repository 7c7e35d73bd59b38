"""The demo generators of the study and publicity ledgers, run on the demo county."""

import time

import pytest

from fazhi.core import demo
from fazhi.learning import services as learning
from fazhi.publicity import services as publicity

pytestmark = pytest.mark.django_db


def test_demo_year(monkeypatch):
    import fazhi.learning.demo as ldemo
    import fazhi.publicity.demo as pdemo

    # Only this issue's generators: the other apps' demo data is tested in their own suites.
    monkeypatch.setattr(demo, "_discover", lambda: None)
    monkeypatch.setattr(demo, "_GENERATORS", [(40, "l", ldemo.gen), (45, "p", pdemo.gen)])
    started = time.monotonic()
    ctx = demo.build(log=lambda s: None)
    elapsed = time.monotonic() - started
    assert elapsed < 30
    year = ctx.year
    for t in ctx.townships:
        assert 40 <= learning.indicator_sessions(t, year) <= 60
        rows = learning.hours_report(
            learning.Cadre.objects.filter(unit=t), year, rules=learning.rules_for(t)
        )
        assert any(r.hours < 40 for r in rows) and any(r.hours >= 40 for r in rows)
        rates = learning.exam_rates(t, year)
        assert rates.cadres > 0 and rates.participation_rate is not None
        assert 20 <= publicity.indicator_events(t, year) <= 40
        assert publicity.indicator_audience(t, year) > 0
    first = ctx.townships[0]
    assert [v.name for v in publicity.villages_without_liaison(first)] == ["河口村"]
    assert publicity.villages_without_model(ctx.county).exists()
    assert learning.session_summary(ctx.county, year)["leadership"] > 0
