"""Files to upload in tests, built with pypdf and Pillow rather than copied as opaque blobs: a valid blank
PDF, PDFs carrying what the upload check refuses (JavaScript, launch action, embedded file), images with EXIF
and GPS, an archive."""

from __future__ import annotations

import io
import zipfile

from PIL import Image, PngImagePlugin
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from parcours.demo.files import blank_pdf

__all__ = [
    "blank_pdf",
    "pdf_with_document_javascript",
    "pdf_with_open_action",
    "pdf_with_embedded_file",
    "encrypted_pdf",
    "jpeg",
    "png",
    "jpeg_with_gps",
    "zip_archive",
    "GPS_IFD",
    "GPS_LATITUDE",
]

GPS_IFD = 0x8825
GPS_LATITUDE = (48.0, 51.0, 24.0)


def _write(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _blank_writer() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    return writer


def pdf_with_document_javascript(script: str = "app.alert('x');") -> bytes:
    """A script in the document's /Names /JavaScript tree: it runs when the file is opened."""
    writer = _blank_writer()
    writer.add_open_action(JavaScript(script))
    return _write(writer)


def pdf_with_open_action(action_type: str, **entries: str) -> bytes:
    """A catalogue /OpenAction of the given type: `("/JavaScript", JS="...")`, `("/Launch", F="calc.exe")`."""
    writer = _blank_writer()
    action = DictionaryObject({NameObject("/S"): NameObject(action_type)})
    for key, value in entries.items():
        action[NameObject(f"/{key}")] = TextStringObject(value)
    writer._root_object[NameObject("/OpenAction")] = action
    return _write(writer)


def pdf_with_embedded_file(name: str = "notes.txt", content: bytes = b"contenu joint") -> bytes:
    writer = _blank_writer()
    writer.add_attachment(name, content)
    return _write(writer)


def encrypted_pdf() -> bytes:
    writer = _blank_writer()
    writer.encrypt("mot-de-passe-de-test")
    return _write(writer)


def _image(size=(64, 48)) -> Image.Image:
    """A noisy picture (so that its compressed data is long enough to be cut in the middle)."""
    return Image.effect_noise(size, 60).convert("RGB")


def jpeg(size=(64, 48), **save_options) -> bytes:
    out = io.BytesIO()
    _image(size).save(out, format="JPEG", **save_options)
    return out.getvalue()


def png(size=(64, 48), pnginfo: PngImagePlugin.PngInfo | None = None) -> bytes:
    out = io.BytesIO()
    _image(size).save(out, format="PNG", pnginfo=pnginfo)
    return out.getvalue()


def jpeg_with_gps() -> bytes:
    """A photo as a phone takes it: camera make, serial number and the GPS position where it was taken."""
    exif = Image.Exif()
    exif[0x010F] = "Téléphone de test"  # Make
    exif[0xA431] = "SN-0042"  # BodySerialNumber
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2] = "N", GPS_LATITUDE  # GPSLatitudeRef, GPSLatitude
    gps[3], gps[4] = "E", (2.0, 21.0, 7.0)  # GPSLongitudeRef, GPSLongitude
    return jpeg(exif=exif.tobytes())


def zip_archive() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("document.txt", "ceci est une archive")
    return out.getvalue()
