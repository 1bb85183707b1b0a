"""Uploaded files judged whole, not by their first bytes (docs/saisies.md).

A PDF is parsed with pypdf and refused when it cannot be parsed, is encrypted, or carries anything active:
JavaScript, a launch action, embedded files, rich media (Flash, 3D, video), XFA forms. A JPEG or PNG image
is decoded in full with Pillow and re-encoded: the stored bytes are the new image, without its EXIF (GPS
position, camera serial number, date), comments or text chunks, and without anything appended after the
image. Every other file is refused. Each refusal is a French sentence saying why, attached to the form's
`file` field.
"""

from __future__ import annotations

import io
import re
import warnings
import zlib
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

# A decompression bomb (a small file that decodes to billions of pixels) is refused before it is decoded.
# 50 million pixels hold an A4 page scanned at 600 dpi (4 960 × 7 016 = 34.8 million) and any phone photo
# (a 48-megapixel sensor); Pillow's own default (89.5 million, Image.MAX_IMAGE_PIXELS) is looser.
MAX_IMAGE_PIXELS = 50_000_000

# The image formats kept, with the content type they are served with.
IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png"}
JPEG_QUALITY = 90  # re-encoding a scan at 90 keeps it legible; identical to the eye

PDF = "application/pdf"

REFUSED_TYPE = "Type de fichier refusé : seuls les PDF, PNG et JPEG sont acceptés."
PDF_UNREADABLE = (
    "Ce PDF est illisible ou endommagé : il est refusé. Enregistrez-le à nouveau ou numérisez la pièce."
)
PDF_ENCRYPTED = (
    "Ce PDF est chiffré ou protégé par un mot de passe : il est refusé. Déposez une copie sans protection."
)
PDF_JAVASCRIPT = "Ce PDF contient du JavaScript : il est refusé."
PDF_LAUNCH = "Ce PDF contient une commande qui lance un programme : il est refusé."
PDF_EMBEDDED = "Ce PDF contient des fichiers joints : il est refusé. Déposez chaque pièce séparément."
PDF_RICH_MEDIA = "Ce PDF contient un contenu multimédia ou un formulaire actif : il est refusé."
PDF_MARKUP = "Ce fichier mêle un PDF et une page web : il est refusé."
IMAGE_UNREADABLE = "Cette image est illisible ou incomplète : elle est refusée."
IMAGE_TOO_LARGE = (
    f"Cette image est trop grande (plus de {MAX_IMAGE_PIXELS // 1_000_000} millions de pixels) : "
    "elle est refusée. Réduisez sa résolution."
)

SIGNATURES = {
    b"%PDF-": PDF,
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}

# Names whose presence anywhere in a PDF's objects refuses it, with the reason. `/S /JavaScript` (an action's
# type) and `/JavaScript` (the document's name tree of scripts) are both caught as the name itself.
_REFUSED_NAMES = {
    "/JS": PDF_JAVASCRIPT,
    "/JavaScript": PDF_JAVASCRIPT,
    "/Launch": PDF_LAUNCH,
    "/EmbeddedFiles": PDF_EMBEDDED,
    "/EmbeddedFile": PDF_EMBEDDED,
    "/EF": PDF_EMBEDDED,
    "/RichMedia": PDF_RICH_MEDIA,
    "/XFA": PDF_RICH_MEDIA,
}
# The same names in the raw bytes (a `#xx` escape spells any letter), for what the parser would not reach:
# an object outside the cross-reference table that a lenient viewer could still find.
_RAW_NAMES = re.compile(
    rb"/(J|#4[aA])(S|#53)(?![A-Za-z0-9])|/(J|#4[aA])ava(S|#53)cript|/Launch|/EmbeddedFiles?|/RichMedia|/XFA"
)
_MARKUP = re.compile(rb"<\s*(script|html|svg|body|iframe|!doctype)|javascript:", re.IGNORECASE)


class CheckedUpload(NamedTuple):
    """What to store: the bytes (a re-encoded image, or the PDF as sent) and the content type they are."""

    content: bytes
    content_type: str


def sniff_content_type(head: bytes) -> str | None:
    for signature, content_type in SIGNATURES.items():
        if head.startswith(signature):
            return content_type
    return None


def validate_upload(uploaded) -> CheckedUpload:
    """Judge an uploaded file whole. Returns the bytes to store and their content type; raises a
    ValidationError on the `file` field, with a French message, for anything else."""
    if not uploaded.size:
        raise _refuse("Le fichier est vide.")
    if uploaded.size > settings.PARCOURS_UPLOAD_MAX_BYTES:
        limit = settings.PARCOURS_UPLOAD_MAX_BYTES // (1024 * 1024)
        raise _refuse(f"Le fichier dépasse la taille maximale de {limit} Mo.")
    uploaded.seek(0)
    data = uploaded.read()
    uploaded.seek(0)
    content_type = sniff_content_type(data[:16])
    if content_type == PDF:
        check_pdf(data)
        return CheckedUpload(data, PDF)
    if content_type is not None:
        return reencode_image(data)
    raise _refuse(REFUSED_TYPE)


