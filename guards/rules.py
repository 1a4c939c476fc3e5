"""Rule sets as data: load a YAML rule set, validate it into precise problems, compile it.

A rule set file has ``id``, ``version``, ``status`` (draft/published), ``rules`` and optionally
``extends`` (a base rule set whose rules this one inherits; a rule with the same id replaces the
base rule) and ``includes`` (files with more ``rules``). Paths are relative to the file; cycles
are reported. Every problem in every file is listed with its file, line and field (the field
names the rule id), never just the first.

Besides the shape, validation checks what makes a rule set fit to run:
- conditions use the closed vocabulary of :mod:`guards.conditions` (with "did you mean");
- no condition names a protected attribute (equal treatment);
- explanations and guidance are templates with known placeholders only;
- an exception (``unless``) never depends on the organisation's value (value alignment is
  lexicographic: no business value outweighs a values rule);
- anti-paternalism: no hold/block rule fires on help (service, care, referral, collections,
  advice) just because the customer is vulnerable, nor on a relevant offer just because of a
  positive or neutral life event (moving, new child, marriage, retirement).
"""

from __future__ import annotations

import hashlib
import json
import string
from dataclasses import dataclass, field, replace
from itertools import product
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from guards.conditions import (
    Compiled,
    Facts,
    Test,
    closest,
    compile_condition,
    did_you_mean,
)
from guards.types import Dimension, SuggestionKind, Verdict
from guards.yamlsrc import (
    MAX_FILE_BYTES,
    DataError,
    Problem,
    key_line,
    line_of,
    parse_yaml,
    problems_from_validation,
    read_yaml,
    yaml_problem,
)
from nlp.types import NEUTRAL_EVENTS, VULNERABILITY_EVENTS, EventType, Lang

__all__ = [
    "MAX_RULES",
    "Problem",
    "Rule",
    "RuleModel",
    "RuleSet",
    "RuleSetError",
    "load_rule_set",
    "load_rule_set_text",
]

MAX_RULES = 1_000
MAX_INCLUDES = 50
MAX_TEXT = 1_000
Enforcement = Literal["enforce", "warn", "dry_run"]
#: Placeholders an explanation or guidance template may use (filled by the engine).
TEMPLATE_FIELDS = ("event", "kind", "wish", "title", "group", "purpose")
#: In an exception these would let business value buy a way around a values rule.
ORG_VALUE_PREDICATES = ("value.org", "value.customer_minus_org")
HELP_KINDS = (
    SuggestionKind.SERVICE,
    SuggestionKind.CARE,
    SuggestionKind.REFERRAL,
    SuggestionKind.COLLECTIONS,
    SuggestionKind.ADVICE,
)


class RuleSetError(DataError):
    """A rule set could not be loaded; ``problems`` lists every problem found."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Texts(_Strict):
    nl: str = Field(min_length=1, max_length=MAX_TEXT)
    en: str = Field(min_length=1, max_length=MAX_TEXT)

    def get(self, lang: Lang) -> str:
        return self.nl if lang == "nl" else self.en


class RuleModel(_Strict):
    """One rule as written in the file (before its conditions are compiled)."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=80)
    dimension: str
    description: str = Field(default="", max_length=MAX_TEXT)
    when: Any
    unless: Any = None
    verdict: Verdict
    explain: Texts
    guidance: Texts | None = None
    enforcement: Enforcement = "enforce"
    #: Vulnerability, autonomy and value rules: loosening one needs a second approver.
    protective: bool = False


class RuleFileModel(_Strict):
    id: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=80)
    version: str | int | float | None = None
    status: Literal["draft", "published"] | None = None
    description: str = Field(default="", max_length=5 * MAX_TEXT)
    extends: str | None = None
    includes: list[str] = Field(default_factory=list, max_length=MAX_INCLUDES)
    rules: list[Any] = Field(default_factory=list)


