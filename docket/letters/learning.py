"""Learning a campaign from letters already written: the template, the fields, the references.

Template induction at word level. Each letter's body becomes a list of tokens
(words; a footnote marker stays inside its word as the key of the reference it
points to, so numbering shifts do not matter; a paragraph break is a token).
The words every letter shares, in order, are found by aligning the letters with
:mod:`difflib` (longest blocks first, so short coincidences do not cut a passage
in two); the gaps between them are the parts that vary. A gap holding the
recipient's own data (name, salutation, area) becomes that data; a gap present
in some letters and empty in the others becomes ``{% if %}`` with a yes/no field;
any other gap becomes a per-recipient field, or a choice between the wordings
when they hold footnotes or paragraph breaks (which a field cannot carry).
Neighbouring gaps separated by one or two shared words are one field, not two.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from docket.letters.inputs import CampaignData, ItemData, OfficeData, RecipientData, ReferenceData
from docket.letters.reading import ReadingError, SourceLetter, strip_markup, words

NOTE = "\x01"  # around a reference key inside a word
PARAGRAPH = "\x02"
LIST = "\x03"  # around a list of requested items inside a wording: LIST + "asked:and" + LIST
NAME = r"[A-Z][\w'/-]*(?: [A-Z][\w'/-]*)*"  # a document's name: capitalised words
ENGLISH_LIST = re.compile(rf"\b{NAME}(?:, {NAME})* and {NAME}\b")
COMMA_LIST = re.compile(rf"\b{NAME}(?:, {NAME})+(?= and [a-z])")
MERGE_ACROSS = 2  # shared words this short between two varying gaps do not split a field
POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$", re.I)
# A line naming an organisation ("Gwynedd Council", "Hywel Dda University Health Board"), not a job title.
ORGANISATION = re.compile(
    r"\b(?:Council|Authority|Police|Constabulary|Commissioner|Commission|Trust|Board|Service|Department|Agency|Office|NHS"
    r"|Ombudsman|Inspectorate|College|University|Borough|County|Ministry|Government)\b"
)
STOPWORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "by",
        "for",
        "from",
        "has",
        "have",
        "how",
        "i",
        "in",
        "into",
        "is",
        "it",
        "its",
        "my",
        "of",
        "on",
        "or",
        "our",
        "that",
        "the",
        "their",
        "this",
        "to",
        "was",
        "we",
        "were",
        "which",
        "who",
        "will",
        "with",
        "would",
        "you",
        "your",
    }
)
MARKDOWN_SPECIAL = frozenset("\\`*_[]{}<>#|~!&")
LINE_START_SPECIAL = re.compile(r"^(?:[-+=>]|\d+[.)])")
# Learnt from at once, by the page and by `docket learn-campaign` alike (500 letters of 700 words take
# about 7 s; 90 letters of 19,000 words took 98 s and an 18 MB report). Real letters are 500-2,000 words.
MAX_LETTERS = 200  # the page's DATA_UPLOAD_MAX_NUMBER_FILES (docket/settings.py) agrees
MAX_LETTER_WORDS = 5000
MAX_TEXT_CHARS = 2_000_000  # about 2 MB: 200 letters of 1,500 words


def limits_in_words() -> str:
    """The limits, as the page's hint and its refusals say them."""
    return (
        f"at most {MAX_LETTERS:,} letters, each of at most {MAX_LETTER_WORDS:,} words, "
        f"and about {MAX_TEXT_CHARS // 1_000_000:,} MB of text in all"
    )


def refuse_too_much(texts: Sequence[tuple[str, str]]) -> None:
    """Refuse, before any learning, more letters or more text than Docket learns from at once."""
    if len(texts) > MAX_LETTERS:
        raise ReadingError(f"{len(texts):,} letters: Docket learns from {limits_in_words()}.")
    total = 0
    for name, text in texts:
        if len(text) > MAX_LETTER_WORDS * 3 and len(text.split()) > MAX_LETTER_WORDS:
            raise ReadingError(
                f"{name}: the letter has {len(text.split()):,} words: Docket learns from {limits_in_words()}."
            )
        total += len(text)
        if total > MAX_TEXT_CHARS:
            raise ReadingError(
                f"The letters hold more than {MAX_TEXT_CHARS // 1_000_000:,} MB of text: Docket learns from "
                f"{limits_in_words()}. Learn from fewer letters, then add the rest one at a time."
            )


GLUED = frozenset(".,;:)\u2019\u201d'\"")  # punctuation a letter writes straight after a body's name


@dataclass(frozen=True)
class Text:
    tokens: tuple[str, ...]


@dataclass(frozen=True)
class Data:
    attribute: str  # an attribute of the contact: full_name, salutation, body, area
    glued: str = ""  # punctuation written straight after it: "Bristol City Council."


@dataclass(frozen=True)
class Field:
    name: str


