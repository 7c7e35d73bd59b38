"""The cache of one machine without Redis: diskcache's Django backend, kept open.

Django closes every cache when a request finishes (``request_finished`` →
``close_caches``). For diskcache that closes the SQLite connection of each of its shards,
and the next request opens them again: 3.7 % of the workers' samples in a working day
(docs/BENCH.md). Its connections are the worker's own, so they stay open between
requests here; :meth:`close_connections` closes them for real, which the gunicorn
master does before it forks (``deploy/gunicorn.conf.py``), so that no worker inherits a
connection another process also holds.
"""

from __future__ import annotations

from diskcache import DjangoCache


class DiskCache(DjangoCache):
    def close(self, **kwargs) -> None:
        """Kept open between requests (see the module's docstring)."""

    def close_connections(self) -> None:
        super().close()


def close_connections() -> None:
    """Close every cache's connections (before a fork)."""
    from django.core.cache import caches

    for cache in caches.all(initialized_only=True):
        getattr(cache, "close_connections", cache.close)()
