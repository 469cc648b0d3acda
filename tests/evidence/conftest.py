"""A sent request of the example campaign with a reply filed to it: a three-page PDF whose third page alone
holds a phrase, and a body that names an officer (to be redacted)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from docket.campaigns.models import Campaign
from docket.documents.models import Attachment
from docket.mail.intake import ingest
from docket.mail.models import InboundMessage
from docket.requests import actions
from docket.requests.models import InfoRequest
from tests.samples import compile_typst, reply, typst_string
from tests.web.conftest import other_campaign, sent

__all__ = ["other_campaign"]  # a fixture of the workspace's tests, used here too

PAGES = [
    "Response Strategy. Introduction to the violence reduction partnership.",
    "Governance and funding of the partnership board.",
    "Our mentoring scheme for young people reaches every secondary school. Contact Jane Doe.",
]


def pdf_of_pages(pages: list[str]) -> bytes:
    body = "\n#pagebreak()\n".join(f"#{{{typst_string(text)}}}" for text in pages)
    return compile_typst(f'#set text(font: "Liberation Sans")\n{body}')


@dataclass
class Replied:
    campaign: Campaign
    request: InfoRequest
    message: InboundMessage
    strategy: Attachment


def reply_to(request: InfoRequest, body: str, attachments: list[tuple[str, str, bytes]]) -> InboundMessage:
    raw = reply(sender="pcc@hampshire-pcc.example", to="office@example", body=body, attachments=attachments)
    return ingest(raw, InboundMessage.Source.UPLOAD, request=request, actor=actions.Actor("test")).message


@pytest.fixture
def replied(example: Campaign) -> Replied:
    request = sent(actions.request_for(example.recipients.get(contact__full_name="Michael Lane")))
    message = reply_to(
        request,
        "Our officer Jane Doe leads the knife crime work. The strategy is attached.",
        [("Response Strategy.pdf", "application/pdf", pdf_of_pages(PAGES))],
    )
    return Replied(example, request, message, message.attachments.get())
