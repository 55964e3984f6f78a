"""The signed checklist as a PDF: a real PDF holding the record, every criterion, the
signature manifestation and the snapshot hash; logged as an eligibility access; it fetches nothing."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from screening.checklist import pdf
from screening.checklist.evaluation import evaluate_record
from screening.models import EligibilityAccess
from screening.signatures import signing

from .factories import PASSWORD


def pdf_text(data):
    """The text a reader of the PDF sees, page after page, whitespace collapsed."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages), len(reader.pages)


def test_the_pdf_of_a_signed_record_is_logged_and_carries_the_signature(client, monitor, investigator, eligible):
    digest = evaluate_record(eligible).digest
    signing.sign(eligible, investigator, PASSWORD, "eligible", digest)
    client.force_login(monitor)
    response = client.get(reverse("eligibility_pdf", args=[eligible.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="eligibility-{eligible.screening_number}.pdf"'
    assert response.content.startswith(b"%PDF-") and b"%%EOF" in response.content[-64:]
    access = EligibilityAccess.objects.filter(record=eligible, channel=EligibilityAccess.PDF).get()
    assert access.user == monitor and access.snapshot_hash == digest
    text, pages = pdf_text(response.content)
    assert pages >= 2  # 57 criteria do not fit on one A4 page
    assert eligible.screening_number in text and "INC-01" in text and "EXC-" in text
    assert digest[:16] in text.replace(" ", "")  # the hash may wrap across lines
    signature = eligible.signatures.get()
    assert f"Signed by {signature.printed_name}" in text and signature.get_meaning_display()[:20] in text
    assert f"Page 1 of {pages}" in text
    assert "on hover" not in text and "the time zone of site" in text  # paper has no hover


def test_the_document_fetches_no_url():
    for url in ("http://169.254.169.254/latest/meta-data/", "file:///etc/passwd", "data:text/plain,x"):
        with pytest.raises(ValueError, match="disallowed protocol"):
            pdf.no_fetching().fetch(url)
    # An image or stylesheet in the page is simply not loaded: the PDF is still made.
    data = pdf.checklist_pdf('<p>x</p><img src="http://127.0.0.1:1/x.png"><link rel="stylesheet" href="file:///etc/passwd">',
                             "T")
    assert data.startswith(b"%PDF-") and "root:" not in pdf_text(data)[0]


def test_another_sites_record_has_no_pdf(client, make_user, site_b, eligible):
    from screening.models.sites import MONITOR

    client.force_login(make_user(MONITOR, site_b))
    assert client.get(reverse("eligibility_pdf", args=[eligible.pk])).status_code == 404
    assert not EligibilityAccess.objects.filter(channel=EligibilityAccess.PDF).exists()


def test_the_eligibility_page_offers_the_pdf(client, monitor, eligible):
    client.force_login(monitor)
    body = client.get(reverse("eligibility", args=[eligible.pk])).content.decode()
    assert reverse("eligibility_pdf", args=[eligible.pk]) in body

