"""A body's public switchboard and mailbox (in the directory) stay; people's own numbers and addresses are redacted."""

from __future__ import annotations

import pytest

from docket.directory.models import Body
from docket.publishing.rules import redact_for
from docket.requests import actions

pytestmark = pytest.mark.django_db

SIGNATURE = (
    "Michael Lane, Police and Crime Commissioner. Switchboard: 01962 871595 (or +44 1962 871 595); "
    "VRU enquiries: vru.team@hampshire-pcc.example. My mobile: 07700 900123, "
    "my own address: michael.private@gmail.example. Thames Valley's office: 01865 541957."
)


def test_the_directory_s_switchboards_and_mailboxes_stay_and_people_s_details_go(example):
    request = actions.request_for(example.recipients.get(contact__full_name="Michael Lane"))
    before, _ = redact_for(SIGNATURE, request)
    assert "871595" not in before
    assert "vru.team@" not in before

    Body.objects.filter(pk=request.recipient.contact.body_id).update(
        phone="01962 871595", email="vru.team@hampshire-pcc.example"
    )
    Body.objects.filter(area="Thames Valley").update(phone="(01865) 541957")  # another body of the directory
    after, spans = redact_for(SIGNATURE, request)

    assert "Switchboard: 01962 871595 (or +44 1962 871 595)" in after
    assert "vru.team@hampshire-pcc.example" in after
    assert "Thames Valley's office: 01865 541957" in after
    assert "07700 900123" not in after
    assert "michael.private@gmail.example" not in after
    assert [span.reason for span in spans] == ["personal phone", "personal email"]
