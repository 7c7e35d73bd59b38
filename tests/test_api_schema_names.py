"""Ninja names OpenAPI components after Schema classes: two routers with a same-named class
would silently share one component (and one would document the other's response)."""

import collections
import importlib
import inspect

from django.apps import apps
from ninja import Schema


def test_schema_class_names_are_unique_across_apps():
    seen = collections.defaultdict(set)
    for config in apps.get_app_configs():
        if not config.name.startswith("fazhi."):
            continue
        for mod in ("api",):
            try:
                module = importlib.import_module(f"{config.name}.{mod}")
            except ModuleNotFoundError:
                continue
            for name, obj in vars(module).items():
                if (
                    inspect.isclass(obj)
                    and issubclass(obj, Schema)
                    and obj.__module__ == module.__name__
                ):
                    seen[name].add(module.__name__)
    assert {k: v for k, v in seen.items() if len(v) > 1} == {}
