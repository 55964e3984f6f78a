"""HTML built in Python for the long tables (eligibility rows, audit trail rows) and the CRF widgets.

Django's escape() and format_html() go through a lazy-string wrapper that was
most of the cost of those tables; html.escape is what escape() calls.
"""

import html


def e(value):
    """Escaped text, as {{ value }} renders it (safe strings pass unchanged)."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))
