from django.apps import AppConfig


class OpennessConfig(AppConfig):
    name = "fazhi.openness"
    verbose_name = "政务公开"
