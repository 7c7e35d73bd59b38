from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "fazhi.reports"
    verbose_name = "年度报告"

    def ready(self) -> None:
        from fazhi.web import panels

        from . import dashboard

        # the indicator dashboard above the home page's cards (the shell imports no app)
        panels.register(
            panels.Panel(
                "dash",
                "reports/_dashboard.html",
                dashboard.context,
                scripts="reports/_dashboard_scripts.html",
            )
        )