@dataclass(frozen=True)
class Choice:
    """Wordings of one passage, picked by a field's value; one wording is a yes/no passage."""

    name: str
    alternatives: tuple[tuple[str, tuple[str, ...]], ...]  # (field value, tokens)


@dataclass(frozen=True)
class Request:
    """A sentence that lists documents: one wording for those already published, others asking.

    Its tokens hold a list as ``LIST + "asked:and" + LIST`` ("A, B and C": ``english_list``) or
    ``LIST + "asked:comma" + LIST`` ("A, B" before "and any updates": ``join(", ")``);
    ``field`` picks among the asking wordings when there are several.
    """

    published: tuple[str, ...] | None
    asked: tuple[tuple[str, tuple[str, ...]], ...]  # (field value, tokens)
    field: str


Segment = Text | Data | Field | Choice | Request


@dataclass(frozen=True)
class FieldReport:
    name: str
    kind: str  # text | yes/no | choice
    values: tuple[str, ...]  # one per letter, in the letters' order


@dataclass(frozen=True)
class LearnedCampaign:
    office: OfficeData
    letter_date: datetime.date | None
    template: str
    segments: tuple[Segment, ...]
    references: tuple[ReferenceData, ...]
    recipients: tuple[RecipientData, ...]
    body_kind: str  # what the bodies are, e.g. "Police and Crime Commissioner"
    fields: tuple[FieldReport, ...]
    notes: tuple[str, ...] = ()  # what could not be placed
    items: tuple[ItemData, ...] = ()  # requested items found in a request sentence (key, label)
    letters: tuple[str, ...] = ()  # the letters' names (their files'), in the recipients' order

    def campaign_data(self, slug: str, title: str) -> CampaignData:
        return CampaignData(
            slug=slug,
            title=title,
            office=self.office,
            template=self.template,
            letter_date=self.letter_date,
            references=self.references,
        )


@dataclass
class _Slot:
    values: list[tuple[str, ...]]


@dataclass
class _Recipient:
    full_name: str = ""
    role: str = ""
    address: tuple[str, ...] = ()
    postcode: str = ""
    salutation: str = ""
    area: str = ""
    body: str = ""  # the organisation's line under a job title; else the role names the body
    data: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def body_name(self) -> str:
        return self.body or self.role


def learn(letters: Sequence[SourceLetter]) -> LearnedCampaign:
    """The campaign that reproduces ``letters``: template, office, references, recipients."""
    if not letters:
        raise ValueError("no letters to learn from")
    if len(letters) > MAX_LETTERS:
        raise ReadingError(f"{len(letters):,} letters: Docket learns from at most {MAX_LETTERS:,} at a time")
    references, keys_by_letter = learn_references(letters)
    people = [person_from_address(letter) for letter in letters]
    kind = _common_role_suffix([person.body_name for person in people]) if len(people) > 1 else ""
    for person in people:
        person.area = _area(person.body_name, kind)
        person.data = {
            name: tuple(value.split())
            for name, value in (
                ("full_name", person.full_name),
                ("salutation", person.salutation),
                ("body", person.body_name),
                ("area", person.area),
            )
            if value
        }
    sequences = [body_tokens(letter, keys) for letter, keys in zip(letters, keys_by_letter, strict=True)]
    parts = _merge_short_anchors(_place_data(_settle_paragraphs(_align(sequences)), people))
    requests = _Requests(len(letters))
    segments, reports, values = _classify(parts, len(letters), requests)
    template = write_template(segments)
    if "{{ contact.area }}" not in template:  # an area the letters never print alone is a guess: not kept
        for person in people:
            person.area = ""
    recipients = tuple(
        RecipientData(
            id=str(n + 1),
            full_name=person.full_name,
            body=person.body_name or person.full_name,
            role=person.role,
            salutation=person.salutation,
            area=person.area,
            address=person.address,
            postcode=person.postcode,
            fields=values[n],
            items=requests.states(n),
        )
        for n, person in enumerate(people)
    )
    dates = Counter(letter.date for letter in letters if letter.date)
    return LearnedCampaign(
        office=learn_office(letters),
        letter_date=dates.most_common(1)[0][0] if dates else None,
        template=template,
        segments=tuple(segments),
        references=references,
        recipients=recipients,
        body_kind=kind,
        fields=tuple(reports),
        items=tuple(ItemData(key, label) for key, label in requests.items),
        letters=tuple(letter.name for letter in letters),
    )


