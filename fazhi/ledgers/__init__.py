"""One way to build a ledger (docs/architecture.md, "Ledgers").

A mechanism app declares each ledger once (``Ledger`` with ``Col``, ``Filt`` and ``F``
lists, its services, procedure and ``Importer``) and mounts ``pages.urlpatterns_for``,
``api.build_router`` and ``cli.build_command``: list, detail, create, edit, Excel out
and in, the API and the CLI come from the declaration, so they agree.
"""


def all_ledgers() -> list:
    """Every ledger declared by an installed app (``<app>/ledgers.py``'s ``LEDGERS``, a
    list or a dict by key)."""
    import importlib

    from django.apps import apps

    from .declare import Ledger

    out = []
    for config in apps.get_app_configs():
        if not config.name.startswith("fazhi."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.ledgers")
        except ModuleNotFoundError as exc:
            if exc.name == f"{config.name}.ledgers":
                continue
            raise
        declared = getattr(module, "LEDGERS", [])
        if isinstance(declared, dict):  # by key: {"dispute": Ledger(…), …}
            declared = declared.values()
        out.extend(lg for lg in declared if isinstance(lg, Ledger))
    return out
