"""Load YAML data files and turn validation errors into one problem per line: file, line, field.

Pydantic reports *where in the data* a value is wrong (``utterances.3.speaker``); supervisors and
trainers need *where in the file*. We compose the YAML node tree once and walk it along the error
location to find the line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)

#: Data files are small; anything larger is almost certainly a mistake (or an attack).
MAX_FILE_BYTES = 2_000_000


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file, phrased for a person."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f" [{self.field}]" if self.field else ""
        return f"{where}{field}: {self.message}"


class DataFileError(Exception):
    """A data file could not be loaded; carries every problem found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def _node_at(root: yaml.Node | None, loc: Sequence[int | str]) -> yaml.Node | None:
    node = root
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
            if match is None:
                return node
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return node
            node = node.value[part]
        else:
            return node
    return node


def read_yaml(path: Path) -> tuple[Any, yaml.Node | None]:
    """Read a YAML file; return (data, node tree). Raises DataFileError on any read problem."""
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataFileError([Problem(name, None, "", f"cannot read file: {exc.strerror}")]) from exc
    if len(raw) > MAX_FILE_BYTES:
        raise DataFileError(
            [Problem(name, None, "", f"file is {len(raw)} bytes; the limit is {MAX_FILE_BYTES}")]
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataFileError(
            [Problem(name, line, "", "not valid UTF-8 text (save the file as UTF-8)")]
        ) from exc
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark else None
        raise DataFileError([Problem(name, line, "", f"invalid YAML: {exc.problem}")]) from exc
    except yaml.YAMLError as exc:
        raise DataFileError([Problem(name, None, "", f"invalid YAML: {exc}")]) from exc
    return data, node


def problems_from_validation(
    name: str, exc: ValidationError, node: yaml.Node | None
) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False):
        loc = [p for p in err["loc"] if isinstance(p, int | str)]
        target = _node_at(node, loc)
        line = target.start_mark.line + 1 if target is not None else None
        field = ".".join(str(p) for p in loc)
        msg = err["msg"]
        if err["type"] == "missing":
            msg = "required field is missing"
        elif err["type"] == "extra_forbidden":
            msg = "unknown field (check the spelling)"
        problems.append(Problem(name, line, field, msg))
    return problems


def load_model(path: Path, model: type[M]) -> tuple[M, yaml.Node | None]:
    """Load and validate one YAML file as ``model``; raise DataFileError listing every problem."""
    data, node = read_yaml(path)
    if data is None:
        raise DataFileError([Problem(str(path), None, "", "file is empty")])
    try:
        return model.model_validate(data), node
    except ValidationError as exc:
        raise DataFileError(problems_from_validation(str(path), exc, node)) from exc


def line_of(node: yaml.Node | None, loc: Sequence[int | str]) -> int | None:
    target = _node_at(node, loc)
    return target.start_mark.line + 1 if target is not None else None
