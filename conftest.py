"""Fixtures shared by name across the test suite: a real SMTP server, a real IMAP server, a browser."""

pytest_plugins = ["tests.mailserver", "tests.imapserver", "tests.browser"]
