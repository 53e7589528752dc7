import pytest

pytestmark = pytest.mark.django_db


def test_pages_render(fd, login):
    contact = fd.contact()
    client = login(fd.worker)
    for url in [
        "/front-door/",
        "/front-door/contacts/new/",
        f"/front-door/contacts/{contact.pk}/",
        f"/front-door/contacts/{contact.pk}/edit/",
        "/front-door/requests/",
    ]:
        r = client.get(url)
        assert r.status_code == 200, url
