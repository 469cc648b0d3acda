"""The SMTP channel's own DATA step: what the server receives is what smtplib would have delivered."""

import smtplib

import pytest

from docket.mail.channels.smtp import SmtpChannel, dot_stuffed

AWKWARD = [
    b"Subject: dots\r\n\r\n.starts with a dot\r\n..two dots\r\n.\r\nlone dot above\r\n",
    b".the very first byte is a dot\r\n\r\nbody\r\n",
    b"Subject: no final line end\r\n\r\n.last line",
    b"Subject: bare line feeds\n\n.one\n.\n..three\n",
    b"Subject: mixed\r\n\r\nline\n.after a bare LF\r\n.\r\n",
]


@pytest.mark.parametrize("raw", AWKWARD)
def test_the_server_receives_the_same_bytes_as_from_smtplib(smtp_server, raw):
    recorder, config = smtp_server
    channel = SmtpChannel(config)
    reply = channel.deliver("office@example.org", "body@example.org", raw)
    channel.close()
    assert reply.startswith("250")
    with smtplib.SMTP(config.host, config.port) as bare:
        bare.sendmail("office@example.org", ["body@example.org"], raw)
    ours, theirs = (item.data for item in recorder.received)
    assert ours == theirs
    if raw.count(b"\n") == raw.count(b"\r\n"):  # bare line feeds are not lines to the server, for either
        assert ours == raw if raw.endswith(b"\r\n") else raw + b"\r\n"


def test_dot_stuffing_doubles_a_dot_only_at_a_line_start():
    assert dot_stuffed(b".a\r\nb.c\r\n.\r\n") == b"..a\r\nb.c\r\n..\r\n.\r\n"
    assert dot_stuffed(b"x") == b"x\r\n.\r\n"
