from django.apps import AppConfig


class PublicityConfig(AppConfig):
    name = "fazhi.publicity"
    verbose_name = "普法"

    def ready(self):
        # A model-village title won in the honours ledger is recorded here too.
        from fazhi.honours.signals import model_title_awarded

        from .services import record_awarded_honour

        model_title_awarded.connect(
            record_awarded_honour, dispatch_uid="fazhi.publicity.record_awarded_honour"
        )
