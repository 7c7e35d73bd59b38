from django.apps import AppConfig


class LegalserviceConfig(AppConfig):
    name = "fazhi.legalservice"
    verbose_name = "法律服务"
