"""An answer's key line for the cheat sheet, from its structure: what a student revises from.

A lead-in followed by a list becomes the lead-in and the list's items, condensed; a definition
keeps its defining sentence; an answer that is a formula shows the formula, one that is code
its first meaningful line, one that is only a link where it points. The line is inline Markdown
(code spans, formulas) with no block syntax, never cut inside a word, formula or code span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from studypack import formulas

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

_LABEL = re.compile(r"^\*[^*\n]+:\d+\*$")  # a merged card's `*file:line*` source label
_LINK = re.compile(r"!?\[([^\]]*)\]\(<?([^)>\s]*)>?[^)]*\)")
_URL = re.compile(r"<?(https?://[^\s>]+)>?")
_EMPHASIS = re.compile(r"(\*\*|__|(?<![\w*])\*(?=\S)|(?<![\w_])_(?=\S))")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\"'“$`])")
_ANNOUNCES = re.compile(r"^(?:let(?: us|'s|’s)|here (?:is|are)|in this|we will|below|the "
                        r"following|as follows|see below)\b", re.I)
_SOURCE = re.compile(r"^(?:from|source|via|see|ref(?:erence)?)\s*:?\s*$", re.I)
_ITEM_HEAD = re.compile(r"\s+[-–—]\s+|:\s+|(?<=[.!?])\s")
_CODE_NOISE = re.compile(r"^\s*(?:#|//|/\*|\*|--|import\s|from\s\S+\s+import\s|using\s|"
                         r"package\s|@|\)|}|$)")
_CODE_HEAD = re.compile(r"^\s*(?:async\s+)?(?:def|class|function|fn|func|public|private|"
                        r"static|struct|interface|template|SELECT|CREATE)\b", re.I)
_LABEL_MARK = "\x00"  # starts a label ("Cons") among a list's items
_QUESTION_WORDS = re.compile(
    r"^(?:(?:what|which|who|how|why|when|where)(?:'s|’s)?(?:\s+(?:is|are|was|were|do|does|did))?"
    r"|explain|describe|define|name|list)\s+(?:(?:the|a|an)\s+)?", re.I)
_ITEM_CHARS = 48  # of a list item kept in a condensed list
_MIN_WORDS = 4

# How an author marks an answer's point in the notes: a paragraph opening with `TL;DR:`.
SUMMARY_MARK = re.compile(r"^\s*(?:\*\*|__)?(?:tl;?dr|key point|in short|summary)\s*"
                          r"(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*", re.I)


@dataclass(frozen=True)
class _Block:
    kind: str  # paragraph | list | code | heading
    text: str  # inline Markdown; for a list, its items' first paragraphs joined by \n
    ordered: bool = False


def key_line(answer: str, limit: int) -> str:
    """The key point of an answer, at most about `limit` characters."""
    blocks = [_without_source(block) for block in _blocks(answer) if not _skipped(block)]
    if not blocks:
        return ""
    while len(blocks) > 1 and blocks[0].kind == "paragraph" \
            and _ANNOUNCES.match(_plain(blocks[0].text)) and len(_words(blocks[0].text)) < 15:
        blocks = blocks[1:]  # "Let us look at each term:" states nothing itself
    first, rest = blocks[0], blocks[1:]
    if first.kind == "code":
        return _code(first.text)
    if first.kind == "list":
        if all(_link_only(item) for item in first.text.split("\n")):
            return _pointer(first.text.split("\n")[0])
        return _cut(_condensed(first.text, limit), limit)
    text = _plain(first.text)
    if _link_only(first.text):
        return _pointer(first.text)
    if formulas.find(text) and _only_formulas(text):
        return _cut(text, limit * 2)  # a formula is printed as a picture: it may be longer
    sentences = [s for s in _SENTENCE_END.split(text) if s]
    while len(sentences) > 1 and _ANNOUNCES.match(sentences[0]):
        sentences.pop(0)
    lead = sentences[0] if sentences else text
    if rest and rest[0].kind == "list" and (len(sentences) == 1 or lead.rstrip().endswith(":")):
        return _cut(_lead_and_list(lead, rest, limit), limit)
    if lead.rstrip().endswith(":") and rest and rest[0].kind == "paragraph" \
            and formulas.find(rest[0].text) and _only_formulas(_plain(rest[0].text)):
        # The lead-in introduces a formula: show it (a picture, so it may run longer).
        return f"{_cut(lead, limit)} {_cut(_plain(rest[0].text), limit * 2)}"
    line = lead
    for more in sentences[1:]:
        if len(_words(line)) >= _MIN_WORDS:
            break
        line = f"{line} {more}"
    if len(_words(line)) < _MIN_WORDS and rest and rest[0].kind == "list":
        line = f"{line.rstrip(' :')}: {_condensed(rest[0].text, limit, after_colon=True)}"
    return _cut(line, limit)


def weakness(line: str) -> str | None:
    """Why a key line says too little to revise from, or None when it states its point."""
    text = line.strip()
    if not text:
        return "empty"
    if re.search(r"(?::\s*\d+[.)]|:)\s*…?$", text):
        return "ends in a list number or a colon"
    if _URL.fullmatch(text):
        return "a bare URL"
    if re.search(r"^(?:>|#{1,6}\s|[-*+]\s|\d+[.)]\s)|\]\(|!\[|\*\*|__", text):
        return "Markdown syntax shows"
    if len(_words(text)) < _MIN_WORDS and not text.startswith("→") and "`" not in text \
            and not formulas.find(text):
        return "fewer than four words"
    return None


@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark")


def _blocks(answer: str) -> list[_Block]:
    """The answer's top-level blocks, with block quotes opened up."""
    tokens = _parser().parse(answer)
    blocks: list[_Block] = []
    depth = 0  # list nesting
    items: list[str] = []  # the top-level list's items
    nested: list[str] = []  # the items of lists inside them
    ordered = False
    for index, token in enumerate(tokens):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            if depth == 0:
                items, nested, ordered = [], [], token.type == "ordered_list_open"
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
            if depth == 0 and len(items) == 1 and nested:
                # One item holding a list: its text leads in to the list under it.
                blocks += [_Block("paragraph", items[0]), _Block("list", "\n".join(nested))]
            elif depth == 0:
                blocks.append(_Block("list", "\n".join(items), ordered))
        elif token.type == "inline" and depth in (1, 2) \
                and tokens[index - 1].type == "paragraph_open" \
                and tokens[index - 2].type == "list_item_open":
            (items if depth == 1 else nested).extend(_item_lines(token.content))
        elif depth == 0 and token.type == "inline":
            kind = "heading" if tokens[index - 1].type == "heading_open" else "paragraph"
            blocks.append(_Block(kind, token.content))
        elif depth == 0 and token.type in ("fence", "code_block"):
            blocks.append(_Block("code", token.content))
    return blocks


