"""Data management: queries on the data, source data verification, freezing of signed
records and the edit checks that raise queries themselves (docs/data-management.md).

Reads crf, checklist and signatures; nothing below imports it. It hears of saves
through crf.signals.crf_saved and of signatures through signatures.signals.record_signed
(connected in screening/apps.py); crf saving refuses a frozen record by its `frozen_at`.
"""
