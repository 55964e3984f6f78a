"""Pure calculators behind the F01 eligibility checklist.

Standard library only (no Django, no ORM), so the rules engine and the tests can
import them anywhere. One module per concept; every scoring constant lives in the
module of its instrument, so a correction to a published value is a one-line change.
Sources and the [R]/[I] marks: /work/shared/reference/clinical-instruments.md §3.
"""
