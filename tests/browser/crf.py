"""Filling CRF sections in the browser, field by field, as a coordinator would."""

from screening.loader import form_value


def fill_fields(page, values, prefix=""):
    for name, value in values.items():
        field = page.locator(f'[name="{prefix}{name}"]')
        tag = field.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
        if tag.startswith("select"):
            field.select_option(_text(value))
        elif tag.endswith("checkbox"):
            # From the keyboard, as a coordinator tabbing through the row would.
            if field.is_checked() != bool(value):
                field.focus()
                field.press("Space")
        else:
            field.fill(_text(value))


def _text(value):
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return form_value(None, value)


def fill_rows(page, prefix, rows):
    for i, row in enumerate(rows):
        if i > 0:
            page.click(f'[data-add-row="{prefix}"]')
        fill_fields(page, row, prefix=f"{prefix}-{i}-")


def save(page):
    page.get_by_role("button", name="Save section").click()
