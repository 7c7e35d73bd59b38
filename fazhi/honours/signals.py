"""What the honours ledger tells the apps that keep a title of their own.

``model_title_awarded``: an honour of kind 民主法治示范村/社区 was recorded as won (created
as 已获评, or its 获评 step taken). The publicity app keeps the model-village ledger and
connects a receiver that records the title there, linked to the honour; a receiver may
raise ``InvalidInput`` (the village already holds that level's title), which undoes the
whole step. Sent inside the caller's transaction with ``honour`` and ``actor``."""

from django.dispatch import Signal

model_title_awarded = Signal()
