from django.apps import AppConfig


class LedgerAppConfig(AppConfig):
    name = "tests.ledgerapp"
    label = "ledgerapp"
