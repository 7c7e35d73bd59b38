from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "fazhi.indicators"
    verbose_name = "指标"

    def ready(self) -> None:
        from fazhi.core import discovery

        from . import cache, definitions  # noqa: F401  (the core indicators register on import)

        # then each app's own, declared beside its report contribution
        discovery.autodiscover("report")
        cache.connect()
