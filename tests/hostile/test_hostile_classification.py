"""Classifying a message made to be slow: its text is read only so far, and no pattern backtracks far."""

from __future__ import annotations

import time

from docket.mail.classification import Classification, Read, classify


def test_a_huge_text_of_near_matches_is_classified_at_once():
    near = "I am currently out of the " * 400_000 + "we will reply " * 400_000 + "we will reply shortly"  # ~16 MB
    headers = {"Precedence": " " * 100_000 + "bulk?"}
    started = time.perf_counter()
    kind, _ = classify(
        Read(header=lambda name: headers.get(name, ""), subject="Re: " + "out of " * 70, text=near, has_files=False)
    )
    assert time.perf_counter() - started < 0.5
    assert kind == Classification.REPLY  # the acknowledgement at its end, 16 MB in, is not read
