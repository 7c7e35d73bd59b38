from django.apps import AppConfig


class LedgersConfig(AppConfig):
    name = "fazhi.ledgers"
    label = "ledgers"
    verbose_name = "台账框架"
