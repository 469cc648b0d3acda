"""``docket export-site OUTDIR``: the public site as static files, ready to upload anywhere.

The same pages as the live site, with relative links; the redacted PDFs; open
data (CSV and JSON); an Atom feed; GOV.UK Frontend's stylesheet. The same
database gives byte-identical files: nothing in them depends on when or where
the export ran.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from docket.campaigns.models import Office
from docket.errors import DocketError
from docket.publishing import site

# Written into every export, so that a later export knows the folder is one of its own to replace.
MARKER = ".docket-export"


class ExportRefused(DocketError):
    pass


def _check_target(out: Path) -> None:
    """Refuse a folder that holds anything but an earlier export, and Docket's own data."""
    if out.exists() and not out.is_dir():
        raise ExportRefused(f"{out} is a file, not a folder: give the name of a folder to write the site into.")
    target = out.resolve()
    for name, kept in (("data folder", settings.DATA_DIR), ("files folder", settings.MEDIA_ROOT)):
        kept = Path(kept).resolve()
        if target == kept or target in kept.parents or kept in target.parents:
            raise ExportRefused(
                f"{out} is, or is inside or around, Docket's {name} ({kept}): "
                "the export would overwrite what Docket keeps. Choose a folder of its own."
            )
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise ExportRefused(
            f"{out} is not empty and does not hold an earlier export of the site: choose an empty or new folder."
        )


def export_site(out: Path, site_url: str = "") -> int:
    """Write the site into ``out``: a new or empty folder, or an earlier export, which is replaced.

    Returns the number of files written (not counting the marker file).
    """
    _check_target(out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / MARKER).write_text("This folder is a static export of Docket's public site; the next export replaces it.\n")
    office = Office.objects.order_by("pk").values_list("name", flat=True).first() or "Published correspondence"
    written = 0
    for page in site.pages():
        depth = page.path.count("/")
        root = "../" * depth if depth else "./"
        context = page.context | {"root": root, "assets": f"{root}assets/", "office_name": office, "live": False}
        html = render_to_string(page.template, context)
        target = out / page.path / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
        written += 1
    for path, data in site.files():
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_bytes(data)
        written += 1
    (out / "data").mkdir()
    (out / "data" / "requests.csv").write_bytes(site.open_data_csv())
    (out / "data" / "requests.json").write_bytes(site.open_data_json())
    (out / "feed.atom").write_bytes(site.atom_feed(site_url or getattr(settings, "DOCKET_PUBLIC_URL", "")))
    stylesheet = finders.find("docket/vendor/govuk-frontend.min.css")
    assert isinstance(stylesheet, str)
    (out / "assets").mkdir()
    shutil.copyfile(stylesheet, out / "assets" / "govuk-frontend.min.css")
    return written + 4