@dataclass(frozen=True)
class Rule:
    """A compiled rule, ready to judge."""

    id: str
    dimension: Dimension
    verdict: Verdict
    enforcement: Enforcement
    protective: bool
    when: Test
    unless: Test | None
    explain: Texts
    guidance: Texts | None
    #: Life events the rule's conditions name (they fill ``{event}`` in its texts).
    event_types: frozenset[EventType]
    model: RuleModel
    source: str
    line: int | None = None

    def fires(self, facts: Facts) -> bool:
        return self.when(facts) and not (self.unless is not None and self.unless(facts))


@dataclass(frozen=True)
class RuleSet:
    id: str
    version: str
    status: Literal["draft", "published"]
    description: str
    rules: tuple[Rule, ...]
    source: str
    digest: str = ""
    by_id: dict[str, Rule] = field(default_factory=dict, compare=False)

    def export(self) -> dict[str, Any]:
        """The merged rule set as plain data (YAML export, dry-run records)."""
        return {
            "id": self.id,
            "version": self.version,
            "status": self.status,
            "description": self.description,
            "rules": [r.model.model_dump(mode="json", exclude_none=True) for r in self.rules],
        }


@dataclass
class _Parsed:
    meta: RuleFileModel | None
    rules: list[Rule]


class _Loader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.stack: list[Path] = []

    def add(
        self,
        file: str,
        line: int | None,
        field_: str,
        message: str,
        code: str,
        *,
        detail: str = "",
        **params: str | int,
    ) -> None:
        self.problems.append(Problem(file, line, field_, message, code, detail, params=params))

    def load(self, path: Path, root: bool) -> _Parsed:
        resolved = path.resolve()
        name = str(path)
        if resolved in self.stack:
            chain = " -> ".join(p.name for p in [*self.stack[self.stack.index(resolved) :], path])
            message = f"rule files include each other in a cycle: {chain}"
            self.add(name, None, "", message, "include_cycle", chain=chain)
            return _Parsed(None, [])
        try:
            data, node = self.read(path)
        except DataError as exc:
            self.problems.extend(exc.problems)
            return _Parsed(None, [])
        if not isinstance(data, dict):
            message = "a rule set is a mapping with id, version, status and rules"
            self.add(name, 1, "", message, "rule_set_not_mapping")
            return _Parsed(None, [])
        try:
            meta = RuleFileModel.model_validate(data)
        except ValidationError as exc:
            self.problems.extend(problems_from_validation(name, exc, node))
            return _Parsed(None, [])
        if root:
            for key in ("id", "version", "status"):
                if data.get(key) is None:
                    self.add(name, 1, key, "required field is missing", "missing")
        if len(meta.rules) > MAX_RULES:
            self.add(
                name,
                line_of(node, ["rules"]),
                "rules",
                f"{len(meta.rules)} rules; the limit is {MAX_RULES}",
                "too_many_rules",
                count=len(meta.rules),
                limit=MAX_RULES,
            )
            return _Parsed(meta, [])
        self.stack.append(resolved)
        try:
            rules = self.own_rules(name, meta, node)
            for i, inc in enumerate(meta.includes):
                sub = self.load(path.parent / inc, root=False)
                if sub.meta is not None and sub.meta.extends:
                    message = "an included file cannot extend"
                    self.add(str(path.parent / inc), 1, "extends", message, "include_extends")
                rules = self.merge(name, line_of(node, ["includes", i]), rules, sub.rules, False)
            if meta.extends:
                base = self.load(path.parent / meta.extends, root=True)
                rules = self.merge(name, line_of(node, ["extends"]), base.rules, rules, True)
        finally:
            self.stack.pop()
        return _Parsed(meta, rules)

    def read(self, path: Path) -> tuple[Any, yaml.Node | None]:
        return read_yaml(path)

    def merge(
        self, name: str, line: int | None, first: list[Rule], second: list[Rule], override: bool
    ) -> list[Rule]:
        """``second`` after ``first``; with ``override`` a same-id rule replaces the base one."""
        merged = {r.id: r for r in first}
        for r in second:
            if r.id in merged and not override:
                message = f"rule id {r.id!r} is defined twice"
                self.add(name, line, f"rules[{r.id}]", message, "rule_defined_twice", rule=r.id)
                continue
            merged[r.id] = r
        if len(merged) > MAX_RULES:
            message = f"{len(merged)} rules in all; the limit is {MAX_RULES}"
            count = len(merged)
            self.add(
                name, line, "rules", message, "too_many_rules_in_all", count=count, limit=MAX_RULES
            )
        return list(merged.values())

    def own_rules(self, name: str, meta: RuleFileModel, node: yaml.Node | None) -> list[Rule]:
        rules: list[Rule] = []
        seen: set[str] = set()
        for i, raw in enumerate(meta.rules):
            rule = self.rule(name, i, raw, node)
            if rule is None:
                continue
            if rule.id in seen:
                self.add(
                    name,
                    line_of(node, ["rules", i, "id"]),
                    f"rules[{rule.id}].id",
                    f"rule id {rule.id!r} is used twice",
                    "rule_used_twice",
                    rule=rule.id,
                )
                continue
            seen.add(rule.id)
            rules.append(rule)
        return rules

    def rule(self, name: str, i: int, raw: Any, node: yaml.Node | None) -> Rule | None:
        loc: list[int | str] = ["rules", i]
        rid = raw.get("id") if isinstance(raw, dict) else None
        label = f"rules[{rid}]" if isinstance(rid, str) and rid else f"rules.{i}"
        before = len(self.problems)
        try:
            model = RuleModel.model_validate(raw)
        except ValidationError as exc:
            for p in problems_from_validation(name, exc, node, loc):
                where = label + p.field.removeprefix(f"rules.{i}")
                self.problems.append(replace(p, field=where))
            model = None
        if isinstance(raw, dict):
            dim = raw.get("dimension")
            dimensions = [d.value for d in Dimension]
            if isinstance(dim, str) and dim not in dimensions:
                self.add(
                    name,
                    line_of(node, [*loc, "dimension"]),
                    f"{label}.dimension",
                    f"unknown dimension {dim!r}" + did_you_mean(dim, dimensions),
                    "unknown_dimension",
                    value=repr(dim),
                    suggestion=closest(dim, dimensions),
                )
            when = self.condition(name, node, loc, label=label, key="when", raw=raw.get("when"))
            unless = None
            if raw.get("unless") is not None:
                unless = self.condition(
                    name, node, loc, label=label, key="unless", raw=raw["unless"]
                )
                if unless is not None:
                    for pred in unless.predicates & set(ORG_VALUE_PREDICATES):
                        self.add(
                            name,
                            line_of(node, [*loc, "unless"]),
                            f"{label}.unless",
                            f"an exception may not depend on {pred}: no business value "
                            "outweighs a values rule (value alignment is lexicographic)",
                            "unless_org_value",
                            condition=pred,
                        )
            for key in ("explain", "guidance"):
                texts = raw.get(key)
                if isinstance(texts, dict):
                    for lang in ("nl", "en"):
                        self.template(name, node, [*loc, key, lang], label, texts.get(lang))
        else:
            message = "a rule is a mapping with id, when, verdict"
            self.add(name, line_of(node, loc), label, message, "rule_not_mapping")
            return None
        if model is not None:
            if model.verdict is Verdict.SHOW:
                self.add(
                    name,
                    line_of(node, [*loc, "verdict"]),
                    f"{label}.verdict",
                    "a rule cannot say 'show': the guard shows by default, and nothing may "
                    "outweigh another rule's objection. Use guide, hold or block",
                    "rule_says_show",
                )
            if model.verdict is Verdict.GUIDE and model.guidance is None:
                self.add(
                    name,
                    key_line(node, [*loc, "verdict"]),
                    f"{label}.guidance",
                    "a 'guide' rule needs guidance for the agent (nl and en)",
                    "guide_needs_guidance",
                )
        if len(self.problems) > before or model is None or when is None:
            return None
        return Rule(
            id=model.id,
            dimension=Dimension(model.dimension),
            verdict=model.verdict,
            enforcement=model.enforcement,
            protective=model.protective,
            when=when.test,  # type: ignore[arg-type]
            unless=unless.test if unless is not None else None,
            explain=model.explain,
            guidance=model.guidance,
            event_types=frozenset(when.event_types),
            model=model,
            source=name,
            line=line_of(node, loc),
        )

    def condition(
        self,
        name: str,
        node: yaml.Node | None,
        loc: list[int | str],
        *,
        label: str,
        key: str,
        raw: Any,
    ) -> Compiled | None:
        if raw is None:
            return None  # a missing `when` is reported by the model validation
        compiled = compile_condition(raw, (key,))
        for problem in compiled.problems:
            where = problem.loc
            self.problems.append(
                Problem(
                    name,
                    key_line(node, [*loc, *where]),
                    f"{label}." + ".".join(str(p) for p in where),
                    problem.message,
                    problem.code,
                    params=problem.params,
                )
            )
        return compiled if compiled.test is not None else None

    def template(
        self, name: str, node: yaml.Node | None, loc: list[int | str], label: str, text: Any
    ) -> None:
        if not isinstance(text, str):
            return
        where = f"{label}." + ".".join(str(p) for p in loc[2:])
        line = line_of(node, loc)
        try:
            parts = list(string.Formatter().parse(text))
        except ValueError as exc:
            message = f"bad template ({exc}); write {{{{ for a literal brace"
            self.add(name, line, where, message, "bad_template", detail=str(exc))
            return
        allowed = ", ".join("{" + f + "}" for f in TEMPLATE_FIELDS)
        for _, field_name, spec, conversion in parts:
            if field_name is None:
                continue
            placeholder = "{" + field_name + "}"
            if field_name not in TEMPLATE_FIELDS:
                self.add(
                    name,
                    line,
                    where,
                    f"unknown placeholder {placeholder}"
                    + did_you_mean(field_name, TEMPLATE_FIELDS)
                    + f"; allowed: {allowed}",
                    "unknown_placeholder",
                    placeholder=placeholder,
                    suggestion=closest(field_name, TEMPLATE_FIELDS),
                    allowed=allowed,
                )
            elif spec or conversion:
                message = f"placeholder {placeholder} takes no format"
                self.add(name, line, where, message, "placeholder_format", placeholder=placeholder)


