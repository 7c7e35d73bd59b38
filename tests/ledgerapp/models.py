"""A minimal ledger used only by the tests of the shared machinery (history, scoping, attachments)."""

from django.db import models

from fazhi.core.crypto import BlindIndexField, EncryptedIdentifierField
from fazhi.core.history import history
from fazhi.core.models import LedgerModel


class Note(LedgerModel):
    title = models.CharField(max_length=100)
    amount = models.IntegerField(default=0)
    id_number = EncryptedIdentifierField("身份证号", kind="resident_id")
    id_number_bidx = BlindIndexField()
    phone = EncryptedIdentifierField("手机号", kind="mobile")

    history = history()

    def __str__(self):
        return self.title
