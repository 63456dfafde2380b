"""Reading Lantern's own data files — catalogue, text rules, graph rules, weights, review
definitions, access policy — with one wording for every mistake in them.

These files are meant to be read and changed by a reviewer, not a programmer, so a
mistake must come back as a `ConfigError` naming the file and what is wrong in it, never
as a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from lantern.errors import ConfigError

Model = TypeVar("Model", bound=BaseModel)


def read_yaml(path: Path | str, what: str) -> Any:
    """The parsed YAML of `path`, the `what` (e.g. "weights file") named in any error."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"{path}: cannot read the {what} ({error.strerror or error})") from error
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: the {what} is not valid YAML ({error})") from error


def read_mapping(path: Path | str, what: str) -> dict[str, Any]:
    """`read_yaml`, when the file must hold a mapping at its top level."""
    data = read_yaml(path, what)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the {what} must be a mapping at the top level")
    return data


def validated(model: type[Model], raw: Any, path: Path | str, what: str) -> Model:
    """`raw` checked against `model`, every problem listed by where it is in the file."""
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'top level'}: {e['msg']}"
            for e in error.errors()
        )
        raise ConfigError(f"{path}: invalid {what}: {problems}") from error


def load_model(path: Path | str, model: type[Model], what: str) -> Model:
    """Read `path` and check it against `model`."""
    return validated(model, read_yaml(path, what), path, what)
