"""Learning a campaign from 500 letters of about 700 words (target: under 30 s on 2 cores).

    .venv/bin/python bench/learn.py [LETTERS]

Letters are rendered from a random template (4 fields, 2 optional passages, 5 footnotes) by
Docket's own text writer; the time is learn() on the parsed letters, then the word-for-word check.
"""

from __future__ import annotations

import random
import sys
import time

from docket.letters import CampaignData, OfficeData, RecipientData, ReferenceData, render
from docket.letters.learning import check, learn
from docket.letters.reading import parse_letter

SYLLABLES = [consonant + vowel for consonant in "bdklmnrstv" for vowel in "aeiou"]
OFFICE = OfficeData("Office of the Bench Commissioner", "Alex Example", "Bench Commissioner", ("1 Street", "London"))


def word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3)))


def phrase(rng: random.Random, count: int) -> str:
    return " ".join(word(rng) for _ in range(count))


def mailing(count: int) -> list[str]:
    rng = random.Random(1)
    sentences = [phrase(rng, 14).capitalize() + "." for _ in range(45)]
    for n in range(4):
        sentences[n * 10 + 3] += f" {{{{ fields.f{n} }}}} {phrase(rng, 3)}."
    for n in range(2):
        sentences[n * 10 + 7] += f' {{% if fields.o{n} == "yes" %}}{phrase(rng, 10).capitalize()}.{{% endif %}}'
    for n in range(5):
        sentences[n * 8 + 2] = sentences[n * 8 + 2][:-1] + f'{{{{ cite("r{n}") }}}}.'
    template = "\n\n".join(" ".join(sentences[n : n + 5]) for n in range(0, len(sentences), 5))
    references = tuple(ReferenceData(f"r{n}", "Home Office", phrase(rng, 5), "2020") for n in range(5))
    campaign = CampaignData("bench", "Bench", OFFICE, template, references=references)
    texts = []
    for n in range(count):
        fields = {f"f{k}": phrase(rng, rng.randint(5, 30)) for k in range(4)}
        fields |= {f"o{k}": rng.choice(["yes", "no"]) for k in range(2)}
        area = phrase(rng, 1).title()
        recipient = RecipientData(
            str(n),
            f"Jo {word(rng).title()}",
            area,
            f"{area} Police and Crime Commissioner",
            "Jo",
            area,
            address=("1 High Street",),
            postcode="AB1 2CD",
            fields=fields,
        )
        texts.append(render(campaign, recipient, "txt").decode())
    return texts


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    texts = mailing(count)
    print(f"{count} letters, {sum(len(t.split()) for t in texts) // count} words each on average")
    start = time.perf_counter()
    letters = [parse_letter(f"{n}.txt", text) for n, text in enumerate(texts)]
    learned = learn(letters)
    learned_at = time.perf_counter()
    differences = check(learned, [(f"{n}.txt", text) for n, text in enumerate(texts)])
    done = time.perf_counter()
    print(f"read and learned in {learned_at - start:.1f} s; checked word for word in {done - learned_at:.1f} s")
    print(f"{len(learned.fields)} fields, {len(learned.references)} references, {len(differences)} letters differ")


if __name__ == "__main__":
    main()