def recipient_problems(learned: LearnedCampaign) -> list[str]:
    """Why the letters cannot make a campaign's recipients, in plain words naming the files: letters whose
    recipient could not be read, and letters to the same person (a campaign writes once to each person).

    The same person is the same name at the same body: one contact, which a campaign holds once.
    """
    names = [
        learned.letters[n] if n < len(learned.letters) else f"letter {n + 1}" for n in range(len(learned.recipients))
    ]
    unread = [name for name, person in zip(names, learned.recipients, strict=True) if not person.full_name.strip()]
    problems = []
    if unread:
        these = "this letter is" if len(unread) == 1 else "these letters are"
        problems.append(
            f"{_and(unread)}: Docket could not read whom {these} to. It reads the recipient's name, role and "
            "address from the lines after the date and before “Dear …” (or, below the office's letterhead, from "
            "the lines just above the date): put the date above the address, "
            f"or remove {'the letter' if len(unread) == 1 else 'these letters'}."
        )
    by_person: dict[tuple[str, str], list[str]] = {}
    for name, person in zip(names, learned.recipients, strict=True):
        if person.full_name.strip():
            by_person.setdefault((person.body[:200], person.full_name), []).append(name)
    for (body, full_name), letters in by_person.items():
        if len(letters) > 1:
            who = full_name if body == full_name else f"{full_name}, {body}"
            both, which = ("both", "one of them") if len(letters) == 2 else ("all", "all but one of them")
            problems.append(
                f"{_and(letters)} are {both} to {who}: a campaign writes once to each person. Remove {which}."
            )
    return problems


