from django.apps import AppConfig


class HonoursConfig(AppConfig):
    name = "fazhi.honours"
    verbose_name = "荣誉与考核"
