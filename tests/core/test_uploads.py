"""Uploads judged whole (core.uploads): what each kind of crafted file gets, and what is kept of an image.

The files are built in tests/files.py with pypdf and Pillow. The same files go through the upload pages in
tests/views/test_bad_uploads.py (French message next to the field, nothing stored)."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageFile, PngImagePlugin

from parcours.core import uploads
from tests import files

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'


def judge(content: bytes, name: str = "piece.pdf") -> uploads.CheckedUpload:
    return uploads.validate_upload(SimpleUploadedFile(name, content))


def refusal(content: bytes, name: str = "piece.pdf") -> str:
    with pytest.raises(ValidationError) as caught:
        judge(content, name)
    return " ".join(caught.value.message_dict["file"])


# Each crafted file and the reason a user reads.
REFUSED = {
    "html-starting-with-pdf-header": (b"%PDF-1.7\n" + HTML, uploads.PDF_MARKUP),
    "svg-starting-with-pdf-header": (b"%PDF-1.4\n" + SVG, uploads.PDF_MARKUP),
    "pdf-header-then-text": (b"%PDF-1.4\nrien d'autre\n%%EOF\n", uploads.PDF_UNREADABLE),
    "valid-pdf-then-html": (files.blank_pdf() + HTML, uploads.PDF_MARKUP),
    "document-javascript": (files.pdf_with_document_javascript(), uploads.PDF_JAVASCRIPT),
    "open-action-javascript": (
        files.pdf_with_open_action("/JavaScript", JS="app.launchURL('https://exemple.invalid');"),
        uploads.PDF_JAVASCRIPT,
    ),
    "open-action-launch": (files.pdf_with_open_action("/Launch", F="calc.exe"), uploads.PDF_LAUNCH),
    "embedded-file": (files.pdf_with_embedded_file(), uploads.PDF_EMBEDDED),
    "encrypted": (files.encrypted_pdf(), uploads.PDF_ENCRYPTED),
    "zip-renamed-pdf": (files.zip_archive(), uploads.REFUSED_TYPE),
    "jpeg-header-then-html": (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + HTML, uploads.IMAGE_UNREADABLE),
    "truncated-jpeg": (files.jpeg()[:-400], uploads.IMAGE_UNREADABLE),
    "truncated-png": (files.png()[:-400], uploads.IMAGE_UNREADABLE),
    "png-signature-only": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, uploads.IMAGE_UNREADABLE),
    "svg": (SVG, uploads.REFUSED_TYPE),
    "html": (HTML, uploads.REFUSED_TYPE),
}


@pytest.mark.parametrize(("content", "message"), REFUSED.values(), ids=REFUSED.keys())
def test_crafted_files_are_refused_with_their_reason(content, message):
    assert refusal(content) == message


@pytest.mark.parametrize("content", [files.jpeg()[:-400], files.png()[:-400], files.png()[:-12]])
def test_truncated_images_are_refused_even_when_pillow_would_load_them(content, monkeypatch):
    # WeasyPrint (the documents app) sets this for the whole process: Pillow then fills the missing part.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    assert refusal(content, "photo") == uploads.IMAGE_UNREADABLE


def test_the_reasons_are_french_sentences():
    assert uploads.PDF_JAVASCRIPT == "Ce PDF contient du JavaScript : il est refusé."


def test_a_javascript_name_spelled_with_escapes_is_still_found():
    # `/J#53` is `/JS` for a PDF reader: the raw bytes carry no `/JS` but the parsed object does.
    content = files.pdf_with_open_action("/JavaScript", JS="app.alert(1)")
    escaped = content.replace(b"/JS ", b"/J#53 ").replace(b"/JavaScript", b"/J#61vaScript")
    assert b"/JS " not in escaped
    assert refusal(escaped) == uploads.PDF_JAVASCRIPT


def test_the_object_walk_finds_what_the_raw_scan_would_miss(monkeypatch):
    """The parsed objects are searched too (names hidden in a compressed object stream never show in the raw
    bytes): with the raw scan switched off, every active PDF is still refused."""
    never = uploads.re.compile(rb"(?!)")
    monkeypatch.setattr(uploads, "_RAW_NAMES", never)
    monkeypatch.setattr(uploads, "_MARKUP", never)
    assert refusal(files.pdf_with_document_javascript()) == uploads.PDF_JAVASCRIPT
    assert refusal(files.pdf_with_open_action("/Launch", F="calc.exe")) == uploads.PDF_LAUNCH
    assert refusal(files.pdf_with_embedded_file()) == uploads.PDF_EMBEDDED
    assert refusal(b"%PDF-1.7\n" + HTML) == uploads.PDF_UNREADABLE


def test_a_plain_pdf_is_stored_as_sent():
    pdf = files.blank_pdf()
    assert judge(pdf) == (pdf, "application/pdf")


@pytest.mark.parametrize(
    ("content", "content_type"), [(files.jpeg(), "image/jpeg"), (files.png(), "image/png")]
)
def test_images_are_reencoded(content, content_type):
    checked = judge(content, "photo")
    assert checked.content_type == content_type
    with Image.open(io.BytesIO(checked.content)) as image:
        assert image.size == (64, 48)


def test_exif_and_gps_are_gone_from_a_stored_photo():
    photo = files.jpeg_with_gps()
    with Image.open(io.BytesIO(photo)) as original:
        assert original.getexif().get_ifd(files.GPS_IFD)[2] == files.GPS_LATITUDE
    checked = judge(photo, "photo.jpg")
    assert checked.content_type == "image/jpeg"
    with Image.open(io.BytesIO(checked.content)) as stored:
        assert not stored.getexif()
        assert "exif" not in stored.info
    assert b"Exif" not in checked.content and b"SN-0042" not in checked.content


def test_png_text_chunks_are_gone():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "Adresse : 12 rue Fictive")
    checked = judge(files.png(pnginfo=info), "scan.png")
    assert b"rue Fictive" not in checked.content


def test_html_appended_to_a_valid_jpeg_is_dropped():
    checked = judge(files.jpeg() + HTML, "photo.jpg")
    assert b"<script" not in checked.content


def test_decompression_bomb_is_refused_before_decoding(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_IMAGE_PIXELS", 64 * 48 - 1)
    assert refusal(files.png(), "photo.png").startswith("Cette image est trop grande")


def test_pillow_bomb_limit_is_refused_too():
    """An image beyond Pillow's own ceiling (twice Image.MAX_IMAGE_PIXELS) fails at opening, same message."""
    huge = Image.new("1", (20_000, 10_000))
    out = io.BytesIO()
    huge.save(out, format="PNG")  # 200 million pixels in a few dozen kilobytes
    assert len(out.getvalue()) < 100_000
    assert refusal(out.getvalue(), "bombe.png") == uploads.IMAGE_TOO_LARGE
