from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "fazhi.review"
    verbose_name = "报告审阅"
