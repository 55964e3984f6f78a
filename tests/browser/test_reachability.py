"""Every control of every section page can be seen and clicked, at desktop and phone sizes.

For each visible form control, scrolled into view, the point at its centre must
be the control itself or its label: a table squeezed to nothing, a cell under
another element or a field off the side of the page fails here. The page must
not scroll sideways.
"""

import pytest

from screening.crf.sections import sections_for
from screening.exchange.demo import complete_record_data, create_record
from screening.models.sites import COORDINATOR
from tests.factories import PASSWORD

from .conftest import DESKTOP, PHONE, log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# Run in the page: the controls a person could not click, and the page's overflow.
UNREACHABLE = """() => {
  const bad = [];
  const controls = document.querySelectorAll("main input:not([type=hidden]), main select, main textarea, main button");
  for (const el of controls) {
    if (el.closest("template")) continue;
    el.scrollIntoView({block: "center", inline: "center", behavior: "instant"});
    const box = el.getBoundingClientRect();
    const what = (el.name || el.id || el.textContent.trim()) + " [" + el.tagName.toLowerCase() + "]";
    if (box.width < 4 || box.height < 4) { bad.push(what + " is " + box.width + "x" + box.height + " px"); continue; }
    const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
    const labels = Array.from(el.labels || []);
    if (!hit || !(hit === el || el.contains(hit) || labels.some(l => l === hit || l.contains(hit)))) {
      bad.push(what + " is covered by " + (hit ? hit.outerHTML.slice(0, 80) : "nothing"));
    }
  }
  window.scrollTo({top: 0, left: 0, behavior: "instant"});
  return {bad, sideways: document.documentElement.scrollWidth - window.innerWidth, count: controls.length};
}"""


def check_every_section(page, record):
    problems = []
    for section in sections_for(record):
        if section.judgement:  # the investigator's: read only, no controls, for a coordinator
            continue
        page.goto(f"/records/{record.pk}/sections/{section.key}/")
        found = page.evaluate(UNREACHABLE)
        assert found["count"] > 0, section.key
        problems += [f"{section.key}: {p}" for p in found["bad"]]
        if found["sideways"] > 0:
            problems.append(f"{section.key}: the page scrolls {found['sideways']} px sideways")
    return problems


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366", "390"])
@pytest.mark.parametrize("indication", ["SLE", "AAV", "IIM", "DCSSC"])
def test_every_control_of_every_section_can_be_reached(new_page, make_user, site_a, indication, viewport):
    coordinator = make_user(COORDINATOR, site_a, username="cora")
    values, data = complete_record_data(indication)
    data["sections"].pop("judgement")
    empty = {"sections": {}, "labs": [], "medications": [], "events": [], "pfts": [], "mrss": [], "bvas_items": []}
    new_record = create_record(site_a, coordinator, dict(values, initials="NW"), empty)
    full_record = create_record(site_a, coordinator, values, data)

    page = new_page(viewport)
    log_in(page, "cora", PASSWORD)
    problems = check_every_section(page, new_record) + check_every_section(page, full_record)
    assert problems == []