def _and(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


# --- references ---------------------------------------------------------------------------------


def learn_references(
    letters: Sequence[SourceLetter],
) -> tuple[tuple[ReferenceData, ...], list[dict[int, str]]]:
    """One reference per distinct footnote (by its words), in order of first appearance."""
    by_words: dict[str, ReferenceData] = {}
    keys_by_letter: list[dict[int, str]] = []
    used: set[str] = set()
    for letter in letters:
        keys: dict[int, str] = {}
        for number in sorted(letter.footnotes):
            words = " ".join(letter.footnotes[number].split())
            if words not in by_words:
                by_words[words] = _reference(words, letter.footnote_urls.get(number, ""), used)
            keys[number] = by_words[words].key
        keys_by_letter.append(keys)
    return tuple(by_words.values()), keys_by_letter


def _reference(words: str, url: str, used: set[str]) -> ReferenceData:
    match = re.match(r"^(.*?)\s*\((\d{4}[a-z]?|n\.d\.)\)\s+(.*)$", words)
    author, year, title = (match[1], match[2], match[3]) if match else ("", "", words)
    key = unique_name(_slug(title, 3) or "reference", used)
    return ReferenceData(key=key, author=author, title=title, year=year, url=url)


def reference_words(reference: ReferenceData) -> str:
    """The footnote's words as Docket writes them (compose._reference_runs)."""
    head = f"{reference.author} ({reference.year}) " if reference.year else f"{reference.author} "
    return " ".join((head + reference.title).split())


# --- recipients and office ------------------------------------------------------------------------


def person_from_address(letter: SourceLetter) -> _Recipient:
    """The recipient from the address block: name, role, address lines, postcode; and the salutation.

    The role either names the body ("Hampshire Police and Crime Commissioner") or is a job title
    ("Chief Executive") followed by the organisation's line ("Gwynedd Council"), which is then the
    body; that line stays the first of the address, as the letter prints it.
    """
    lines = list(letter.address)
    person = _Recipient(salutation=letter.salutation)
    if lines and POSTCODE.match(lines[-1].strip()):
        person.postcode = lines.pop().strip()
    if lines:
        person.full_name = lines.pop(0)
    if lines:
        person.role = lines.pop(0)
    if lines and not ORGANISATION.search(person.role) and _names_organisation(lines[0]):
        person.body = lines[0]
    person.address = tuple(lines)
    return person


def _names_organisation(line: str) -> bool:
    """An organisation's name, not a street ("Council Offices, Shirehall Street", "1 County Hall")."""
    return bool(ORGANISATION.search(line)) and not re.search(r"[\d,]", line)


def _address_line(line: str) -> bool:
    """A line with a number in it (a street number, a postcode) is an address, not a name."""
    return bool(re.search(r"\d", line))


def _common_role_suffix(roles: Sequence[str]) -> str:
    """The words every role ends with ("Police and Crime Commissioner"): what the bodies are."""
    split = [role.split() for role in roles if role]
    if len(split) < 2:
        return ""
    suffix: list[str] = []
    for column in zip(*(list(reversed(role)) for role in split), strict=False):
        if len(set(column)) != 1:
            break
        suffix.insert(0, column[0])
    if any(len(words) <= len(suffix) for words in split):
        return ""
    return " ".join(suffix)


def _area(role: str, kind: str) -> str:
    if kind and role.endswith(" " + kind):
        return role[: -len(kind) - 1].strip()
    return ""


def learn_office(letters: Sequence[SourceLetter]) -> OfficeData:
    """The office from the letterhead (the first letter that has one) and the signature."""
    signatures = Counter(letter.signature for letter in letters if letter.signature)
    signature = list(signatures.most_common(1)[0][0]) if signatures else []
    role = signature[-1] if signature else ""
    signed_name = signature[0] if len(signature) > 1 else ""
    head = next((list(letter.letterhead) for letter in letters if letter.letterhead), [])
    # The letterhead's first line is the signatory's name, unless it is the office's name or its address.
    from_head = bool(head) and not (_address_line(head[0]) or (role and head[0].startswith(role)))
    name_line = head.pop(0) if from_head else signed_name
    words = name_line.split()
    honours: list[str] = []
    # Honours are split off a letterhead's name only: a name taken from the signature keeps them, as signed.
    while from_head and len(words) > 1 and re.fullmatch(r"[A-Z]{2,5}", words[-1]):
        honours.insert(0, words.pop())
    phone = email = ""
    address: list[str] = []
    for line in head:
        label, _, value = line.partition(":")
        if label.strip().lower() in {"tel", "telephone", "phone"}:
            phone = value.strip()
        elif label.strip().lower() in {"email", "e-mail"}:
            email = value.strip()
        else:
            address.append(line)
    office = role
    if address and role and address[0].startswith(role):
        address[0] = address[0][len(role) :].strip()
    elif address and not _address_line(address[0]):
        office = address.pop(0)  # Docket's own letterhead: the office's name on a line of its own
    name = " ".join(words)
    return OfficeData(
        name=office or name,
        signatory_name=name,
        signatory_honours=" ".join(honours),
        signatory_role=role,
        address=tuple(line for line in address if line),
        phone=phone,
        email=email,
        sign_with_name=bool(signed_name),
    )


# --- tokens and alignment -----------------------------------------------------------------------


def body_tokens(letter: SourceLetter, keys: dict[int, str]) -> list[str]:
    """The body's words, each footnote marker replaced by its reference's key, paragraphs as tokens."""
    tokens: list[str] = []
    for paragraph in letter.paragraphs:
        if tokens:
            tokens.append(PARAGRAPH)
        for word in paragraph.split():
            tokens.append(re.sub(r"\^(\d+)", lambda m: _note(m, keys), word))
    return tokens


def _note(match: re.Match[str], keys: dict[int, str]) -> str:
    key = keys.get(int(match[1]))
    return f"{NOTE}{key}{NOTE}" if key else match[0]


def _align(sequences: list[list[str]]) -> list[Text | _Slot]:
    """Shared words (in every letter, in order) as Text; between them, each letter's own words."""
    skeleton = list(sequences[0])
    for sequence in sequences[1:]:
        skeleton = _matched(skeleton, sequence)
    while True:
        embeddings = [_embed(skeleton, sequence) for sequence in sequences]
        kept = [n for n in range(len(skeleton)) if all(e[n] is not None for e in embeddings)]
        if len(kept) == len(skeleton):
            break
        skeleton = [skeleton[n] for n in kept]
    parts: list[Text | _Slot] = []
    previous = [-1] * len(sequences)
    run: list[str] = []
    for n, token in enumerate([*skeleton, ""]):
        at = [_position(e, n, len(s)) for e, s in zip(embeddings, sequences, strict=True)]
        gaps = [tuple(s[p + 1 : q]) for s, p, q in zip(sequences, previous, at, strict=True)]
        if any(gaps):
            if run:
                parts.append(Text(tuple(run)))
                run = []
            parts.append(_Slot(gaps))
        if n < len(skeleton):
            run.append(token)
        previous = at
    if run:
        parts.append(Text(tuple(run)))
    return parts


def _position(embedding: list[int | None], n: int, end: int) -> int:
    position = embedding[n] if n < len(embedding) else end
    assert position is not None  # every kept skeleton word is matched in every letter
    return position


def _matched(a: list[str], b: list[str]) -> list[str]:
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return [a[i] for start, _, size in matcher.get_matching_blocks() for i in range(start, start + size)]


def _embed(skeleton: list[str], sequence: list[str]) -> list[int | None]:
    positions: list[int | None] = [None] * len(skeleton)
    matcher = SequenceMatcher(None, skeleton, sequence, autojunk=False)
    for a, b, size in matcher.get_matching_blocks():
        for offset in range(size):
            positions[a + offset] = b + offset
    return positions


# --- from gaps to template parts ----------------------------------------------------------------


def _settle_paragraphs(parts: list[Text | _Slot]) -> list[Text | _Slot]:
    """Letters that differ only in where a paragraph breaks (a PDF's layout) share that text:
    the words are what must match, and most letters' break wins. Letters that differ only in
    letter case, where most letters agree, share it too: one letter's "Somuvoma" for everyone's
    "somuvoma" is what OCR misread, not a field (that letter's check names the word)."""
    settled: list[Text | _Slot] = []
    for part in parts:
        if isinstance(part, _Slot):
            words = {tuple(token for token in value if token != PARAGRAPH) for value in part.values}
            wording, count = Counter(part.values).most_common(1)[0]
            case_only = len({tuple(w.lower() for w in value) for value in words}) == 1 and 2 * count > len(part.values)
            if len(words) == 1 or case_only:
                part = Text(wording)
        settled.append(part)
    return settled


def _place_data(parts: Sequence[Text | _Slot], people: list[_Recipient]) -> list[Text | _Slot | Data]:
    """A gap that is each recipient's own name, salutation, body or area becomes that data.

    The body's whole name is tried before the area: "Bristol City Council" is the body, not an
    area "Bristol City" and the word "Council" (the area is what is left of the body's name
    without what the bodies are, and is data only where a letter prints it without them)."""
    out: list[Text | _Slot | Data] = []
    parts = list(parts)
    for n, part in enumerate(parts):
        following = parts[n + 1] if n + 1 < len(parts) else None
        if (
            isinstance(part, _Slot)
            and isinstance(following, Text)
            and (ending := _body_ends_in(part, following, people))
        ):
            count, glued = ending
            cut = [
                len(value) - len(person.data["body"]) + count for value, person in zip(part.values, people, strict=True)
            ]
            rest = _Slot([value[:at] for value, at in zip(part.values, cut, strict=True)])
            out += [*(_split_data(rest, people) if any(rest.values) else []), Data("body", glued)]
            parts[n + 1] = Text(following.tokens[count:])
        elif isinstance(part, _Slot):
            out += _split_data(part, people)
        else:
            out.append(part)
    return out


def _body_ends_in(slot: _Slot, following: Text, people: list[_Recipient]) -> tuple[int, str] | None:
    """How many of the words after a gap end each recipient's body's name, the gap ending with the
    rest of it ("Bristol City", then "Council supports": 1), and the punctuation glued to the last of
    them ("Council." : "."); None when they do not."""
    bodies = [person.data.get("body", ()) for person in people]
    if not all(bodies) or len(set(bodies)) < 2:
        return None
    for count in range(1, min(len(following.tokens), min(map(len, bodies)) - 1) + 1):
        *head, last = following.tokens[:count]
        word = bodies[0][-1]
        glued = last[len(word) :] if last.startswith(word) else "?"
        possessive = glued.endswith(("'s", "\u2019s"))  # "Bristol City Council's"
        if not all(char in GLUED for char in glued[: -1 if possessive else None]):
            continue
        if all(
            tuple(head) == body[-count:-1]
            and last == body[-1] + glued
            and len(value) >= len(body) - count
            and value[len(value) - len(body) + count :] == body[:-count]
            for value, body in zip(slot.values, bodies, strict=True)
        ):
            return count, glued
    return None


def _split_data(slot: _Slot, people: list[_Recipient]) -> list[Text | _Slot | Data]:
    for attribute in ("full_name", "salutation", "body", "area"):
        data = [person.data.get(attribute, ()) for person in people]
        if not all(data) or len(set(data)) < 2:
            continue
        if all(value[: len(d)] == d for value, d in zip(slot.values, data, strict=True)):
            rest = _Slot([value[len(d) :] for value, d in zip(slot.values, data, strict=True)])
            return [Data(attribute), *(_split_data(rest, people) if any(rest.values) else [])]
        if all(len(value) > len(d) and value[-len(d) :] == d for value, d in zip(slot.values, data, strict=True)):
            rest = _Slot([value[: -len(d)] for value, d in zip(slot.values, data, strict=True)])
            return [*_split_data(rest, people), Data(attribute)]
    return [slot]


def _merge_short_anchors(parts: list[Text | _Slot | Data]) -> list[Text | _Slot | Data]:
    merged: list[Text | _Slot | Data] = []
    for part in parts:
        if (
            isinstance(part, _Slot)
            and len(merged) >= 2
            and isinstance(merged[-1], Text)
            and isinstance(merged[-2], _Slot)
            and len(merged[-1].tokens) <= MERGE_ACROSS
            and PARAGRAPH not in merged[-1].tokens
        ):
            text = merged.pop()
            before = merged.pop()
            assert isinstance(text, Text)
            assert isinstance(before, _Slot)
            part = _Slot([a + text.tokens + b for a, b in zip(before.values, part.values, strict=True)])
        merged.append(part)
    return merged


def _classify(
    parts: list[Text | _Slot | Data], count: int, requests: _Requests
) -> tuple[list[Segment], list[FieldReport], list[dict[str, str]]]:
    segments: list[Segment] = []
    reports: list[FieldReport] = []
    values: list[dict[str, str]] = [{} for _ in range(count)]
    used: set[str] = set()
    for index, part in enumerate(parts):
        if not isinstance(part, _Slot):
            segments.append(part)
            continue
        written = {value for value in part.values if value}
        if not any(NOTE in token for value in part.values for token in value):
            # A field is one line of text: a paragraph break inside one is layout (a PDF's), not wording.
            part = _Slot([tuple(token for token in value if token != PARAGRAPH) for value in part.values])
        distinct = list(dict.fromkeys(part.values))
        if len(distinct) == 1:
            segments.append(Text(distinct[0]))
            continue
        present = [value for value in distinct if value]
        if len(present) == 1:
            name = unique_name("mention_" + (_passage_name(present[0]) or "passage"), used)
            # A passage written alike wherever it is keeps its paragraph breaks: a paragraph of its own stays one.
            passage = written.pop() if len(written) == 1 else present[0]
            segments.append(Choice(name, (("yes", passage),)))
            column = ["yes" if value else "no" for value in part.values]
            reports.append(FieldReport(name, "yes/no", tuple(column)))
        elif any(any(NOTE in token for token in value) for value in present):
            name = unique_name(_context_name(parts, index) or "wording", used)
            labels = {value: f"{n}" for n, value in enumerate(present, start=1)}
            segments.append(Choice(name, tuple((label, value) for value, label in labels.items())))
            column = [labels.get(value, "none") for value in part.values]
            reports.append(FieldReport(name, "choice", tuple(column)))
        elif requests.read(part.values, used):
            segments.append(requests.segment)
            reports += requests.reports
            column = list(requests.column)
            name = requests.segment.field
        else:
            name = unique_name(_context_name(parts, index) or "field", used)
            segments.append(Field(name))
            column = [" ".join(value) for value in part.values]
            reports.append(FieldReport(name, "text", tuple(column)))
        if not name:
            continue
        for n, value in enumerate(column):
            values[n][name] = value
    return _join_texts(segments), reports, values


class _Requests:
    """The requested items found in a sentence that lists documents, and each letter's states.

    Recognised where every letter's wording holds one list of two or more capitalised names
    ("your Problem Profile and Response Strategy"); a wording that says the list "is published"
    is the already-published variant, any other asks. Names in the same place of lists that
    otherwise agree are one item, called by this body's own title where it differs.
    """

    def __init__(self, count: int) -> None:
        self.count = count
        self.items: list[tuple[str, str]] = []  # (key, label)
        self.named: list[dict[str, tuple[str, str]]] = [{} for _ in range(count)]  # key → (state, name)
        self.segment = Request(None, (), "")
        self.reports: list[FieldReport] = []
        self.column: tuple[str, ...] = ()

    def read(self, values: Sequence[tuple[str, ...]], used: set[str]) -> bool:
        if self.items or not all(values):
            return False  # one request sentence a campaign
        found = [_document_list(" ".join(value)) for value in values]
        if not all(names for names, _ in found):
            return False
        lists = [names for names, _ in found if names]
        order = _item_order(lists)
        if order is None:
            return False
        published = {wording for names, wording in found if wording and f"{LIST}published:" in wording}
        asked = list(dict.fromkeys(w for _, w in found if w and w not in published))
        if len(published) > 1 or not asked:
            return False
        counts = Counter(name for names in lists for name in names)
        labels = [max(column, key=lambda name: counts[name]) for column in order]
        taken = set(used)
        self.items = [(unique_name(_slug(label.replace("/", " "), 3) or "item", taken), label) for label in labels]
        for n, (names, wording) in enumerate(found):
            state = "published" if wording in published else "ask"
            for name in names or ():
                at = next(i for i, names_here in enumerate(order) if name in names_here)
                self.named[n][self.items[at][0]] = (state, "" if name == labels[at] else name)
        field = unique_name("request_wording", used) if len(asked) > 1 else ""
        choices = tuple((str(k), tuple(wording.split(" "))) for k, wording in enumerate(asked, start=1))
        only = next(iter(published), None)
        self.segment = Request(tuple(only.split(" ")) if only else None, choices, field)
        by_wording = {wording: value for value, wording in ((v, " ".join(t)) for v, t in choices)}
        self.column = tuple(by_wording.get(wording or "", "") for _, wording in found)
        self.reports = [FieldReport(field, "choice", self.column)] if field else []
        return True

    def states(self, n: int) -> tuple[ItemData, ...]:
        return tuple(
            ItemData(key, label, *self.named[n].get(key, ("n/a", ""))) if self.named else ItemData(key, label)
            for key, label in self.items
        )


def _document_list(text: str) -> tuple[list[str] | None, str | None]:
    """The one list of names in a wording, and the wording with the list replaced by its marker."""
    lists = [(m, "and") for m in ENGLISH_LIST.finditer(text)] + [(m, ", ") for m in COMMA_LIST.finditer(text)]
    if len(lists) != 1 or NOTE in text or PARAGRAPH in text:
        return None, None
    match, joiner = lists[0]
    names = match[0].rsplit(" and ", 1) if joiner == "and" else [match[0]]
    names = [name for part in names for name in part.split(", ")]
    after = text[match.end() :]
    state = "published" if re.match(r"^ (?:is|are) (?:already )?published\b", after) else "asked"
    marker = f"{LIST}{state}:{'and' if joiner == 'and' else 'comma'}{LIST}"
    return names, text[: match.start()] + marker + after


def _item_order(lists: Sequence[list[str]]) -> list[list[str]] | None:
    """Each item as the names the letters give it, in an order every letter's list keeps."""
    order: list[list[str]] = [[name] for name in lists[0]]
    for names in lists[1:]:
        matcher = SequenceMatcher(None, [column[0] for column in order], names, autojunk=False)
        placed: list[list[str]] = []
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "replace" and i2 - i1 == j2 - j1:  # the same items under this body's own titles
                placed += [[*column, name] for column, name in zip(order[i1:i2], names[j1:j2], strict=True)]
            elif tag == "equal":
                placed += order[i1:i2]
            else:
                placed += order[i1:i2] + [[name] for name in names[j1:j2]]
        order = placed
    for names in lists:  # every list names distinct items, in the items' order
        at = [[n for n, column in enumerate(order) if name in column] for name in names]
        if any(len(found) != 1 for found in at) or [f[0] for f in at] != sorted({f[0] for f in at}):
            return None
    return order


def _join_texts(segments: list[Segment]) -> list[Segment]:
    joined: list[Segment] = []
    for segment in segments:
        if isinstance(segment, Text) and joined and isinstance(joined[-1], Text):
            joined[-1] = Text(joined[-1].tokens + segment.tokens)
        else:
            joined.append(segment)
    return joined


def _plain(token: str) -> str:
    return re.sub(f"{NOTE}[^{NOTE}]*{NOTE}", "", token)


def _content_words(tokens: Sequence[str]) -> list[str]:
    words = [re.sub(r"[^0-9a-z]+", "", _plain(token).lower()) for token in tokens if token != PARAGRAPH]
    return [word for word in words if word and word not in STOPWORDS and not word.isdigit()]


def _context_name(parts: Sequence[Text | _Slot | Data], index: int) -> str:
    """A field named after the two content words before it ("…the Hampshire VRU ___" → vru)."""
    before = parts[index - 1] if index else None
    if isinstance(before, Data) and index >= 2:
        before = parts[index - 2]
    if isinstance(before, Text):
        words = _content_words(before.tokens[-6:])[-2:]
        if words:
            return _slug(" ".join(words), 2)
    after = parts[index + 1] if index + 1 < len(parts) else None
    if isinstance(after, Text):
        return _slug(" ".join(_content_words(after.tokens[:6])[:2]), 2)
    return ""


def _passage_name(tokens: Sequence[str]) -> str:
    """A passage named after its capitalised phrase ("…my Annual Report outlining…" → annual_report)."""
    plain = [_plain(token).strip(".,;:()'\"") for token in tokens if token != PARAGRAPH]
    best: list[str] = []
    run: list[str] = []
    for position, word in enumerate([*plain, ""]):
        if position > 0 and word[:1].isupper() and word.lower() not in STOPWORDS:
            run.append(word)
            continue
        if len(run) > len(best):
            best = run
        run = []
    if len(best) >= 2:
        return _slug(" ".join(best), 3)
    return _slug(" ".join(_content_words(tokens)[:2]), 2)


def _slug(text: str, words: int) -> str:
    parts = [re.sub(r"[^0-9a-z]+", "", word) for word in strip_markup(text).lower().split()]
    slug = "_".join([part for part in parts if part and part not in STOPWORDS][:words])[:40]
    return slug if re.match(r"^[a-z]", slug) else ""


def unique_name(name: str, used: set[str]) -> str:
    candidate, n = name, 2
    while candidate in used:
        candidate, n = f"{name}_{n}", n + 1
    used.add(candidate)
    return candidate


# --- writing the template -----------------------------------------------------------------------


def write_template(segments: Sequence[Segment]) -> str:
    out: list[str] = []
    for segment in segments:
        if isinstance(segment, Text):
            out.append(_tokens(segment.tokens, out))
        elif isinstance(segment, Data):
            out.append(f"{{{{ contact.{segment.attribute} }}}}" + _token(segment.glued, False))
        elif isinstance(segment, Field):
            out.append(f"{{{{ fields.{segment.name} }}}}")
        elif isinstance(segment, Request):
            out.append(_request(segment, out))
        else:
            branches = []
            for number, (value, tokens) in enumerate(segment.alternatives):
                keyword = "if" if number == 0 else "elif"
                branches.append(f'{{% {keyword} fields.{segment.name} == "{value}" %}}{_tokens(tokens, out)}')
            out.append("".join(branches) + "{% endif %}")
    text = " ".join(part for part in out if part)
    text = re.sub(r" *\n\n *", "\n\n", text)
    return text.strip() + "\n"


def _request(request: Request, before: Sequence[str]) -> str:
    """``{% if items.published %}`` for the published wording, then the asking wordings."""
    branches = [("{% if items.published %}", request.published)] if request.published is not None else []
    for number, (value, tokens) in enumerate(request.asked, start=1):
        if number == len(request.asked):
            test = "{% else %}" if branches else ""
        else:
            test = "{% " + ("elif" if branches else "if") + f' fields.{request.field} == "{value}" %}}'
        branches.append((test, tokens))
    text = "".join(test + _tokens(tokens, before) for test, tokens in branches)
    return text + ("{% endif %}" if len(branches) > 1 else "")


def _tokens(tokens: Sequence[str], before: Sequence[str]) -> str:
    words: list[str] = []
    line_start = not before or before[-1].endswith("\n\n")
    for token in tokens:
        if token == PARAGRAPH:
            words.append("\n\n")
            line_start = True
            continue
        words.append(_token(token, line_start))
        line_start = False
    return " ".join(words)


def _token(token: str, line_start: bool) -> str:
    pieces = re.split(f"([{NOTE}{LIST}][^{NOTE}{LIST}]*[{NOTE}{LIST}])", token)
    out = []
    for n, piece in enumerate(pieces):
        if n % 2 and piece[0] == NOTE:
            out.append(f'{{{{ cite("{piece[1:-1]}") }}}}')
        elif n % 2:
            state, joiner = piece[1:-1].split(":")
            join = "english_list" if joiner == "and" else 'join(", ")'
            out.append(f'{{{{ items.{state} | map(attribute="name") | {join} }}}}')
        else:
            out.append("".join(_literal(piece, at) for at in range(len(piece))))
    text = "".join(out)
    if line_start and LINE_START_SPECIAL.match(text):
        text = re.sub(r"^(\d+)([.)])", r"\1\\\2", text) if text[0].isdigit() else "\\" + text
    return text


def _literal(piece: str, at: int) -> str:
    """The character at ``at`` as the template writes it to be printed as it is: Markdown's specials
    backslash-escaped; a "{" that would open a Jinja tag ("{{", "{%", "{#", or one last, which a tag
    may follow) printed by an expression, ``{{ "{" }}``, which Markdown-escapes what it prints."""
    char = piece[at]
    if char == "{" and piece[at + 1 : at + 2] in {"", "{", "%", "#"}:
        return '{{ "{" }}'
    return f"\\{char}" if char in MARKDOWN_SPECIAL else char


# --- the check that matters ---------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    letter: str  # the file's name
    differences: tuple[tuple[str, str], ...]  # (the letter's words, the rendering's words)

    def __str__(self) -> str:
        return f"{self.letter}: " + "; ".join(f"“{a}” became “{b}”" for a, b in self.differences)


def compare(letter_text: str, rendered_text: str, letterhead: Sequence[str] = ()) -> tuple[tuple[str, str], ...]:
    """Word-for-word differences; a letterhead the letter leaves out (most conversions drop it) is none,
    nor one that prints only its end (the office's address, with no signatory's name above it)."""
    original, ours = words(letter_text), words(rendered_text)
    head = list(letterhead)
    body, theirs = ours.body, original.body
    if head and body[: len(head)] == head and theirs[: len(head)] != head:
        body = body[len(head) :]
        start = next(n for n in range(len(head) + 1) if theirs[: len(head) - n] == head[n:])
        theirs = theirs[len(head) - start :]
    matcher = SequenceMatcher(None, theirs, body, autojunk=False)
    found = [
        (" ".join(theirs[i1:i2]), " ".join(body[j1:j2]))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]
    for number in sorted(set(original.footnotes) | set(ours.footnotes)):
        if original.footnotes.get(number) != ours.footnotes.get(number):
            theirs, mine = original.footnotes.get(number, []), ours.footnotes.get(number, [])
            found.append((f"[{number}] " + " ".join(theirs), f"[{number}] " + " ".join(mine)))
    return tuple(found)


def letterhead_words(office: OfficeData) -> list[str]:
    name = " ".join(part for part in (office.signatory_name, office.signatory_honours) if part)
    lines = [name, office.name, *office.address]
    lines += [f"Tel: {office.phone}"] if office.phone else []
    lines += [f"Email: {office.email}"] if office.email else []
    return " ".join(lines).split()


def check(learned: LearnedCampaign, texts: Sequence[tuple[str, str]]) -> list[Difference]:
    """Render each learned recipient as plain text and compare it with its letter (name, text)."""
    from docket.letters.compose import build_letter
    from docket.letters.templating import compile_template
    from docket.letters.text import to_text

    campaign = learned.campaign_data("learned", "Learned")
    template = compile_template(campaign.template, campaign.slug)
    head = letterhead_words(learned.office)
    found = []
    for (name, text), recipient in zip(texts, learned.recipients, strict=True):
        rendered = to_text(build_letter(campaign, recipient, template, blanks_print=True)).decode()
        differences = compare(text, rendered, head)
        if differences:
            found.append(Difference(name, differences))
    return found