def _without_source(block: _Block) -> _Block:
    """The block without a first line that only names where the answer comes from."""
    first, _, rest = block.text.strip().partition("\n")
    if block.kind == "paragraph" and rest and _SOURCE.match(_URL.sub("", first).strip()):
        return _Block(block.kind, rest, block.ordered)
    return block


def _item_lines(content: str) -> list[str]:
    """An item's text, and a label line run into it ("Cons:" under the last pro) as a label."""
    first, *rest = content.split("\n")
    lines = [first]
    for line in rest:
        if line.rstrip().endswith(":") and len(_words(line)) <= 3:
            lines.append(_LABEL_MARK + line.strip().rstrip(":"))
        elif not lines[-1].startswith(_LABEL_MARK):
            lines[-1] += " " + line
    return lines


def _skipped(block: _Block) -> bool:
    """Source labels and pictures: nothing to revise from."""
    text = block.text.strip()
    if block.kind == "paragraph":
        return bool(_LABEL.match(text)) \
            or not _plain(re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)).strip()
    return block.kind == "heading" and not text


def _plain(inline: str) -> str:
    """Inline Markdown without links' targets, pictures, emphasis marks or line breaks."""
    kept: list[str] = []
    last = 0
    spans = _protected(inline)
    for start, end in spans:
        kept.append(_unmarked(inline[last:start]))
        kept.append(inline[start:end])
        last = end
    kept.append(_unmarked(inline[last:]))
    return " ".join("".join(kept).split())


def _unmarked(text: str) -> str:
    text = _LINK.sub(lambda m: "" if m.group(0).startswith("!") else m.group(1), text)
    text = re.sub(r"<[^>]+>", " ", text)
    return _EMPHASIS.sub("", text)


