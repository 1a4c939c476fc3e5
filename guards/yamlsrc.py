"""Read guard data files (rule sets, rule tests) as YAML with line numbers for every problem.

Validation reports *where in the data* something is wrong (``rules.3.when``); supervisors need
*where in the file*. The YAML node tree is composed once and walked along the data path to find
the line. This is the one copy: ``agent_desk.library.yamlio`` builds on it for the library.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

#: A rule file is a few hundred lines; anything over this is a mistake or an attack.
MAX_FILE_BYTES = 1_000_000

Loc = Sequence[int | str]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file, phrased for a person.

    ``message`` is English. A problem a UI shows in another language also carries a ``code``
    and the parts to say it with (``detail``, ``stop_line``); ``guards`` knows no languages, so
    the layer that shows it translates (``agent_desk.problems``)."""

    file: str
    line: int | None
    field: str
    message: str
    #: What kind of problem, for translation: "" (only ``message``) or ``invalid_yaml``.
    code: str = ""
    #: The untranslated part of the message (the YAML parser's own words).
    detail: str = ""
    #: Where the YAML parser gave up, when that is another line than ``line``.
    stop_line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f" [{self.field}]" if self.field else ""
        return f"{where}{field}: {self.message}"


class DataError(Exception):
    """A data file could not be read or validated; carries every problem found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


#: YAML parser contexts that start where something was opened (a bracket, a brace, a quote): the
#: mistake is there, or after it, not where the parser gave up (often many lines further on).
_OPENED_CONTEXTS = ("flow sequence", "flow mapping", "quoted scalar")


def yaml_problem(name: str, exc: yaml.YAMLError) -> Problem:
    """One problem for text the YAML parser refused, on the line to look at first.

    For an unclosed ``[``, ``{`` or quote that is the line it opened on; the line where the
    parser gave up is kept as ``stop_line``. Otherwise it is the line the parser gave up on."""
    if not isinstance(exc, yaml.MarkedYAMLError):
        return Problem(name, None, "", f"invalid YAML: {exc}", "invalid_yaml", str(exc))
    detail = str(exc.problem or exc.context or "")
    stop = exc.problem_mark.line + 1 if exc.problem_mark is not None else None
    start = exc.context_mark.line + 1 if exc.context_mark is not None else None
    opened = bool(exc.context) and any(c in str(exc.context) for c in _OPENED_CONTEXTS)
    if opened and start is not None and stop is not None and start != stop:
        message = f"invalid YAML: {detail} (starts here; the parser gave up on line {stop})"
        return Problem(name, start, "", message, "invalid_yaml", detail, stop)
    return Problem(name, stop, "", f"invalid YAML: {detail}", "invalid_yaml", detail)


def node_at(root: yaml.Node | None, loc: Loc) -> yaml.Node | None:
    """The deepest node along ``loc`` (the closest existing parent when a key is missing)."""
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


def key_line(root: yaml.Node | None, loc: Loc) -> int | None:
    """The line of the *key* at the end of ``loc`` (where a typo in a key name is)."""
    parent = node_at(root, loc[:-1]) if loc else root
    if isinstance(parent, yaml.MappingNode) and loc:
        for k, _ in parent.value:
            if getattr(k, "value", None) == loc[-1]:
                return int(k.start_mark.line) + 1
    return line_of(root, loc)


def line_of(root: yaml.Node | None, loc: Loc) -> int | None:
    target = node_at(root, loc)
    return int(target.start_mark.line) + 1 if target is not None else None


#: libyaml's loader when PyYAML was built with it (the wheels are): the same data and marks as
#: the pure-Python SafeLoader, about ten times faster (the app parses its data files at start-up).
SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """``yaml.safe_load`` with the fast loader."""
    return yaml.load(text, Loader=SafeLoader)


def parse_yaml(text: str) -> tuple[Any, yaml.Node | None]:
    """Data and node tree (for line numbers) from one parse. Raises yaml.YAMLError."""
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return data, node


def read_yaml(path: Path, max_bytes: int = MAX_FILE_BYTES) -> tuple[Any, yaml.Node | None]:
    """Read a YAML file; return (data, node tree). Raises DataError on any read problem."""
    name = str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise DataError(
                [Problem(name, None, "", f"file is {size:,} bytes; the limit is {max_bytes:,}")]
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError([Problem(name, None, "", f"cannot read file: {exc.strerror}")]) from exc
    if len(raw) > max_bytes:  # the file grew between stat and read
        raise DataError([Problem(name, None, "", f"file is over {max_bytes:,} bytes")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            [Problem(name, line, "", "not valid UTF-8 text (save the file as UTF-8)")]
        ) from exc
    try:
        data, node = parse_yaml(text)
    except yaml.YAMLError as exc:
        raise DataError([yaml_problem(name, exc)]) from exc
    return data, node


def problems_from_validation(
    name: str, exc: ValidationError, node: yaml.Node | None, prefix: Loc = ()
) -> list[Problem]:
    """One Problem per pydantic error, with the file line of the offending value."""
    problems = []
    for err in exc.errors(include_url=False):
        loc = [*prefix, *(p for p in err["loc"] if isinstance(p, int | str))]
        msg = err["msg"]
        line: int | None
        if err["type"] == "missing":
            msg = "required field is missing"
            line = line_of(node, loc)
        elif err["type"] == "extra_forbidden":
            msg = "unknown field (check the spelling)"
            line = key_line(node, loc)
        else:
            line = line_of(node, loc)
        problems.append(Problem(name, line, ".".join(str(p) for p in loc), msg))
    return problems