def _synthetic(kind: SuggestionKind, current: frozenset[EventType], **kw: Any) -> Facts:
    values: dict[str, Any] = {
        "kind": kind,
        "credit": False,
        "inferred": False,
        "group": "",
        "action": "",
        "customer_value": 0.9,
        "org_value": 0.3,
        "text": "",
        "script_words": 20,
        # Help for the very situation the customer is in: the hardest case not to block.
        "purpose": current,
        "current": current,
        "mentioned": current,
        "ended": frozenset(),
        "wishes": frozenset(),
        "declined_actions": frozenset(),
        "declined_groups": frozenset(),
        "declined_kinds": frozenset(),
        "opted_out": False,
        "brake": False,
        "question_open": False,
        "disclosure_unacknowledged": not current.isdisjoint(VULNERABILITY_EVENTS),
        "utterances": 10,
    }
    values.update(kw)
    return Facts(**values)


def _anti_paternalism(rules: list[Rule]) -> list[Problem]:
    """Rules that would hold or block help for the vulnerable, or offers for happy events."""
    problems: list[Problem] = []
    strict = [r for r in rules if r.verdict.severity >= Verdict.HOLD.severity]
    for rule in strict:
        field_ = f"rules[{rule.id}].when"
        for kind, purpose in product(HELP_KINDS, (VULNERABILITY_EVENTS, frozenset())):
            if rule.fires(_synthetic(kind, VULNERABILITY_EVENTS, purpose=purpose)):
                problems.append(
                    Problem(
                        rule.source,
                        rule.line,
                        field_,
                        f"this rule would {rule.verdict.value} {kind.value} for a customer in a "
                        "vulnerable situation: help they are entitled to is never held or blocked "
                        "because they are vulnerable (anti-paternalism). Narrow it, e.g. with "
                        "suggestion.commercial: true",
                        "holds_help",
                        params={"verdict": rule.verdict.value, "kind": kind.value},
                    )
                )
                break
        for event in [None, *sorted(NEUTRAL_EVENTS)]:
            current = frozenset() if event is None else frozenset({event})
            facts = _synthetic(SuggestionKind.SALES, current, customer_value=0.6, org_value=0.5)
            if rule.fires(facts):
                why = "in a neutral call" if event is None else f"because of {event.value}"
                problems.append(
                    Problem(
                        rule.source,
                        rule.line,
                        field_,
                        f"this rule would {rule.verdict.value} a relevant, valuable offer {why}: "
                        "positive and neutral life events do not suppress relevant offers, and "
                        "a guard that blocks everything is broken (anti-paternalism)",
                        "holds_offers" if event is not None else "holds_offers_in_neutral_call",
                        params={
                            "verdict": rule.verdict.value,
                            **({"event": event.value} if event is not None else {}),
                        },
                    )
                )
                break
    return problems


