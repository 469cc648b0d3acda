"""Hostile PDFs for redaction: each hides "Marlowe Quint" (or his address) where a naive redactor misses it.

Every case is made here with pikepdf and Pillow. After redaction the result is searched by means that
share nothing with the redactor: the text a reader extracts, OCR of every page as shown, OCR of every
image anywhere in the file, and every object decompressed, in Latin-1 and UTF-16. A single hit is a leak.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import unicodedata
import zlib
from collections.abc import Callable

import pikepdf
import pypdfium2
import pytest
from PIL import Image, ImageDraw, ImageFont

from docket.letters.pdf import FONTS
from docket.publishing.pdf_redaction import RedactionFailed, redact_pdf
from docket.publishing.redaction import Rule, allow_list, find

SECRETS = ("marlowe", "quint", "griffith")
RULES = (Rule("Marlowe Quint", "an officer's name"), Rule("Griffith", "an officer's name"))
KEPT = "strategy"
Box = tuple[float, float, float, float]  # every case that has it must keep it, as text or OCR


def finder(text: str) -> list[tuple[int, int]]:
    allowed = allow_list(["office@commissioner.example"], [])
    return [(span.start, span.end) for span in find(text, RULES, allowed)]


# ---- making hostile PDFs ----------------------------------------------------------------------------------


def text_image(pdf: pikepdf.Pdf, text: str, width: int = 900, height: int = 90, size: int = 48) -> pikepdf.Stream:
    """An image XObject of black text on white, as a scan would hold it."""
    image = Image.new("L", (width, height), 255)
    font = ImageFont.truetype(str(FONTS / "LiberationSans-Regular.ttf"), size)
    ImageDraw.Draw(image).text((10, (height - size) // 2), text, font=font, fill=0)
    return image_stream(pdf, image)


def image_stream(pdf: pikepdf.Pdf, image: Image.Image) -> pikepdf.Stream:
    stream = pikepdf.Stream(pdf, zlib.compress(image.tobytes()))
    stream.Type, stream.Subtype, stream.Filter = pikepdf.Name.XObject, pikepdf.Name.Image, pikepdf.Name.FlateDecode
    stream.Width, stream.Height, stream.BitsPerComponent = image.width, image.height, 8
    stream.ColorSpace = pikepdf.Name.DeviceGray
    return stream


def fonts(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    def font(base: str, encoding: str) -> pikepdf.Dictionary:
        return pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Font,
                Subtype=pikepdf.Name.Type1,
                BaseFont=pikepdf.Name(base),
                Encoding=pikepdf.Name(encoding),
            )
        )

    return pikepdf.Dictionary(
        F1=font("/Helvetica", "/WinAnsiEncoding"),
        F2=font("/Times-Bold", "/WinAnsiEncoding"),
        F3=font("/Helvetica", "/StandardEncoding"),  # \256 is the "fi" ligature
    )


def one_page(
    content: bytes,
    *,
    media: tuple[float, float, float, float] = (0, 0, 360, 180),
    crop: tuple[float, float, float, float] | None = None,
    rotate: int = 0,
    images: dict[str, Callable[[pikepdf.Pdf], pikepdf.Object]] | None = None,
    extra: Callable[[pikepdf.Pdf, pikepdf.Page], None] | None = None,
) -> bytes:
    pdf = pikepdf.new()
    resources = pikepdf.Dictionary(Font=fonts(pdf))
    if images:
        resources.XObject = pikepdf.Dictionary({f"/{name}": make(pdf) for name, make in images.items()})
    page = pikepdf.Page(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=pikepdf.Array(media),
            Resources=resources,
            Contents=pdf.make_stream(content),
        )
    )
    if crop is not None:
        page.obj.CropBox = pikepdf.Array(crop)
    if rotate:
        page.obj.Rotate = rotate
    pdf.pages.append(page)
    if extra is not None:
        extra(pdf, pdf.pages[0])
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


LINE = b"BT /F1 12 Tf 20 140 Td (Response Strategy 2020, by the lead officer) Tj ET\n"


def text(words: bytes, x: int = 20, y: int = 100, font: bytes = b"/F1 14") -> bytes:
    return b"BT " + font + b" Tf %d %d Td " % (x, y) + words + b" ET\n"


# For /Rotate 90, 180 and 270: the matrix that draws a page laid out upright (w x h) so that it is shown upright.
UPRIGHT = {
    90: lambda w, h: (0, 1, -1, 0, h, 0),
    180: lambda w, h: (-1, 0, 0, -1, w, h),
    270: lambda w, h: (0, -1, 1, 0, 0, w),
}


def upright_page(content: bytes, rotate: int, box: tuple[float, float, float, float], crop: Box | None = None) -> bytes:
    """A page shown upright, its content drawn turned the other way as a scanner or a landscape page does."""
    if not rotate:
        return one_page(content, media=box, crop=crop)
    a, b, c, d, e, f = UPRIGHT[rotate](box[2], box[3])

    def turned(rect: Box) -> Box:
        xs, ys = zip(*((a * x + c * y + e, b * x + d * y + f) for x in rect[::2] for y in rect[1::2]), strict=True)
        return (min(xs), min(ys), max(xs), max(ys))

    matrix = b"%g %g %g %g %g %g cm\n" % (a, b, c, d, e, f)
    return one_page(
        b"q " + matrix + content + b"Q\n", media=turned(box), crop=turned(crop) if crop else None, rotate=rotate
    )


def rotated(angle: int) -> bytes:
    return upright_page(LINE + text(b"(Contact Marlowe Quint on Tuesdays) Tj"), angle, (0, 0, 360, 180))


def cropped(rotate: int = 0) -> bytes:
    content = b"BT /F1 12 Tf 220 300 Td (Response Strategy 2020, by the lead officer) Tj ET\n" + text(
        b"(Contact Marlowe Quint on Tuesdays) Tj", 220, 260
    )
    return upright_page(content, rotate, (0, 0, 700, 500), (200, 200, 560, 380))


def user_unit() -> bytes:
    def unit(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
        page.obj.UserUnit = 2

    return one_page(LINE + text(b"(Contact Marlowe Quint on Tuesdays) Tj"), extra=unit)


def text_and_image() -> bytes:
    content = LINE + text(b"(Contact Marlowe Quint) Tj", y=110) + b"q 300 0 0 30 20 40 cm /Im1 Do Q\n"
    return one_page(content, images={"Im1": lambda pdf: text_image(pdf, "Signed: Marlowe Quint")})


def image_only_secret() -> bytes:
    content = LINE + text(b"(Annual report summary for the board) Tj", y=110) + b"q 300 0 0 30 20 40 cm /Im1 Do Q\n"
    return one_page(content, images={"Im1": lambda pdf: text_image(pdf, "Signed: Marlowe Quint")})


def scan_rotated() -> bytes:
    def scan(pdf: pikepdf.Pdf) -> pikepdf.Stream:
        image = Image.new("L", (1000, 500), 255)
        font = ImageFont.truetype(str(FONTS / "LiberationSans-Regular.ttf"), 44)
        draw = ImageDraw.Draw(image)
        draw.text((30, 150), "Response Strategy 2020", font=font, fill=0)
        draw.text((30, 250), "Contact Marlowe Quint today", font=font, fill=0)
        return image_stream(pdf, image.rotate(90, expand=True))

    # the picture is stored on its side and the page turned back upright by /Rotate 90
    return one_page(b"q 180 0 0 360 0 0 cm /Im1 Do Q\n", media=(0, 0, 180, 360), rotate=90, images={"Im1": scan})


def thumbnail() -> bytes:
    def thumb(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
        page.obj.Thumb = text_image(pdf, "Marlowe Quint", 600, 100, 60)

    return one_page(LINE + text(b"(Nothing else on this page) Tj"), extra=thumb)


def unused_form() -> bytes:
    def form(pdf: pikepdf.Pdf) -> pikepdf.Stream:
        stream = pdf.make_stream(b"BT /F1 12 Tf 0 0 Td (Marlowe Quint) Tj ET")
        stream.Type, stream.Subtype = pikepdf.Name.XObject, pikepdf.Name.Form
        stream.BBox = pikepdf.Array([0, 0, 200, 20])
        stream.Resources = pikepdf.Dictionary(Font=fonts(pdf))
        return stream

    return one_page(LINE + text(b"(Nothing else on this page) Tj"), images={"Fx1": form})


def unused_image() -> bytes:
    return one_page(
        LINE + text(b"(Nothing else on this page) Tj"),
        images={"Im9": lambda pdf: text_image(pdf, "Marlowe Quint", 600, 100, 60)},
    )


def unreachable() -> bytes:
    pdf = pikepdf.open(io.BytesIO(one_page(LINE)))
    pdf.Root.Outlines = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Outlines, Title=pikepdf.String("Marlowe Quint"))
    )
    pdf.docinfo.Author = "Marlowe Quint"
    pdf.Root.Names = pikepdf.Dictionary(
        JavaScript=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("x"), pikepdf.String("Marlowe Quint")]))
    )
    buffer = io.BytesIO()
    pdf.save(buffer)
    # and an object nothing refers to, added as an incremental update
    data = buffer.getvalue()
    start = data.rindex(b"startxref")
    prev = int(data[start + 9 :].split()[0])
    size = int(pdf.trailer.Size)
    orphan = b"\n%d 0 obj\n(Orphan: Marlowe Quint)\nendobj\n" % size
    offset = len(data) + 1
    root = pdf.trailer.Root.objgen[0]
    xref = b"xref\n%d 1\n%010d 00000 n \n" % (size, offset)
    xref += b"trailer\n<< /Size %d /Root %d 0 R /Prev %d >>\n" % (size + 1, root, prev)
    return data + orphan + xref + b"startxref\n%d\n%%%%EOF\n" % (len(data) + len(orphan))


def tiny_text() -> bytes:
    return one_page(text(b"(Marlowe Quint) Tj", font=b"/F1 1.5"))


def white_text() -> bytes:
    return one_page(b"1 1 1 rg " + text(b"(Marlowe Quint) Tj"))


def invisible_over_image() -> bytes:
    content = LINE + b"q 300 0 0 30 20 40 cm /Im1 Do Q\n" + b"BT 3 Tr /F1 14 Tf 20 50 Td (Marlowe Quint) Tj ET\n"
    return one_page(content, images={"Im1": lambda pdf: text_image(pdf, "Annual report summary")})


def spaced() -> bytes:
    return one_page(LINE + text(b"(Contact M a r l o w e   Q u i n t) Tj"))


def char_spacing() -> bytes:
    return one_page(LINE + text(b"5 Tc (Marlowe Quint) Tj"))


def kerned() -> bytes:
    return one_page(LINE + text(b"[(Contact ) (Mar) -40 (lo) 900 (we) -300 (Qu) 15 (int)] TJ"))


def split_fonts() -> bytes:
    words = b"(Contact Marl) Tj /F2 14 Tf (owe Qu) Tj /F1 14 Tf (int) Tj"
    return one_page(LINE + text(words))


def split_positioned() -> bytes:
    content = LINE + text(b"(Contact Marlo) Tj") + text(b"(we) Tj", 115, 100, b"/F2 14") + text(b"(Quint) Tj", 142)
    return one_page(content)


def hyphenated() -> bytes:
    content = LINE + text(b"(The report from Officer Mar-) Tj") + text(b"(lowe Quint follows below.) Tj", y=82)
    return one_page(content)


def soft_hyphen() -> bytes:
    return one_page(LINE + text(b"(Officer Mar\255lowe Quint) Tj"))


def ligature() -> bytes:
    return one_page(LINE + text(b"(Officer Grif\256th spoke) Tj", font=b"/F3 14"))


def email_two_lines() -> bytes:
    content = LINE + text(b"(Write to marlowe.quint@) Tj") + text(b"(hampshire-pcc.example today.) Tj", y=82)
    return one_page(content)


def email_hyphen_break() -> bytes:
    content = LINE + text(b"(Write to marlowe.quint@hampshire-) Tj") + text(b"(pcc.example today.) Tj", y=82)
    return one_page(content)


def outside_crop() -> bytes:
    content = LINE + text(b"(Contact Marlowe Quint) Tj", 400, 100)
    return one_page(content, media=(0, 0, 700, 180), crop=(0, 0, 360, 180))


def annotation() -> bytes:
    def annotate(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
        appearance = pdf.make_stream(b"BT /F1 12 Tf 2 4 Td (Marlowe Quint) Tj ET")
        appearance.Type, appearance.Subtype = pikepdf.Name.XObject, pikepdf.Name.Form
        appearance.BBox = pikepdf.Array([0, 0, 150, 20])
        appearance.Resources = pikepdf.Dictionary(Font=fonts(pdf))
        annot = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.FreeText,
            Rect=pikepdf.Array([20, 40, 170, 60]),
            Contents=pikepdf.String("Marlowe Quint"),
            DA=pikepdf.String("/Helv 12 Tf 0 g"),
            AP=pikepdf.Dictionary(N=appearance),
        )
        page.obj.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(annot)]))

    return one_page(LINE + text(b"(Nothing else on this page) Tj"), extra=annotate)


def two_pages() -> bytes:
    first = pikepdf.open(io.BytesIO(one_page(LINE + text(b"(Nothing secret here) Tj"))))
    with pikepdf.open(io.BytesIO(rotated(90))) as second:
        first.pages.extend(second.pages)
        buffer = io.BytesIO()
        first.save(buffer)
    return buffer.getvalue()


CASES: dict[str, Callable[[], bytes]] = {
    "rotate 90": lambda: rotated(90),
    "rotate 180": lambda: rotated(180),
    "rotate 270": lambda: rotated(270),
    "cropbox not at 0,0": cropped,
    "cropbox not at 0,0, rotated 90": lambda: cropped(90),
    "user unit 2": user_unit,
    "the word as text and in an image": text_and_image,
    "the word only in an image, beside a text layer": image_only_secret,
    "a scan stored on its side": scan_rotated,
    "page thumbnail": thumbnail,
    "unused form xobject": unused_form,
    "unused image xobject": unused_image,
    "unreachable objects, outline, docinfo, javascript": unreachable,
    "a page of tiny text": tiny_text,
    "a page of white text": white_text,
    "invisible text over an image": invisible_over_image,
    "spaced characters": spaced,
    "character spacing": char_spacing,
    "TJ kerning": kerned,
    "a phrase split across fonts": split_fonts,
    "a phrase in separately placed runs": split_positioned,
    "hyphenation at the end of a line": hyphenated,
    "a soft hyphen": soft_hyphen,
    "a ligature": ligature,
    "an email split over two lines": email_two_lines,
    "an email broken at its hyphen": email_hyphen_break,
    "text outside the crop box": outside_crop,
    "an annotation": annotation,
    "the second of two pages, rotated": two_pages,
}


# ---- looking for leaks, independently of the redactor -----------------------------------------------------


def squashed(found: str) -> str:
    """Lower case, ligatures undone, no spaces or hyphens of any kind: a leak is found across layout."""
    found = unicodedata.normalize("NFKC", found).lower()
    return "".join(c for c in found if not c.isspace() and c not in "-\u00ad\ufffe\u2010\u2011\x02")


def ocr(image: Image.Image) -> str:
    tesseract = shutil.which("tesseract")
    assert tesseract is not None
    buffer = io.BytesIO()
    image.convert("L").save(buffer, format="PNG")
    result = subprocess.run(
        [tesseract, "stdin", "stdout", "--psm", "11"], input=buffer.getvalue(), capture_output=True, check=True
    )
    return result.stdout.decode("utf-8", "replace")


def readable(data: bytes) -> dict[str, str]:
    """Everything a reader or a tool could get out of the file, by where it came from."""
    found: dict[str, str] = {}
    document = pypdfium2.PdfDocument(data)
    for number, page in enumerate(document):
        found[f"page {number + 1} text"] = page.get_textpage().get_text_range()
        found[f"page {number + 1} as shown"] = ocr(page.render(scale=200 / 72).to_pil())
    document.close()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        found["document information"] = str({k: str(v) for k, v in pdf.docinfo.items()})
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    raw = obj.read_bytes()
                except pikepdf.PdfError:
                    raw = obj.read_raw_bytes()
                if obj.get("/Subtype") == pikepdf.Name.Image:
                    picture = pikepdf.PdfImage(obj).as_pil_image()
                    if picture.width < 700:  # a thumbnail or a small picture: OCR reads it larger
                        picture = picture.resize((picture.width * 2, picture.height * 2))
                    found[f"image {obj.objgen}"] = ocr(picture)
            elif isinstance(obj, pikepdf.String):
                raw = bytes(obj)
            else:
                continue
            for encoding in ("latin-1", "utf-16-be", "utf-16-le"):
                found[f"object {obj.objgen} in {encoding}"] = raw.decode(encoding, "replace")
    return found


def leaks(found: dict[str, str]) -> list[str]:
    return [where for where, text in found.items() if any(s in squashed(text) for s in SECRETS)]


# ---- the cases ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES)
def test_it_leaves_nothing_of_what_was_redacted(case: str) -> None:
    original = CASES[case]()
    before = readable(original)
    assert leaks(before), "the case must hold the secret somewhere to begin with"
    redacted, count = redact_pdf(original, finder)
    after = readable(redacted)
    assert leaks(after) == []
    assert count >= 1 or not any("page" in where for where in leaks(before)), "a redaction is recorded"
    if KEPT in squashed(" ".join(before.values())):
        assert KEPT in squashed(" ".join(after.values())), "the rest of the page is kept"


def test_a_password_protected_pdf_is_refused_with_a_reason() -> None:
    pdf = pikepdf.open(io.BytesIO(one_page(LINE + text(b"(Contact Marlowe Quint) Tj"))))
    buffer = io.BytesIO()
    pdf.save(buffer, encryption=pikepdf.Encryption(user="secret", owner="secret"))
    with pytest.raises(RedactionFailed, match="password"):
        redact_pdf(buffer.getvalue(), finder)


def test_a_damaged_pdf_is_refused_with_a_reason() -> None:
    with pytest.raises(RedactionFailed, match="cannot be read"):
        redact_pdf(b"%PDF-1.7\n" + b"\x00" * 200, finder)
