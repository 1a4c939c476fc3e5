"""Read guard data files (rule sets, rule tests) as YAML with line numbers for every problem.

Validation reports *where in the data* something is wrong (``rules.3.when``); supervisors need
*where in the file*. The YAML node tree is composed once and walked along the data path to find
the line. This is the one copy: ``agent_desk.library.yamlio`` builds on it for the library.
"""

from __future__ import annotations

import dataclasses
import errno
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

#: A rule file is a few hundred lines; anything over this is a mistake or an attack.
MAX_FILE_BYTES = 1_000_000

Loc = Sequence[int | str]
#: The parts of a problem a translation fills in: names, values, limits (ints are counts).
Params = Mapping[str, str | int]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file, phrased for a person.

    ``message`` is English. A problem a UI shows in another language also carries a ``code``
    and the parts to say it with (``detail``, ``stop_line``, ``params``); ``guards`` knows no
    languages, so the layer that shows it translates (``agent_desk.problems``)."""

    file: str
    line: int | None
    field: str
    message: str
    #: What kind of problem, for translation (``invalid_yaml``, ``missing``, ``unknown_field``,
    #: ``unknown_condition``...); "" when there is only ``message``.
    code: str = ""
    #: The untranslated part of the message (the YAML parser's or the system's own words).
    detail: str = ""
    #: Where the YAML parser gave up, when that is another line than ``line``.
    stop_line: int | None = None
    #: The named parts of the message (``{"name": "event.curent", "suggestion": ...}``).
    params: Params = dataclasses.field(default_factory=dict, hash=False)

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
            message = f"file is {size:,} bytes; the limit is {max_bytes:,}"
            params = {"size": size, "limit": max_bytes}
            raise DataError([Problem(name, None, "", message, "file_too_large", params=params)])
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError([unreadable_problem(name, exc)]) from exc
    if len(raw) > max_bytes:  # the file grew between stat and read
        message = f"file is over {max_bytes:,} bytes"
        params = {"limit": max_bytes}
        raise DataError([Problem(name, None, "", message, "file_over_limit", params=params)])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        message = "not valid UTF-8 text (save the file as UTF-8)"
        raise DataError([Problem(name, line, "", message, "not_utf8")]) from exc
    try:
        data, node = parse_yaml(text)
    except yaml.YAMLError as exc:
        raise DataError([yaml_problem(name, exc)]) from exc
    return data, node


#: Why a file could not be read, for the reasons a person can act on (else the system's words).
_OS_REASONS = {
    errno.ENOENT: "file_not_found",
    errno.EACCES: "file_no_permission",
    errno.EPERM: "file_no_permission",
    errno.EISDIR: "file_is_directory",
}


def unreadable_problem(name: str, exc: OSError) -> Problem:
    """A file the system would not read; ``detail`` keeps the system's own (English) words."""
    reason = exc.strerror or type(exc).__name__
    code = _OS_REASONS.get(exc.errno or 0, "unreadable")
    return Problem(name, None, "", f"cannot read file: {reason}", code, reason)


# -- pydantic errors ----------------------------------------------------------------------------
#: pydantic error types that say the same thing to a person, by the code they get here.
_PYDANTIC_CODES = {
    "missing": "missing",
    "extra_forbidden": "unknown_field",
    "literal_error": "one_of",
    "enum": "one_of",
    "string_type": "not_text",
    "string_too_long": "text_too_long",
    "string_pattern_mismatch": "pattern",
    "int_type": "not_whole_number",
    "int_parsing": "not_whole_number",
    "int_from_float": "not_whole_number",
    "float_type": "not_number",
    "float_parsing": "not_number",
    "bool_type": "not_true_false",
    "bool_parsing": "not_true_false",
    "greater_than": "greater_than",
    "greater_than_equal": "at_least",
    "less_than": "less_than",
    "less_than_equal": "at_most",
    "too_short": "too_few_items",
    "too_long": "too_many_items",
    "list_type": "not_list",
    "tuple_type": "not_list",
    "set_type": "not_list",
    "frozen_set_type": "not_list",
    "dict_type": "not_mapping",
    "model_type": "not_mapping",
    "model_attributes_type": "not_mapping",
    "value_error": "rejected",
}
#: The ctx entry of a pydantic error that becomes the ``limit`` part.
_LIMIT_KEYS = ("gt", "ge", "lt", "le", "min_length", "max_length")
#: Patterns the models use, said in words rather than as a regular expression.
_PATTERN_CODES = {r"^[a-z0-9][a-z0-9._-]*$": "id_pattern"}
#: Error types raised by the guards' own validators (``PydanticCustomError``): their code is
#: their type and their parts are their ctx.
CUSTOM_ERRORS = ("turn_shape",)


def show_value(value: object, limit: int = 60) -> str:
    """A scalar as the person wrote it in YAML (``'halt'``, ``true``, ``3``); "" for anything
    bigger, which would not fit in one line."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        text = repr(value)
        return text if len(text) <= limit else text[: limit - 2] + "…'"
    return ""


def _amount(value: object) -> str | int:
    """A limit from pydantic: a whole number stays a number (a UI writes it its own way)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return show_value(value)


def _choices(expected: str) -> str:
    """pydantic's ``'a', 'b' or 'c'`` as a plain list, ``'a', 'b', 'c'`` (its "or" is English)."""
    head, sep, last = expected.rpartition(" or ")
    return f"{head}, {last}" if sep else expected


def pydantic_parts(err: ErrorDetails) -> tuple[str, dict[str, str | int], str]:
    """``(code, params, detail)`` for one pydantic error. Types not listed get ``invalid`` with
    the offending value and pydantic's context (``expected``, limits...), never a guess."""
    kind = err["type"]
    ctx: dict[str, Any] = dict(err.get("ctx") or {})
    code = _PYDANTIC_CODES.get(kind)
    if kind in CUSTOM_ERRORS:
        return kind, {k: show_value(v) or str(v) for k, v in ctx.items()}, ""
    if code == "one_of":
        return code, {"expected": _choices(str(ctx.get("expected", "")))}, ""
    if code == "rejected":
        return code, {}, str(ctx.get("error", err["msg"]))
    if kind == "string_too_short":
        if ctx.get("min_length") == 1:
            return "empty", {}, ""
        return "text_too_short", {"limit": _amount(ctx.get("min_length"))}, ""
    if code == "pattern":
        pattern = str(ctx.get("pattern", ""))
        return _PATTERN_CODES.get(pattern, code), {"pattern": pattern}, ""
    if code is not None:
        limit = next((ctx[k] for k in _LIMIT_KEYS if k in ctx), None)
        return code, ({"limit": _amount(limit)} if limit is not None else {}), ""
    context = ", ".join(f"{k}: {show_value(v) or v}" for k, v in ctx.items())
    return "invalid", {"value": show_value(err.get("input")), "context": context}, ""


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
        code, params, detail = pydantic_parts(err)
        where = ".".join(str(p) for p in loc)
        problems.append(Problem(name, line, where, msg, code, detail, params=params))
    return problems