def _digest(rules: list[Rule], meta: RuleFileModel) -> str:
    payload = json.dumps(
        [meta.id, str(meta.version), [r.model.model_dump(mode="json") for r in rules]],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def load_rule_set(path: Path) -> RuleSet:
    """Load, validate and compile a rule set; raise :class:`RuleSetError` listing every problem."""
    loader = _Loader()
    return _finish(loader, loader.load(Path(path), root=True), str(path))


class _TextLoader(_Loader):
    """Reads the root rule set from text (a stored version); other files do not exist for it."""

    def __init__(self, text: str, source: str) -> None:
        super().__init__()
        self.text = text
        self.root = Path(source)

    def read(self, path: Path) -> tuple[Any, yaml.Node | None]:
        name = str(path)
        if path != self.root:
            raise DataError(
                [
                    Problem(
                        str(self.root),
                        None,
                        "extends/includes",
                        f"a stored rule set cannot refer to other files ({name}); "
                        "import the merged rule set instead",
                        "stored_refers_to_files",
                        params={"file": name},
                    )
                ]
            )
        # The same limits and messages as for a file (read_yaml), without a file.
        size = len(self.text.encode("utf-8"))
        if size > MAX_FILE_BYTES:
            message = f"{size:,} bytes; the limit is {MAX_FILE_BYTES:,}"
            params = {"size": size, "limit": MAX_FILE_BYTES}
            raise DataError([Problem(name, None, "", message, "text_too_large", params=params)])
        try:
            return parse_yaml(self.text)
        except yaml.YAMLError as exc:
            raise DataError([yaml_problem(name, exc)]) from None


def load_rule_set_text(text: str, source: str) -> RuleSet:
    """Like :func:`load_rule_set` for rule-set YAML held in memory (a version from the rule
    store); ``source`` names it in every problem. ``extends``/``includes`` are refused."""
    loader = _TextLoader(text, source)
    return _finish(loader, loader.load(loader.root, root=True), source)


def _finish(loader: _Loader, parsed: _Parsed, source: str) -> RuleSet:
    if not loader.problems:
        loader.problems.extend(_anti_paternalism(parsed.rules))
    if loader.problems or parsed.meta is None:
        raise RuleSetError(
            loader.problems or [Problem(source, None, "", "no rule set", "no_rule_set")]
        )
    meta = parsed.meta
    rules = tuple(parsed.rules)
    return RuleSet(
        id=str(meta.id),
        version=str(meta.version),
        status=meta.status or "draft",
        description=meta.description,
        rules=rules,
        source=source,
        digest=_digest(parsed.rules, meta),
        by_id={r.id: r for r in rules},
    )
