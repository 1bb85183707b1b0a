"""What a thief of the database file or of the disk would read: a scanner for names in clear.

It reads bytes the way an attacker without the keys would: the database file, every stored file (PDF text
extracted with pypdf, zip/office files unzipped, e-mail messages decoded part by part, image metadata read
with Pillow), and looks for each name folded (case and accents ignored, any punctuation or spacing between
words). JSON `\\uXXXX` escapes and HTML entities are decoded first, so an escaped name is still found.

Fernet tokens (`gAAAAA…`) are ciphertext by construction: they are blanked before the search, so that a short
name cannot "appear" by chance in random base64. Sealed files (parcours.core.storage) are ciphertext too;
`unsealed_files` lists the files of a store that are not sealed (the tests want none).
"""

from __future__ import annotations

import email
import html
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from email import policy
from pathlib import Path

from parcours.core.storage import MAGIC

FERNET_TOKEN = re.compile(r"gAAAAA[A-Za-z0-9_\-]{40,}=*")
JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
NOT_ALNUM = re.compile(r"[^0-9a-z]+")
PDF_STREAM = re.compile(rb"stream\r?\n.*?endstream", re.DOTALL)


def fold(text: str) -> str:
    """Lower case, no accents, every run of non-alphanumeric characters one space, padded with spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return f" {NOT_ALNUM.sub(' ', letters).strip()} "


def needles_of(names: Iterable[str]) -> set[str]:
    """The folded forms to look for: each whole name ('Bosquet-Lamiral' -> ' bosquet lamiral '), and each
    part of a compound name of five letters or more ('lamiral')."""
    found = set()
    for name in names:
        folded = fold(name)
        if folded.strip():
            found.add(folded)
        found.update(f" {part} " for part in folded.split() if len(part) >= 5)
    return found


def _texts_of_bytes(data: bytes, depth: int = 0) -> Iterator[str]:
    """Every text an attacker could get from `data` without keys."""
    if data.startswith(b"%PDF"):  # compressed streams are noise as text: their content comes from pypdf
        yield PDF_STREAM.sub(b" ", data).decode("utf-8", errors="replace")
    else:
        yield data.decode("utf-8", errors="replace")
    if depth > 3:
        return
    if data.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")):
        yield from _image_texts(data)
    elif data.startswith(b"%PDF"):
        yield from _pdf_texts(data)
    elif data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for member in archive.namelist():
                    yield member
                    yield from _texts_of_bytes(archive.read(member), depth + 1)
        except (zipfile.BadZipFile, RuntimeError, OSError):
            pass
    elif _looks_like_email(data):
        message = email.message_from_bytes(data, policy=policy.default)
        for part in message.walk():
            for value in part.values():
                yield str(value)
            if part.is_multipart():
                continue
            payload = part.get_payload(decode=True)
            if payload:
                yield from _texts_of_bytes(payload, depth + 1)


def _image_texts(data: bytes) -> Iterator[str]:
    """Image metadata (PNG text chunks in latin-1 or UTF-8, EXIF): where an image carries text."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            yield " ".join(f"{k} {v}" for k, v in image.info.items() if isinstance(v, str | bytes))
            yield " ".join(str(v) for v in image.getexif().values())
    except Exception:  # noqa: BLE001 (not a readable image: its raw bytes were already scanned)
        return


def _looks_like_email(data: bytes) -> bool:
    head = data[:2000].lower()
    return b"\nsubject:" in head or head.startswith((b"content-type:", b"mime-version:", b"subject:"))


def _pdf_texts(data: bytes) -> Iterator[str]:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        for page in reader.pages:
            yield page.extract_text() or ""
        yield " ".join(str(v) for v in (reader.metadata or {}).values())
    except Exception:  # noqa: BLE001 (a broken PDF: its raw bytes were already scanned)
        return


def _clean(text: str) -> str:
    text = JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    text = html.unescape(text)
    return fold(FERNET_TOKEN.sub(" ", text))


# In random bytes (ciphertext, a database file's binary pages) a short word bounded by two non-letters turns
# up by chance (a three-letter name about once per megabyte); such bytes are searched as UTF-8 only, and a
# sealed file's ciphertext only for names of LONG_NAME letters or more (the seal check covers the others).
LONG_NAME = 8


def hits_in_bytes(data: bytes, needles: set[str], *, database: bool = False) -> set[str]:
    """The needles found in `data` (a whole file). `database`: a SQLite file, read as UTF-8 text."""
    if data.startswith(MAGIC):
        long = {n for n in needles if len(n.strip()) >= LONG_NAME}
        cleaned = _clean(data[len(MAGIC) :].decode("utf-8", errors="replace"))
        return {n for n in long if n in cleaned}
    texts = [data.decode("utf-8", errors="replace")] if database else _texts_of_bytes(data)
    found = set()
    for text in texts:
        cleaned = _clean(text)
        found.update(n for n in needles if n in cleaned)
    return found


def is_database(path: Path) -> bool:
    return ".sqlite3" in path.name


def scan_paths(paths: Iterable[Path], needles: set[str]) -> dict[str, set[str]]:
    """{file: needles found in it} for every file that holds at least one name in clear."""
    report = {}
    for path in paths:
        found = hits_in_bytes(path.read_bytes(), needles, database=is_database(path))
        if found:
            report[str(path)] = found
    return report


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def unsealed_files(root: Path) -> list[Path]:
    return [p for p in files_under(root) if not p.read_bytes().startswith(MAGIC)]


def database_bytes(connection) -> bytes | None:
    """The SQLite database's bytes as a file would hold them (in-memory test databases included)."""
    if connection.vendor != "sqlite":
        return None
    connection.ensure_connection()
    return connection.connection.serialize()


def database_dump(connection) -> str:
    """Every row of every table as text (what `pg_dump` would show, for PostgreSQL)."""
    lines = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            lines += [" | ".join(str(v) for v in row) for row in cursor.fetchall()]
    return "\n".join(lines)