def _protected(text: str) -> list[tuple[int, int]]:
    """Code spans and formulas: never changed, never cut."""
    spans = [(m.start(), m.end()) for m in re.finditer(r"(`+)[^`]*?\1", text)]
    spans += [(start, end) for start, end, _, _ in formulas.find(text)
              if not any(a <= start < b for a, b in spans)]
    return sorted(spans)


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+|\$[^$]+\$|`[^`]+`", text)


def _only_formulas(text: str) -> bool:
    outside = text
    for start, end, _, _ in sorted(formulas.find(text), reverse=True):
        outside = outside[:start] + outside[end:]
    return len(_words(outside)) <= 2


def _link_only(inline: str) -> bool:
    rest = _URL.sub("", _LINK.sub("", inline))
    return bool(_LINK.search(inline) or _URL.search(inline)) and not _words(rest)


def _pointer(inline: str) -> str:
    """A link-only answer as where it points: the link's title, or the site's name."""
    link = _LINK.search(inline)
    url = link.group(2) if link else _URL.search(inline).group(1)
    domain = urlparse(url).netloc.removeprefix("www.")
    title = link.group(1).strip() if link else ""
    if title and not _URL.fullmatch(title):
        return f"→ {title} ({domain})" if domain else f"→ {title}"
    path = [part for part in urlparse(url).path.split("/") if part]
    topic = re.sub(r"[-_]+", " ", path[-1]).strip() if path else ""
    return f"→ {domain}: {topic}" if topic else f"→ {domain}"


def _code(code: str) -> str:
    """A code answer's signature or first meaningful line, as a code span."""
    lines = [line.strip() for line in code.split("\n") if not _CODE_NOISE.match(line)]
    head = next((line for line in lines if _CODE_HEAD.match(line)), lines[0] if lines else "")
    head = head.rstrip(":{ ")
    return f"`{head.replace('`', '')}`" if head else ""


def _condensed(items: str, limit: int, after_colon: bool = False) -> str:
    """List items as their heads (the text before a dash, a colon or a full stop), `; `-joined;
    a label among them ("Cons") starts a new group."""
    line, label = "", ""
    entries = items.split("\n")
    # A lone item has the whole line; several share it.
    room = limit if sum(not entry.startswith(_LABEL_MARK) for entry in entries) == 1 \
        else _ITEM_CHARS
    for item in entries:
        if item.startswith(_LABEL_MARK):
            label = f" — {_plain(item[1:]).lower()}: "
            continue
        head = "" if _link_only(item) else _head(item, room)  # a link says nothing in a list
        if not head:
            continue
        if (line or after_colon) and head[:2].istitle():
            head = head[0].lower() + head[1:]
        joined = f"{line}{label or '; '}{head}" if line else head
        if len(joined) > limit and line:
            return line if line.endswith("…") else line + " …"
        line = joined if line or len(joined) <= limit else _cut(joined, limit)
        label = ""
    return line


def _head(item: str, room: int) -> str:
    """An item's head; a bare term ("RNN : has memory …") keeps the start of what it says."""
    text = _plain(item)
    parts = _ITEM_HEAD.split(text, maxsplit=1)
    head = parts[0].rstrip(" .;,:")
    if len(head.split()) <= 2 and len(parts) > 1 and parts[1].strip():
        said = _ITEM_HEAD.split(parts[1].strip(), maxsplit=1)[0].rstrip(" .;,")
        head = f"{head}: {said}"
    return _cut(head, room)


def with_subject(line: str, question: str, limit: int) -> str:
    """A short key line after the question's subject, so the box states its point."""
    subject = _QUESTION_WORDS.sub("", _plain(question)).strip().rstrip("?？ .:")
    if not subject or len(_words(line)) >= _MIN_WORDS or not line:
        return line
    room = limit - len(line.removesuffix(" …")) - 2
    if room < 12:
        return line
    subject = _cut(subject[0].upper() + subject[1:], room - 2)
    if len(subject) > room:
        return line
    return f"{subject}: {line[0].lower() + line[1:] if line[:2].istitle() else line}"


def _lead_and_list(lead: str, rest: list[_Block], limit: int) -> str:
    """A lead-in and the list after it; "Pros:" / "Cons:" pairs each keep their label.

    A later pair is added only while it fits with at least one of its items.
    """
    line = f"{lead.rstrip(' :.')}: "
    line += _condensed(rest[0].text, max(limit - len(line), 20), after_colon=True)
    index = 1
    while index + 1 < len(rest) and rest[index].kind in ("paragraph", "heading") \
            and rest[index + 1].kind == "list" and len(_words(rest[index].text)) <= 3:
        label = f" — {_plain(rest[index].text).rstrip(' :').lower()}: "
        budget = limit - len(line) - len(label)
        items = _condensed(rest[index + 1].text, budget, after_colon=True) \
            if budget >= 12 else ""
        if not items or items == "…":
            break
        line += label + items
        index += 2
    return line


def _cut(text: str, limit: int) -> str:
    """The text cut at the last space within the limit that is outside formulas and code."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    spans = _protected(text)

    def inside(index: int) -> bool:
        return any(a < index < b for a, b in spans)

    cuts = [i for i in range(limit) if text[i] == " " and not inside(i)]
    cuts += [b for _, b in spans if b <= limit]
    cut = max(cuts, default=next((b for a, b in spans if a < limit < b), limit))
    return text[:cut].rstrip(" ,;:—-") + " …"
