"""Signals core sends for the apps above it to act on.

Core knows no app by name: an app that keeps something derived from the data (the
indicators' cached values) connects a receiver here in its ``AppConfig.ready``.
"""

from __future__ import annotations

from django.dispatch import Signal

# The data was replaced wholesale without model signals: the demo's bulk load
# (``demo.build``) or a restore (``backup.restore``). Receivers drop what they derived
# from the data before it.
data_replaced = Signal()
