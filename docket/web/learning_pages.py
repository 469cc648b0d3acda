"""Start a campaign from letters already written: upload, see what was learnt, then create it.

The page is a thin caller of what ``docket learn-campaign`` does (``learn``, ``check``,
``save_learned``). Nothing is written until the person confirms: the letters' texts, as
read on upload (within the readers' caps), travel to the confirming step inside the form
itself, signed by the server (``django.core.signing``, compressed), so no session, file or
row holds them in between and a tampered form is refused. Creating a campaign is editor
work (``edit``); the person who creates it joins its team, so that an editor sees it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_slug
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify

from docket import words
from docket.campaigns.copying import RESERVED_SLUGS
from docket.campaigns.learning import CampaignExists, LetterNotReproduced, add_letter, office_for, save_learned
from docket.campaigns.models import Campaign, Office
from docket.errors import DocketError
from docket.letters import learning
from docket.letters.learning import (
    Difference,
    LearnedCampaign,
    check,
    learn,
    limits_in_words,
    recipient_problems,
    refuse_too_much,
)
from docket.letters.reading import FORMATS, MAX_FILE_BYTES, ReadingError, letter_text, parse_letter
from docket.web.access import access_campaign
from docket.web.decorators import actor_of, requires

SALT = "docket.web.learning_pages"
MAX_AGE_SECONDS = 6 * 3600  # a report left open this long is read again from the files


@dataclass(frozen=True)
class Learnt:
    letters: list[tuple[str, str]]  # (file name, text)
    learned: LearnedCampaign
    differences: list[Difference]


def _texts(files: list[UploadedFile[Any]]) -> tuple[list[tuple[str, str]], list[str]]:
    """Each file's text, and a plain message for each file that cannot be read."""
    texts, errors = [], []
    if len(files) > learning.MAX_LETTERS:  # before any is read
        return [], [f"{len(files):,} files: Docket learns from {limits_in_words()}."]
    for upload in files:
        name = upload.name or "letter"
        if (upload.size or 0) > MAX_FILE_BYTES:
            errors.append(f"{name}: the file is larger than the {MAX_FILE_BYTES // 2**20} MB Docket reads of a letter.")
            continue
        try:
            texts.append((name, letter_text(name, upload.read())))
        except ReadingError as error:
            errors.append(str(error))
    if not errors:
        try:
            refuse_too_much(texts)  # before any learning
        except ReadingError as error:
            errors.append(str(error))
    return texts, errors


def _learn(letters: list[tuple[str, str]]) -> Learnt:
    learned = learn([parse_letter(name, text) for name, text in letters])
    return Learnt(letters, learned, check(learned, letters))


def _report(learnt: Learnt) -> dict[str, Any]:
    names = [name for name, _ in learnt.letters]
    learned = learnt.learned
    items = [
        {
            "item": item,
            "states": [
                (name, next((s for s in person.items if s.key == item.key), None))
                for name, person in zip(names, learned.recipients, strict=True)
            ],
        }
        for item in learned.items
    ]
    return {
        "names": names,
        "learned": learned,
        "fields": [(f, list(zip(names, f.values, strict=True))) for f in learned.fields],
        "people": list(zip(names, learned.recipients, strict=True)),
        "items": items,
        "differences": learnt.differences,
        # The workspace's office, when the campaign will carry its letterhead and signature, not the letters'.
        "other_office": _other_office(learned),
    }


def _other_office(learned: LearnedCampaign) -> Office | None:
    office = office_for(learned)
    if office is None:
        return None
    same_name = office.name.strip().lower() == learned.office.name.strip().lower()
    signed = learned.office.signatory_name.strip().lower()
    return None if same_name and (not signed or office.signatory_name.strip().lower() == signed) else office


def _checked_slug(slug: str, errors: dict[str, str]) -> None:
    try:
        validate_slug(slug)
    except Exception:
        errors["slug"] = "Enter a short name of letters, numbers, hyphens or underscores, such as vru-2021"
        return
    if Campaign.objects.filter(slug=slug).exists() or slug in RESERVED_SLUGS:
        errors["slug"] = f"A campaign called {slug} already exists: choose another short name"


