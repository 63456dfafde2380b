"""A small XML tree that remembers the line each element starts on (ElementTree forgets it),
and keeps what was read before a point where the file stops being well-formed XML."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat


@dataclass
class Node:
    tag: str
    line: int
    text: str = ""
    children: list[Node] = field(default_factory=list)
    closed: bool = False  # False when the file broke off inside this element

    def find(self, tag: str) -> Node | None:
        return next((c for c in self.children if c.tag == tag), None)

    def findall(self, tag: str) -> list[Node]:
        return [c for c in self.children if c.tag == tag]

    def value(self, tag: str) -> str:
        node = self.find(tag)
        return node.text.strip() if node is not None else ""


@dataclass
class Parsed:
    root: Node
    error: str | None = None  # why the file stopped being readable
    error_line: int | None = None


def parse(path: Path) -> Parsed:
    """Parse `path`. External entities and DTDs are never fetched (expat's defaults, with
    parameter entities off); namespaces are dropped from tag names."""
    document = Node("#document", 0)
    stack = [document]
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def start(name: str, _attrs: dict[str, str]) -> None:
        node = Node(name.rsplit(":", 1)[-1], parser.CurrentLineNumber)
        stack[-1].children.append(node)
        stack.append(node)

    def end(_name: str) -> None:
        stack.pop().closed = True

    def characters(data: str) -> None:
        stack[-1].text += data

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    result = Parsed(document)
    try:
        with path.open("rb") as handle:
            parser.ParseFile(handle)
    except expat.ExpatError as error:
        result.error = (
            f"the file stops being well-formed XML at line {error.lineno}, column "
            f"{error.offset + 1} ({expat.ErrorString(error.code)})"
        )
        result.error_line = error.lineno
    document.closed = True
    return result
