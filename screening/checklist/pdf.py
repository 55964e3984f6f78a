"""The signed checklist as a PDF document for the investigator site file (WeasyPrint).

The document is the print view's content with its own stylesheet. WeasyPrint may
fetch nothing: every URL in the page is refused (no request to this server, which
a sync worker would wait on forever, and no request elsewhere)."""

from django.contrib.staticfiles import finders

STYLESHEET = "css/checklist-pdf.css"


def no_fetching():
    """A URL fetcher that allows no protocol at all: WeasyPrint skips every resource."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=frozenset(), allow_redirects=False)


def checklist_pdf(html, title):
    from weasyprint import CSS, HTML  # a large import, needed by this download only

    fetcher = no_fetching()
    document = HTML(string=html, url_fetcher=fetcher, base_url="about:blank")
    with open(finders.find(STYLESHEET), encoding="utf-8") as css:
        stylesheet = CSS(string=css.read(), url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[stylesheet], pdf_identifier=title.encode(), uncompressed_pdf=False)
