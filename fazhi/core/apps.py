from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "fazhi.core"
    verbose_name = "基础"

    def ready(self) -> None:
        from . import context, refusals, signals  # noqa: F401

        context.on_refusal(refusals.record)
