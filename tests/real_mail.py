"""Messages as real senders write them: the headers Exchange, Gmail and a records office put in.

Built here (not committed as files) so that each header is visible where it is tested.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP

from tests.samples import text_pdf

__all__ = ["text_pdf"]

DATE = "Mon, 02 Nov 2020 10:00:00 +0000"


def _message(sender: str, to: str, subject: str, body: str, headers: dict[str, str]) -> EmailMessage:
    message = EmailMessage(policy=SMTP)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = DATE
    for name, value in headers.items():
        message[name] = value
    message.set_content(body)
    return message


def exchange_out_of_office(*, sender: str, to: str, in_reply_to: str = "<letter@docket.example>") -> bytes:
    """Exchange (Outlook on the web, Exchange Online): the "Automatic reply:" an absent person's mailbox sends."""
    return _message(
        f'"Lane, Michael" <{sender}>',
        to,
        "Automatic reply: Request for information: Violence Reduction Units",
        "I am currently out of the office with limited access to email, returning on Monday 9 November.\n"
        "For urgent matters please contact the office on 01962 871595.",
        {
            "Message-ID": "<AM6PR0502MB3928A1B2C3@AM6PR0502MB3928.eurprd05.prod.outlook.com>",
            "In-Reply-To": in_reply_to,
            "References": in_reply_to,
            "Thread-Topic": "Request for information: Violence Reduction Units",
            "Thread-Index": "AQHWsQ1x2y3z4A==",
            "Auto-Submitted": "auto-replied",
            "X-Auto-Response-Suppress": "All",
            "X-MS-Exchange-Inbox-Rules-Loop": sender,
            "X-MS-Has-Attach": "",
            "Content-Language": "en-GB",
        },
    ).as_bytes()


def gmail_vacation(*, sender: str, to: str, in_reply_to: str = "<letter@docket.example>") -> bytes:
    """Gmail's vacation responder: the subject is the letter's own, with "Re:"; the headers say what it is."""
    return _message(
        f"Paddy Tipping <{sender}>",
        to,
        "Re: Request for information: Violence Reduction Units",
        "Thank you for your email. I am away until 9 November and will read it on my return.",
        {
            "Message-ID": "<CAF=vacation+0b1c2d3e@mail.gmail.com>",
            "In-Reply-To": in_reply_to,
            "References": in_reply_to,
            "Auto-Submitted": "auto-replied",
            "Precedence": "bulk",
            "X-Autoreply": "yes",
        },
    ).as_bytes()


def acknowledgement(*, sender: str, to: str, in_reply_to: str = "<letter@docket.example>") -> bytes:
    """A records office's acknowledgement, written by a person: no automatic headers, nothing attached."""
    return _message(
        f"Information Requests <{sender}>",
        to,
        "Re: Request for information: Violence Reduction Units",
        "Dear Sir or Madam,\n\nThank you for your request for information, which we received on 2 November. "
        "Your request has been logged under reference FOI/2020/1187 and we will reply shortly, within 20 "
        "working days.\n\nInformation Governance Team",
        {"Message-ID": "<ack-1187@hampshire-pcc.example>", "In-Reply-To": in_reply_to, "References": in_reply_to},
    ).as_bytes()


def reply_with_pdf(*, sender: str, to: str, in_reply_to: str = "<letter@docket.example>") -> bytes:
    """A reply with the document asked for, as a PDF with text."""
    message = _message(
        f"Information Requests <{sender}>",
        to,
        "Re: Request for information: Violence Reduction Units",
        "Please find attached the Violence Reduction Unit's annual report, as requested.",
        {"Message-ID": "<reply-1187@hampshire-pcc.example>", "In-Reply-To": in_reply_to, "References": in_reply_to},
    )
    pdf = text_pdf("Violence Reduction Unit annual report 2019-20. Funding and spending by quarter.")
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename="VRU annual report.pdf")
    return message.as_bytes()


def press_newsletter(*, sender: str, to: str) -> bytes:
    """A press office's mailing-list email, sent from the same domain as a body: not a reply."""
    return _message(
        f"Press Office <{sender}>",
        to,
        "News: new funding for youth services",
        "The Commissioner today announced new funding for youth services across the county.",
        {
            "Message-ID": "<news-42@lists.hampshire-pcc.example>",
            "List-Id": "Press releases <press.lists.hampshire-pcc.example>",
            "List-Unsubscribe": "<mailto:press-unsubscribe@lists.hampshire-pcc.example>",
        },
    ).as_bytes()


# Random bytes that are no known file type (no text, no magic number): what the new user uploaded.
BINARY = bytes((index * 7919 + 13) % 251 for index in range(4096))
