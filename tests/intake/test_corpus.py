"""Real-world and broken mail: every message is stored, and either read or flagged with a reason."""

import base64
import collections
import os
from pathlib import Path

import pytest

from docket.cli import main
from docket.documents import archives
from docket.documents.models import Attachment, Blob
from docket.mail.models import InboundMessage
from tests.samples import reply, text_pdf, zip_file

pytestmark = pytest.mark.django_db


def cpython_corpus() -> list[Path]:
    import test

    folder = Path(os.path.dirname(test.__file__)) / "test_email" / "data"
    assert folder.is_dir(), f"CPython's email samples are missing ({folder}); ./setup.sh test installs them"
    return sorted(folder.glob("msg_*.txt"))


def malformed(tmp_path: Path) -> list[Path]:
    pdf = text_pdf("A perfectly good strategy document")
    good = reply(sender="a@body.example", to="b@office.example", attachments=[("s.pdf", "application/pdf", pdf)])
    boundary = good.split(b'boundary="', 1)[1].split(b'"', 1)[0]
    bad_base64 = good.replace(base64.encodebytes(pdf)[:40], b"!!!! not base64 at all ~~~~ \xff\xfe ")
    bomb = zip_file({"zeros.bin": b"\0" * (300 * 1024 * 1024)})
    samples = {
        "truncated.eml": good[: len(good) // 2],
        "no-end-boundary.eml": good.replace(b"--" + boundary + b"--", b""),
        "bad-base64.eml": bad_base64,
        "huge-attachment.eml": reply(
            sender="a@body.example",
            to="b@office.example",
            attachments=[("big.bin", "application/octet-stream", os.urandom(20 * 1024 * 1024))],
        ),
        "zip-bomb.eml": reply(
            sender="a@body.example", to="b@office.example", attachments=[("docs.zip", "application/zip", bomb)]
        ),
        "unknown-charset.eml": (
            b"From: x@y.example\r\nSubject: =?x-unknown?q?hello?=\r\n"
            b"Content-Type: text/plain; charset=x-klingon\r\n\r\n\xe9t\xe9\r\n"
        ),
        "no-headers.eml": b"just some text without any headers at all\r\n",
        "binary-junk.eml": os.urandom(4096),
        "empty.eml": b"",
        "bad-date-and-address.eml": (
            b"From: <<<>>>\r\nDate: the day after tomorrow\r\nTo: ,,,@@\r\nSubject: hi\r\n\r\nbody\r\n"
        ),
        "html-only.eml": (
            b"From: a@b.example\r\nSubject: html\r\nContent-Type: text/html\r\n\r\n"
            b"<p>Hello <script>alert(1)</script><b>there</b></p>\r\n"
        ),
    }
    paths = []
    for name, data in samples.items():
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    return paths


def test_every_sample_is_stored_and_read_or_flagged(tmp_path, capsys):
    files = cpython_corpus() + malformed(tmp_path)
    assert main(["import-mail", "--no-ocr", *map(str, files)]) == 0
    messages = list(InboundMessage.objects.all())
    distinct = {f.read_bytes() for f in files}
    assert len(messages) == len(distinct)  # every distinct message stored, each once
    assert Blob.objects.filter(sha256__in=[m.blob_id for m in messages]).count() == len(messages)
    for message in messages:
        assert message.blob.read() in distinct  # the raw bytes are kept, whole
        assert message.status != InboundMessage.Status.STORED, f"{message.source_detail} was never read"
        if message.status == InboundMessage.Status.HOLDING:
            assert message.holding_reason, f"{message.source_detail} is held with no reason"
    counts = collections.Counter(m.status for m in messages)
    flagged = sum(1 for m in messages if m.problems)
    print(f"\ncorpus: {len(files)} files, {len(messages)} stored; {dict(counts)}; {flagged} flagged with problems")

    by_name = {m.source_detail: m for m in messages}
    assert by_name["html-only.eml"].body_html.strip() == "<p>Hello <b>there</b></p>"
    assert by_name["html-only.eml"].body_text == "Hello there"
    assert "charset 'x-klingon'" in by_name["unknown-charset.eml"].problems
    bomb = Attachment.objects.get(message=by_name["zip-bomb.eml"])
    assert bomb.status == Attachment.Status.SKIPPED
    assert "unpack to" in bomb.error or "ZIP bomb" in bomb.error
    huge = Attachment.objects.get(message=by_name["huge-attachment.eml"])
    assert huge.blob.size == 20 * 1024 * 1024
    assert huge.status == Attachment.Status.SKIPPED

    assert main(["import-mail", "--no-ocr", *map(str, files)]) == 0  # again: nothing new
    assert InboundMessage.objects.count() == len(messages)


def test_zip_limits():
    with pytest.raises(archives.ArchiveRefused, match=r"ZIP bomb|unpack to"):
        archives.members(zip_file({"zeros.bin": b"\0" * (60 * 1024 * 1024)}))
    nested = zip_file({"inner.zip": zip_file({"deeper.zip": zip_file({"a.txt": b"a"})})})
    outer = archives.members(nested)
    inner = archives.members(outer[0].data, depth=1)
    with pytest.raises(archives.ArchiveRefused, match="nested"):
        archives.members(inner[0].data, depth=2)
    many = zip_file({f"{n}.txt": b"x" for n in range(archives.MAX_MEMBERS + 1)})
    with pytest.raises(archives.ArchiveRefused, match="files inside"):
        archives.members(many)
