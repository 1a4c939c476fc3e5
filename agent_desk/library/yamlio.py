"""Load the library's YAML data files with file/line/field problems.

The YAML-with-line-numbers machinery lives once, in :mod:`guards.yamlsrc` (the lowest layer that
needs it; ``guards`` may not import ``agent_desk``). This module adds the model loader the library
uses and the library's own size limit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from guards.yamlsrc import DataError, Problem, line_of, problems_from_validation
from guards.yamlsrc import read_yaml as _read_yaml

__all__ = ["DataFileError", "Problem", "line_of", "load_model", "read_yaml"]

M = TypeVar("M", bound=BaseModel)

#: Conversations and catalogues are small; anything larger is almost certainly a mistake.
MAX_FILE_BYTES = 2_000_000

#: The library's name for the guard's data error (one exception type for every data file).
DataFileError = DataError


def read_yaml(path: Path) -> tuple[Any, yaml.Node | None]:
    return _read_yaml(path, MAX_FILE_BYTES)


def load_model(path: Path, model: type[M]) -> tuple[M, yaml.Node | None]:
    """Load and validate one YAML file as ``model``; raise DataFileError listing every problem."""
    data, node = read_yaml(path)
    if data is None:
        raise DataFileError([Problem(str(path), None, "", "file is empty", code="file_empty")])
    try:
        return model.model_validate(data), node
    except ValidationError as exc:
        raise DataFileError(problems_from_validation(str(path), exc, node)) from exc
