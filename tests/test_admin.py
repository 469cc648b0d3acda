"""Every admin page the office uses opens, and shows the example campaign's data."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from docket.campaigns.examples import load_example
from docket.campaigns.models import Recipient

pytestmark = pytest.mark.django_db

MODELS = [
    "directory.body",
    "directory.contact",
    "directory.tag",
    "campaigns.office",
    "campaigns.campaign",
    "campaigns.recipient",
]


@pytest.fixture
def admin_client(client):
    user = User.objects.create_superuser("admin@office.example", "admin@office.example", "pw")
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", MODELS)
def test_each_list_and_change_page_opens(admin_client, model):
    load_example("iasc-vru-2020")
    app, name = model.split(".")
    listing = admin_client.get(reverse(f"admin:{app}_{name}_changelist"))
    assert listing.status_code == 200
    assert admin_client.get(reverse(f"admin:{app}_{name}_add")).status_code == 200


def test_the_recipient_page_shows_per_recipient_fields_and_items(admin_client):
    load_example("iasc-vru-2020")
    recipient = Recipient.objects.get(contact__full_name="Michael Lane")
    page = admin_client.get(reverse("admin:campaigns_recipient_change", args=[recipient.pk])).content.decode()
    assert "knife crime" in page
    assert "Response Strategy" in page


def test_the_anonymous_public_is_sent_to_sign_in(client):
    response = client.get(reverse("admin:campaigns_campaign_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
