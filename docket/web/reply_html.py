"""A reply's HTML as staff see it: nothing in it fetches from another server when the page opens.

An image in an HTML email may be a tracking pixel: loading it tells the sender who read the
reply, when, and from where. Images carried in the message itself (``data:``) still show.
"""

from __future__ import annotations

import lxml.html
import nh3

PLACEHOLDER = "[A remote image was not loaded{alt}]"
PLACEHOLDER_CLASS = "docket-remote-image"


def _is_embedded(src: str) -> bool:
    return src.strip().lower().startswith("data:image/")


def without_remote_images(html: str) -> str:
    """The (already sanitised) HTML with each image that is not embedded replaced by a note."""
    if "<img" not in html.lower():
        return html
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for image in list(root.iter("img")):
        src = image.get("src", "")
        if _is_embedded(src):
            continue
        if not src.strip():  # nothing to load (the first cleaning drops sources it does not allow)
            image.drop_tree()
            continue
        alt = (image.get("alt") or "").strip()
        note = lxml.html.Element("span", {"class": PLACEHOLDER_CLASS})
        note.text = PLACEHOLDER.format(alt=f": {alt}" if alt else "")
        note.tail = image.tail
        parent = image.getparent()
        if parent is not None:  # always, inside the wrapping div
            parent.replace(image, note)
    rewritten = lxml.html.tostring(root, encoding="unicode")
    # Cleaned again, so that the rewriting cannot have let anything through the first cleaning kept out.
    attributes = {**nh3.ALLOWED_ATTRIBUTES, "span": {"class"}}
    return nh3.clean(rewritten, attributes=attributes)
