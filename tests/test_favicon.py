"""Every page has an icon, and browsers asking for /favicon.ico find it."""

from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse


def test_favicon_ico_redirects_to_the_svg_without_a_login(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == static("favicon.svg")
    assert finders.find("favicon.svg")


def test_pages_link_the_icon(client, coordinator):
    icon = f'<link rel="icon" href="{static("favicon.svg")}" type="image/svg+xml">'
    assert icon in client.get(reverse("login")).content.decode()
    client.force_login(coordinator)
    assert icon in client.get(reverse("record_list")).content.decode()
