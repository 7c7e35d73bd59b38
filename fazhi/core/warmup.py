"""Build, once in the gunicorn master, what every worker would otherwise build on its
first requests (deploy/gunicorn.conf.py ``when_ready``; docs/BENCH.md, docs/DEPLOY.md).

With ``preload_app`` the master imports Django and the settings, but Django imports the
URLconf, and with it every app's views and the whole API (django-ninja routers and their
pydantic schemas), only when the first request is resolved, and compiles each template
the first time it is rendered. Done in each worker, that cost 2.5 s of CPU for the URLs
and 0.5 s for the templates per worker, again after every ``max_requests`` recycle: at
the working day's pace, the workers spent most of their CPU importing. Done here, the
workers are forked with it in place and share its memory copy-on-write.
"""

from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger(__name__)


def warm() -> dict[str, int]:
    """Populate the URL resolver (every urls module, view and API schema) and compile every
    template the template engines can find. Returns what was done, for the log."""
    from django.template import TemplateSyntaxError, engines
    from django.urls import get_resolver

    resolver = get_resolver()
    resolver._populate()  # noqa: SLF001 — Django's own lazy build, done now instead of per worker
    done = {"templates": 0, "template_errors": 0}
    for engine in engines.all():
        for directory in engine.template_dirs:
            root = Path(directory)
            for path in sorted(root.rglob("*.html")) + sorted(root.rglob("*.txt")):
                name = path.relative_to(root).as_posix()
                try:
                    engine.get_template(name)
                except (TemplateSyntaxError, LookupError, ImportError, UnicodeDecodeError):
                    # a third-party template that needs something not installed here:
                    # it would fail the same way when rendered, so leave it to then
                    done["template_errors"] += 1
                else:
                    done["templates"] += 1
    return done
