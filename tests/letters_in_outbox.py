"""Fill a database's outbox with many letters quickly: ``python -m tests.letters_in_outbox N`` (Django set up
from the environment, as `docket` is). The example campaign, N recipients, each request approved and
queued through the product's own actions; the letter is a short text with a small PDF, not a rendered
one (rendering 300 letters would take the test's whole time and tests nothing about sending).
"""

from __future__ import annotations

import csv
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def recipients_csv(count: int, folder: Path) -> Path:
    with (REPO / "examples" / "iasc-vru-2020" / "recipients.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    extra = []
    for number in range(count - len(rows)):
        row = dict(rows[number % len(rows)])
        row.update(
            body=f"Area {number} PCC", full_name=f"Commissioner {number}", email=f"pcc{number}@a{number}.example"
        )
        extra.append(row)
    path = folder / "recipients.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(extra)
    return path


def fill(count: int) -> int:
    from docket.campaigns.examples import load_example
    from docket.campaigns.importing import import_recipients
    from docket.mail.dispatch import queue
    from docket.mail.messages import LetterContent
    from docket.requests.actions import Actor, approve, request_for

    actor = Actor("test")
    campaign, _ = load_example("iasc-vru-2020")
    with tempfile.TemporaryDirectory() as folder:
        import_recipients(campaign, recipients_csv(count, Path(folder)))
    queued = 0
    for recipient in campaign.recipients.order_by("pk"):
        request = approve(request_for(recipient, actor), actor)
        text = f"Dear {recipient.contact.full_name},\n\nPlease send us the documents.\n"
        letter = LetterContent(text=text, html=f"<p>{text}</p>", pdf=b"%PDF-1.4\n%%EOF\n", pdf_name="letter.pdf")
        queue(request, letter, actor)
        queued += 1
    return queued


if __name__ == "__main__":
    import django

    django.setup()
    print(fill(int(sys.argv[1])))
