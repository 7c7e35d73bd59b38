"""One way to build a ledger (docs/architecture.md, "Ledgers").

A mechanism app declares each ledger once (``Ledger`` with ``Col``, ``Filt`` and ``F``
lists, its services, procedure and ``Importer``) and mounts ``pages.urlpatterns_for``,
``api.build_router`` and ``cli.build_command``: list, detail, create, edit, Excel out
and in, the API and the CLI come from the declaration, so they agree.
"""
