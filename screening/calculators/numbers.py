"""Exact arithmetic on entered numbers.

A value typed as "1.65" must compare as 1.65, not as the nearest binary float:
1.65 / 1.1 in floats is 1.4999999999999998, which would fail a "≤ 1.5 × ULN" check
that the lab report passes. Calculators therefore turn each input into a Fraction
through its decimal text and round to a float only once, at the end.
"""

import math
from decimal import Decimal
from fractions import Fraction


def exact(value) -> Fraction:
    """The exact rational value of an int, float (by its shortest decimal text), Decimal or Fraction."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, Fraction)):
        raise ValueError(f"not a number: {value!r}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"not a finite number: {value!r}")
        return Fraction(repr(value))
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return Fraction(value)
