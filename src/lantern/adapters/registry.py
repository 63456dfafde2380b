"""The formats `lantern adapt` reads: one entry per format, each a small module with `adapt`.

A mapping file (`*.yaml`) given in place of a format name is the police/health route: see
`lantern.adapters.mapping`.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

from lantern.adapters.core import Adapted
from lantern.errors import UserError

# format name → module under lantern.adapters (each has NAME, TITLE and adapt(source, agency))
FORMATS: dict[str, str] = {
    "ssda903": "ssda903",
    "cin": "cin_census",
    "annex-a": "annex_a",
    "ssd": "ssd",
}


def module(fmt: str) -> ModuleType:
    if fmt not in FORMATS:
        raise UserError(
            f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}, or a mapping file "
            "(mapping.yaml) for a police or health export"
        )
    return importlib.import_module(f"lantern.adapters.{FORMATS[fmt]}")


def is_mapping(fmt: str) -> bool:
    return fmt.endswith((".yaml", ".yml"))


def adapt(fmt: str, source: Path, agency: str | None = None) -> Adapted:
    """Read `source` in format `fmt` (a format name, or a mapping file) into interchange rows."""
    if not source.exists():
        raise UserError(f"{source}: no such file or folder")
    if is_mapping(fmt):
        from lantern.adapters import mapping

        return mapping.adapt(mapping.load(Path(fmt)), source, agency)
    return module(fmt).adapt(source, agency or "social_care")  # type: ignore[no-any-return]
