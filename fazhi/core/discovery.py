"""Finding what each app contributes: the one ``autodiscover`` of the project.

An app plugs into a shared registry by having a module of an agreed name: ``api`` (its
router), ``report`` (its report contribution and the indicators it states), ``reminders``,
``retention``, ``demo``. The registry's owner imports those modules through
``autodiscover`` (from its ``AppConfig.ready`` where the registry must be complete from the
start, or when it is first used); the modules register themselves on import. No registry
imports an app by name, so a new app plugs in by adding the module.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from types import ModuleType

from django.apps import apps
from django.utils.module_loading import module_has_submodule


def autodiscover(name: str, *, exclude: Iterable[str] = ()) -> list[ModuleType]:
    """Import ``<app>.<name>`` of every installed fazhi app that has one (its label not in
    ``exclude``), in ``INSTALLED_APPS`` order, and return the modules. Importing twice
    costs nothing (Python keeps the modules); an error inside a module is raised."""
    skipped = set(exclude)
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("fazhi.") or config.label in skipped:
            continue
        if module_has_submodule(config.module, name):
            found.append(importlib.import_module(f"{config.name}.{name}"))
    return found
