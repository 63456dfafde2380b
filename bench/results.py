"""bench/RESULTS.md, a section per benchmark: each script replaces only its own."""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def replace_section(
    heading: str, lines: list[str], path: Path = RESULTS, *, keep: str | None = None
) -> None:
    """Put `heading` and `lines` in place of that heading's section (up to the next `## `),
    or at the end when the file has no such section yet. `keep`: the heading of a
    subsection of the old section (e.g. figures measured by hand) kept after `lines`."""
    text = path.read_text("utf-8")
    body = heading + "\n\n" + "\n".join(lines).rstrip("\n") + "\n"
    if heading in text:
        start = text.index(heading)
        nxt = text.find("\n## ", start + len(heading))
        old = text[start : nxt if nxt != -1 else len(text)]
        if keep and "\n" + keep in old:
            body += "\n" + old[old.index("\n" + keep) + 1 :].rstrip("\n") + "\n"
        text = text[:start] + body + ("\n" + text[nxt + 1 :] if nxt != -1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + body
    path.write_text(text, "utf-8")
