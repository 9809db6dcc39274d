import pytest

pytestmark = pytest.mark.django_db


def test_the_me_tab_opens_a_page_not_a_404(client_a):
    response = client_a.get("/account/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "My orders" in page and "/distributor/" in page


def test_every_tab_of_the_storefront_bar_answers(client_a):
    for path in ("/", "/categories/", "/distributor/", "/account/"):
        assert client_a.get(path).status_code == 200, path
