"""Filling CRF pages in the browser as a person does: clicking what is visible
and typing with the keyboard. Never `fill()`, never a value set by script: a
field no one could reach makes these helpers fail, as it would stop a person.
(docs/browser-tests.md)
"""

import datetime

from screening.exchange.loader import form_value


def control(page, name):
    """The visible control posted under `name` (the first radio of a group)."""
    return page.locator(f'[name="{name}"]:not([type=hidden])').first


def type_into(locator, text):
    """Click into a text or number box, select what is there and type over it."""
    locator.scroll_into_view_if_needed()
    locator.click()
    locator.press("ControlOrMeta+a")
    if text == "":
        locator.press("Delete")
    else:
        locator.press_sequentially(text)


def type_date(locator, value):
    """Type a date into the browser's date box, segment by segment, in the order
    the box shows them: month, day, year (Debian's Chromium without its
    translations shows en-US boxes whatever the page's language)."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    locator.click(position={"x": 8, "y": box["height"] / 2})  # the first segment, not the picker button
    day = value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)
    locator.press_sequentially(f"{day:%m%d%Y}")
    typed = locator.input_value()
    assert typed == day.isoformat(), f"typed {day} into a date box, which now holds {typed!r}"


def choose(page, name, value):
    """Click the label of the radio button `value` of question `name`."""
    radio = page.locator(f'input[type=radio][name="{name}"][value="{value}"]')
    page.locator(f'label[for="{radio.get_attribute("id")}"]').click()


def set_field(page, name, value):
    field = control(page, name)
    kind = field.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
    text = _text(value)
    if kind.startswith("select"):
        field.scroll_into_view_if_needed()
        field.select_option(text)
    elif kind.endswith(":radio"):
        if text:
            choose(page, name, text)
    elif kind.endswith(":checkbox"):
        if field.is_checked() != bool(value):
            field.scroll_into_view_if_needed()
            field.click()
    elif kind.endswith(":date"):
        if value is not None:
            type_date(field, value)
    else:
        type_into(field, text)


def fill_fields(page, values, prefix=""):
    for name, value in values.items():
        set_field(page, f"{prefix}{name}", value)


def _text(value):
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return form_value(None, value)


def fill_rows(page, prefix, rows):
    """Fill the table's rows, clicking "Add a row" for each row after the first blank one."""
    for i, row in enumerate(rows):
        if page.locator(f'[name="{prefix}-{i}-{next(iter(row))}"]').count() == 0:
            page.locator(f'[data-add-row="{prefix}"]').click()
        fill_fields(page, row, prefix=f"{prefix}-{i}-")


def save(page):
    page.get_by_role("button", name="Save section").click()


def save_and_continue(page):
    page.get_by_role("button", name="Save and continue").click()
