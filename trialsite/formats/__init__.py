"""Date formats in text: YYYY-MM-DD everywhere (FORMAT_MODULE_PATH in settings).

A date or time that reaches a template without an explicit format (``{{ day }}``,
the admin) reads like every other date of the application, not "2 Dec 2026".
Input formats are left to Django's: the CRF's date inputs post ISO dates.
"""
