"""Every page's head: a description for search engines and an icon, so that a browser's request for
/favicon.ico is answered (a 404 there is a console error on every first visit)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_favicon_ico_leads_to_the_icon_the_pages_link(client, plan):
    page = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in page
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/img/favicon.svg"


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "The Prague Process portal: the Action Plan"), ("ru", "Портал Пражского процесса")],
)
def test_every_page_has_a_description_in_its_language(client, plan, language, words):
    assert client.post("/i18n/setlang/", {"language": language, "next": "/"}).status_code == 302
    for url in ("/", "/plans/2012-2016/", "/parties/"):
        assert f'<meta name="description" content="{words}' in client.get(url).content.decode()


def test_robots_txt_keeps_crawlers_to_the_public_pages(client, plan):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Disallow: /accounts/" in body and "Disallow: /admin/" in body
    assert "Disallow: /plans/" not in body and "Disallow: /parties/" not in body
