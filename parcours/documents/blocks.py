"""A draft's HTML as editable blocks of plain text (issue 11, item 6): the secretariat corrects the words of
a decision or a letter, never raw HTML, and never sees an entity such as « &#x27; ».

A block is a top-level paragraph or heading (`<p>`, `<h2>`, `<h3>`, `<h4>`) whose content holds nothing but
text, bold (`<strong>`) and line breaks (`<br>`). Its text is shown as typed: a line break is a new line,
bold is written `**like this**`. Anything else (a table of the minutes, a list) stays as it is and is not
offered for editing. Saving escapes the text again: a typed « < » can never become markup.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

BLOCK = re.compile(
    r"<(p|h2|h3|h4)((?:\s+class=\"[a-z0-9 _-]*\")?)\s*>(.*?)</\1\s*>", re.DOTALL | re.IGNORECASE
)
INLINE_ALLOWED = re.compile(r"<(?!/?strong\s*>|br\s*/?>)", re.IGNORECASE)
BREAK = re.compile(r"<br\s*/?>\n?", re.IGNORECASE)
BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)

LABELS = {"p": "Paragraphe", "h2": "Titre", "h3": "Sous-titre", "h4": "Intertitre"}


@dataclass
class Block:
    tag: str = ""  # empty: a fixed part of the document, kept as it is
    attrs: str = ""
    text: str = ""
    raw: str = ""
    original: str = ""  # the text as split: an untouched block keeps its HTML byte for byte

    @property
    def editable(self) -> bool:
        return bool(self.tag)

    @property
    def label(self) -> str:
        return LABELS.get(self.tag, "")

    @property
    def rows(self) -> int:
        return max(2, min(12, len(self.text) // 90 + self.text.count("\n") + 1))


def to_text(inner: str) -> str:
    """The editable text of a block's inner HTML."""
    text = BREAK.sub("\n", inner)
    text = re.sub(r"</?strong\s*>", "**", text, flags=re.IGNORECASE)
    return html.unescape(text).strip()


def to_html(text: str) -> str:
    """A block's inner HTML from its edited text: escaped, bold and line breaks only."""
    escaped = html.escape(text.replace("\r\n", "\n").strip(), quote=False)
    escaped = BOLD.sub(r"<strong>\1</strong>", escaped)
    return escaped.replace("\n", "<br>\n")


def split(source: str) -> list[Block]:
    """The blocks of a draft, in order; the text between editable blocks is kept as fixed blocks."""
    blocks: list[Block] = []
    position = 0
    for match in BLOCK.finditer(source):
        if match.start() > position:
            blocks.append(Block(raw=source[position : match.start()]))
        tag, attrs, inner = match.group(1).lower(), match.group(2), match.group(3)
        if INLINE_ALLOWED.search(inner):
            blocks.append(Block(raw=match.group(0)))
        else:
            text = to_text(inner)
            blocks.append(Block(tag=tag, attrs=attrs, text=text, raw=match.group(0), original=text))
        position = match.end()
    if position < len(source):
        blocks.append(Block(raw=source[position:]))
    return blocks


def join(blocks: list[Block]) -> str:
    parts = []
    for block in blocks:
        if block.editable and block.text.replace("\r\n", "\n").strip() != block.original:
            if block.text.strip():  # an emptied paragraph is removed
                parts.append(f"<{block.tag}{block.attrs}>{to_html(block.text)}</{block.tag}>")
        else:
            parts.append(block.raw)
    return "".join(parts)


def apply(source: str, texts: dict[int, str]) -> str:
    """The draft with the edited texts of its editable blocks (by their index in `split`)."""
    blocks = split(source)
    for index, text in texts.items():
        if 0 <= index < len(blocks) and blocks[index].editable:
            blocks[index].text = text
    return join(blocks)
