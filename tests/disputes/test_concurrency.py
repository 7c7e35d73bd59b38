"""Two people act on the same case at once (PostgreSQL row locks): one wins, nothing is lost."""

import threading

import pytest
from django.db import connection, connections

from fazhi.core.errors import Conflict, TransitionNotAllowed
from fazhi.core.models import TransitionRecord
from fazhi.disputes.models import Dispute
from fazhi.disputes.services import disputes as ds

from .helpers import dispute

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_concurrent_steps_one_wins(world):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    from fazhi.disputes.demo import ensure_categories

    ensure_categories()  # seeded by a data migration, which an earlier transactional test flushed
    d = dispute(world)
    d = ds.act(d, "assign", user=world.admin_a, data={"handler": world.mediator_a.pk})
    d = ds.act(d, "session", user=world.mediator_a, data={"notes": "x"})
    barrier = threading.Barrier(2)
    results = []

    def run(action, data):
        try:
            barrier.wait()
            ds.act(
                Dispute.objects.get(pk=d.pk),
                action,
                user=world.mediator_a,
                data=data,
                expected_version=d.version,
            )
            results.append("ok")
        except (Conflict, TransitionNotAllowed) as exc:
            results.append(exc.message)
        except Exception as exc:  # reported by the assertion below
            results.append(f"unexpected {type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=("terminate", {"reason": "refused"})),
        threading.Thread(
            target=run,
            args=(
                "agree",
                {"agreement_form": "oral", "agreement_text": "x", "resolved_level": "village"},
            ),
        ),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") == 1, results
    assert len(results) == 2 and any("已被他人修改" in r for r in results), results
    d.refresh_from_db()
    assert d.version == 3 and d.status in ("terminated", "agreed")
    assert TransitionRecord.objects.filter(object_id=str(d.pk)).count() == 3
