"""Pages go compressed to a browser that accepts it (phones on weak mobile data): Django's GZip
middleware, whose random padding per response mitigates BREACH; nothing changes for one that does not."""

import gzip

from django.urls import reverse


def test_a_page_is_sent_compressed_when_the_browser_accepts_gzip(client, peacekeeper, jamal):
    client.force_login(peacekeeper)
    plain = client.get(reverse("outreach:client_list"))
    packed = client.get(reverse("outreach:client_list"), headers={"accept-encoding": "gzip, deflate, br"})
    assert "Content-Encoding" not in plain and packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    html = gzip.decompress(packed.content).decode()
    assert jamal.full_name in html and len(packed.content) < len(plain.content) / 2


def test_the_sign_in_page_is_compressed_too(client, db):
    response = client.get(reverse("login"), headers={"accept-encoding": "gzip"})
    assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