@requires("edit")
def learn_campaign(request: HttpRequest) -> HttpResponse:
    """Step 1 (upload) and step 2 (the report), and step 3 on "Create the campaign"."""
    if request.method == "POST" and "payload" in request.POST:
        return _create(request)
    context: dict[str, Any] = {"formats": ", ".join(FORMATS), "values": {}, "errors": {}, "limits": limits_in_words()}
    if request.method != "POST":
        return render(request, "web/learn_campaign.html", context)
    # A short name typed as words ("Unigrwydd 2026") is made one ("unigrwydd-2026"), as a new campaign's is.
    slug, title = slugify(request.POST.get("slug", "").strip()), request.POST.get("title", "").strip()
    errors: dict[str, str] = {}
    _checked_slug(slug, errors)
    if not title:
        errors["title"] = "Enter the campaign's title"
    files = request.FILES.getlist("letters")
    if not files:
        errors["letters"] = "Choose the letters to learn from (at least one file)"
    texts, problems = _texts(files)
    if problems:
        errors["letters"] = " ".join(problems)
    learnt = None
    if not errors:
        try:
            learnt = _learn(texts)
        except (ReadingError, ValueError) as error:
            errors["letters"] = str(error)
    if learnt is not None and (unfit := recipient_problems(learnt.learned)):
        errors["letters"] = " ".join(unfit)  # refused here, before the report offers to create the campaign
    context.update(values={"slug": slug, "title": title}, errors=errors)
    if errors or learnt is None:
        return render(request, "web/learn_campaign.html", context, status=400)
    payload = signing.dumps({"slug": slug, "title": title, "letters": texts}, salt=SALT, compress=True)
    context.update(_report(learnt), payload=payload)
    return render(request, "web/learn_report.html", context)


def _create(request: HttpRequest) -> HttpResponse:
    try:
        data = signing.loads(request.POST["payload"], salt=SALT, max_age=MAX_AGE_SECONDS)
        slug, title, letters = str(data["slug"]), str(data["title"]), [(str(n), str(t)) for n, t in data["letters"]]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        messages.error(request, "The report was too old or altered: upload the letters again.")
        return redirect("web:learn_campaign")
    learnt = _learn(letters)
    accept = request.POST.get("accept_differences") == "yes"
    errors: dict[str, str] = {}
    if learnt.differences and not accept:
        errors["accept_differences"] = (
            f"{words.count(len(learnt.differences), 'letter')} would not be written word for word: "
            "tick “Create it anyway” to create the campaign all the same"
        )
    if not errors:
        try:
            creator = request.user if isinstance(request.user, User) else None
            save_learned(learnt.learned, slug, title, actor=actor_of(request), creator=creator)
        except CampaignExists:
            errors["slug"] = (
                f"A campaign called {slug} has been created since: upload the letters again with another short name"
            )
        except DocketError as error:  # letters to one person, or whose recipient could not be read: nothing saved
            errors["letters"] = str(error)
    if errors:
        context = {**_report(learnt), "payload": request.POST["payload"], "errors": errors}
        context.update(values={"slug": slug, "title": title})
        return render(request, "web/learn_report.html", context, status=400)
    messages.success(
        request,
        f"Campaign “{title}” created from {words.count(len(letters), 'letter')}. "
        "Each recipient is a Draft: the letters are not recorded as sent.",
    )
    return redirect("web:campaign", slug=slug)


@requires("edit")
def add_letter_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Add one recipient to a campaign from a letter already written (as ``docket add-letter``)."""
    campaign = access_campaign(request.user, slug)
    context: dict[str, Any] = {"campaign": campaign, "formats": ", ".join(FORMATS), "errors": {}}
    if request.method != "POST":
        return render(request, "web/add_letter.html", context)
    files = request.FILES.getlist("letter")
    texts, problems = _texts(files[:1])
    errors = {"letter": " ".join(problems) or "Choose a letter"} if problems or not texts else {}
    if not errors:
        name, text = texts[0]
        try:
            accept = request.POST.get("accept_differences") == "yes"
            added = add_letter(campaign, name, text, accept_differences=accept, actor=actor_of(request))
        except LetterNotReproduced as error:
            errors["letter"] = str(error)
            context["differences"] = error.differences
        except DocketError as error:
            errors["letter"] = str(error)
    if errors:
        context["errors"] = errors
        return render(request, "web/add_letter.html", context, status=400)
    contact = added.recipient.contact
    messages.success(request, f"{contact.full_name} ({contact.body.name}) added from {name}.")
    return redirect("web:campaign", slug=slug)