def _refuse(message: str) -> ValidationError:
    return ValidationError({"file": message})


# --- PDF ----------------------------------------------------------------------------------------------------


def check_pdf(data: bytes) -> None:
    """Refuse a PDF that cannot be parsed, is encrypted, or carries active content."""
    if _MARKUP.search(data):
        raise _refuse(PDF_MARKUP)
    if match := _RAW_NAMES.search(data):
        raise _refuse(_reason_of_raw(match.group(0)))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pypdf warns about every small repair of a scanner's PDF
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                raise _refuse(PDF_ENCRYPTED)
            if len(reader.pages) == 0:
                raise _refuse(PDF_UNREADABLE)
            reason = _active_content(reader)
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 -- a malformed file makes pypdf raise its own errors and plain Python ones
        raise _refuse(PDF_UNREADABLE) from None
    if reason:
        raise _refuse(reason)


def _reason_of_raw(token: bytes) -> str:
    name = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), token).decode("latin-1")
    return _REFUSED_NAMES.get(name, PDF_JAVASCRIPT)


def _active_content(reader: PdfReader) -> str | None:
    """The reason to refuse found in any object of the file (trailer, catalogue, pages, annotations, actions,
    name trees, every object of the cross-reference table), or None."""
    roots: list = [reader.trailer]
    for generation, objects in reader.xref.items():
        roots += [IndirectObject(number, generation, reader) for number in objects]
    roots += [IndirectObject(number, 0, reader) for number in reader.xref_objStm]
    seen: set[int] = set()
    stack = roots
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            if item.idnum in seen:
                continue
            seen.add(item.idnum)
            item = item.get_object()
        if isinstance(item, DictionaryObject):  # streams are dictionaries too: their dictionary is checked
            for key, value in item.items():
                if key in _REFUSED_NAMES:
                    return _REFUSED_NAMES[key]
                stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(item)
        elif isinstance(item, NameObject) and item in _REFUSED_NAMES:
            return _REFUSED_NAMES[item]
    return None


# --- Images -------------------------------------------------------------------------------------------------


def reencode_image(data: bytes) -> CheckedUpload:
    """Decode a JPEG or PNG in full and encode it again: only the pixels survive (no EXIF, GPS, comment,
    text chunk, nor bytes after the image). The picture is turned upright first, as its EXIF said."""
    if not _complete(data):
        raise _refuse(IMAGE_UNREADABLE)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=list(IMAGE_FORMATS)) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise _refuse(IMAGE_TOO_LARGE)
                image_format = image.format
                image.load()
                upright = ImageOps.exif_transpose(image)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(IMAGE_TOO_LARGE) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise _refuse(IMAGE_UNREADABLE) from None
    out = io.BytesIO()
    if image_format == "JPEG":
        if upright.mode not in ("L", "RGB", "CMYK"):
            upright = upright.convert("RGB")
        upright.save(out, format="JPEG", quality=JPEG_QUALITY)
    else:
        upright.save(out, format="PNG")
    return CheckedUpload(out.getvalue(), IMAGE_FORMATS[image_format])


def _complete(data: bytes) -> bool:
    """Whether the image's file goes to its end marker. Pillow cannot say: WeasyPrint, imported by the
    documents app, sets ImageFile.LOAD_TRUNCATED_IMAGES for the whole process, and a truncated image then
    decodes without an error (its missing part grey)."""
    if data.startswith(b"\x89PNG"):
        return _png_complete(data)
    return _jpeg_complete(data)


def _png_complete(data: bytes) -> bool:
    """Every chunk whole, with its checksum right, up to IEND."""
    position = 8
    while position + 12 <= len(data):
        length = int.from_bytes(data[position : position + 4], "big")
        end = position + 12 + length
        if end > len(data):
            return False
        if zlib.crc32(data[position + 4 : end - 4]) != int.from_bytes(data[end - 4 : end], "big"):
            return False
        if data[position + 4 : position + 8] == b"IEND":
            return True
        position = end
    return False


def _jpeg_complete(data: bytes) -> bool:
    """Segments whole up to the first scan, then an end-of-image marker after it (a 0xFF byte inside the
    compressed data is always followed by 0x00, so 0xFF 0xD9 there is the real marker)."""
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            return False
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
        elif marker == 0x01 or 0xD0 <= marker <= 0xD8:  # markers without a length
            position += 2
        elif marker == 0xD9:  # end of image before any scan
            return False
        else:
            length = int.from_bytes(data[position + 2 : position + 4], "big")
            if marker == 0xDA:  # start of scan
                return data.find(b"\xff\xd9", position + 2 + length) != -1
            position += 2 + length
    return False
