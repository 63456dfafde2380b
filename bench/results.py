"""bench/RESULTS.md, a section per benchmark: each script replaces only its own."""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def replace_section(heading: str, lines: list[str], path: Path = RESULTS) -> None:
    """Put `heading` and `lines` in place of that heading's section (up to the next `## `),
    or at the end when the file has no such section yet."""
    text = path.read_text("utf-8")
    body = heading + "\n\n" + "\n".join(lines) + "\n"
    if heading in text:
        start = text.index(heading)
        nxt = text.find("\n## ", start + len(heading))
        text = text[:start] + body + ("\n" + text[nxt + 1 :] if nxt != -1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + body
    path.write_text(text, "utf-8")
