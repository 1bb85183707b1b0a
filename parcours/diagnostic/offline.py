"""The offline key calculator: one self-contained HTML file that computes a structure's keys file without
any network, so that a structure need not trust the JavaScript the live server sends.

It is built deterministically from the same static sources as the key page (`phrase.js`, `linkage.js`,
`diagnostic_list.js`, the word list): the scripts are inlined unchanged, in the page's order, with a small
glue script (`templates/diagnostic/offline_calculator.html`); a Content-Security-Policy in the file forbids
every request (`default-src 'none'`, scripts allowed by their SHA-256 only). The built file is committed as
the static file `parcours/calculateur-cles-hors-ligne.html`; its SHA-256 is shown on the key page and
published in docs/diagnostic.md, where a structure can check it (`sha256sum`, `certutil -hashfile … SHA256`,
`Get-FileHash`) against a copy of the documentation that did not come from the server.

Rebuild after any change of those sources: `python manage.py build_offline_calculator` (rewrites the file
and the hash in docs/diagnostic.md; `--check` fails if either is out of date).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from .phrase import PHRASE_WORDS

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE.parent / "static"
OUTPUT = "parcours/calculateur-cles-hors-ligne.html"
DOCS = Path(__file__).resolve().parent.parent.parent / "docs" / "diagnostic.md"
DOCS_HASH_LINE = re.compile(r"(SHA-256 du calculateur hors ligne : `)([0-9a-f]{64})(`)")

# Scripts, in the order the key page loads them (each reads the ones before).
SCRIPTS = ("parcours/phrase.js", "parcours/linkage.js", "parcours/diagnostic_list.js")
# Data the scripts read from <script type="application/json" id=…> elements: (element id, file, key or None).
DATA = (
    ("parcours-phrase-words", "parcours/phrase_words_fr.json", "words"),
    ("parcours-translit", "parcours/translit.json", None),
)


class BuildError(RuntimeError):
    pass


def _read(static_path: str) -> str:
    return (STATIC_DIR / static_path).read_text(encoding="utf-8")


def _inline_script(source: str, name: str) -> str:
    if re.search(r"</script", source, re.IGNORECASE) or "<!--" in source:
        raise BuildError(
            f"{name} ne peut pas être inclus dans une balise <script> (« </script » ou « <!-- »)."
        )
    return source


def _json_element_text(value) -> str:
    # As Django's json_script: <, > and & escaped, so the text cannot close its element.
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def build() -> bytes:
    """The calculator's bytes: a pure function of the sources (no date, no setting, no random value)."""
    scripts = [(name, _inline_script(_read(name), name)) for name in SCRIPTS]
    data = []
    for element_id, name, key in DATA:
        value = json.loads(_read(name))
        data.append((element_id, _json_element_text(value[key] if key else value)))
    glue = (HERE / "offline_calculator" / "glue.js").read_text(encoding="utf-8")
    scripts.append(("glue", _inline_script(glue, "glue")))
    style = (HERE / "offline_calculator" / "style.css").read_text(encoding="utf-8")
    files = [STATIC_DIR / name for name in (*SCRIPTS, *(d[1] for d in DATA))]
    files += [HERE / "offline_calculator" / "glue.js", HERE / "offline_calculator" / "style.css"]
    root = HERE.parent.parent
    sources = [(str(f.relative_to(root)), hashlib.sha256(f.read_bytes()).hexdigest()) for f in files]
    csp = "; ".join(
        (
            "default-src 'none'",
            "script-src " + " ".join(_csp_hash(text) for _, text in scripts),
            "style-src " + _csp_hash(style),
            "img-src 'none'",
            "connect-src 'none'",
            "form-action 'none'",
            "base-uri 'none'",
        )
    )
    html = render_to_string(
        "diagnostic/offline_calculator.html",
        {
            "csp": csp,
            "style": mark_safe(style),  # noqa: S308 (our own file, built from the repository)
            "scripts": [(name, mark_safe(text)) for name, text in scripts],  # noqa: S308 (idem)
            "data": [(element_id, mark_safe(text)) for element_id, text in data],  # noqa: S308 (escaped above)
            "sources": sources,
            "phrase_words": PHRASE_WORDS,
        },
    )
    return html.encode("utf-8")


def output_path() -> Path:
    return STATIC_DIR / OUTPUT


@lru_cache(maxsize=4)
def _sha256_of(path: str, mtime_ns: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def published_sha256() -> str:
    """The SHA-256 of the committed calculator (the file the server serves), cached per modification."""
    path = output_path()
    return _sha256_of(str(path), path.stat().st_mtime_ns)


def documented_sha256() -> str | None:
    match = DOCS_HASH_LINE.search(DOCS.read_text(encoding="utf-8"))
    return match.group(2) if match else None


def write() -> str:
    """Rebuild the calculator and the hash in docs/diagnostic.md; returns the new SHA-256."""
    content = build()
    output_path().write_bytes(content)
    digest = hashlib.sha256(content).hexdigest()
    docs = DOCS.read_text(encoding="utf-8")
    if not DOCS_HASH_LINE.search(docs):
        raise BuildError("docs/diagnostic.md n'a pas de ligne « SHA-256 du calculateur hors ligne : `…` ».")
    DOCS.write_text(DOCS_HASH_LINE.sub(lambda m: m.group(1) + digest + m.group(3), docs), encoding="utf-8")
    return digest


def key_page_context() -> dict:
    """What the structures' key page needs for the phrase check and the offline calculator."""
    from .phrase import words

    return {
        "phrase_words": words(),
        "phrase_word_count": PHRASE_WORDS,
        "offline_calculator": OUTPUT,
        "offline_calculator_sha256": published_sha256(),
    }
