"""Entry-point discovery: feeds and NBA sources by name, built-in or from a third-party package.

A package adds a feed or a source without touching this code by declaring an entry point in the
group ``agent_desk.feeds`` or ``agent_desk.nba_sources`` (docs/feeds.md has a runnable example).
The built-ins are registered the same way, as entry points declared here, and go through the same
loader. A plugin that fails to import, or is not a :class:`Feed` / :class:`NBASource` subclass, is
reported as a :class:`PluginProblem` and skipped: a broken plugin never stops the desk.

``python -m agent_desk.plugins`` lists what is installed and what is broken.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from typing import Generic, TypeVar

from agent_desk.feeds.base import Feed
from agent_desk.nba.base import NBASource

FEED_GROUP = "agent_desk.feeds"
NBA_GROUP = "agent_desk.nba_sources"

BUILTIN_FEEDS: tuple[EntryPoint, ...] = (
    EntryPoint("replay", "agent_desk.feeds.replay:ReplayFeed", FEED_GROUP),
    EntryPoint("sse", "agent_desk.feeds.sse:SSEFeed", FEED_GROUP),
    EntryPoint("stdin", "agent_desk.feeds.stdin:StdinFeed", FEED_GROUP),
    EntryPoint("connect", "agent_desk.feeds.connect:ConnectFeed", FEED_GROUP),
)
BUILTIN_NBA_SOURCES: tuple[EntryPoint, ...] = (
    EntryPoint("catalog", "agent_desk.nba.catalog:CatalogSource", NBA_GROUP),
    EntryPoint("recorded", "agent_desk.nba.catalog:ScriptedSource", NBA_GROUP),
    EntryPoint("http", "agent_desk.nba.http:HttpNBASource", NBA_GROUP),
)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PluginProblem:
    """A plugin that could not be used; one readable line for the status line or a log."""

    group: str
    name: str
    value: str
    message: str

    def __str__(self) -> str:
        return f"{self.group} plugin {self.name!r} ({self.value}): {self.message}"


@dataclass
class Registry(Generic[T]):
    """Name -> class for one group, plus the plugins that could not be loaded."""

    group: str
    classes: dict[str, type[T]] = field(default_factory=dict)
    problems: list[PluginProblem] = field(default_factory=list)
    #: Where each name came from: ``"built-in"`` or the distribution's name.
    origins: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> type[T]:
        try:
            return self.classes[name]
        except KeyError:
            known = ", ".join(sorted(self.classes)) or "none"
            raise KeyError(f"no {self.group} plugin named {name!r} (known: {known})") from None


def _load(registry: Registry[T], ep: EntryPoint, base: type[T], origin: str) -> None:
    if ep.name in registry.classes:
        registry.problems.append(
            PluginProblem(
                registry.group,
                ep.name,
                ep.value,
                f"name already taken by {registry.origins[ep.name]}; ignored",
            )
        )
        return
    try:
        obj = ep.load()
    except Exception as exc:  # any import-time error of someone else's code is theirs to fix
        registry.problems.append(
            PluginProblem(
                registry.group, ep.name, ep.value, f"cannot load: {type(exc).__name__}: {exc}"
            )
        )
        return
    if not (isinstance(obj, type) and issubclass(obj, base)):
        registry.problems.append(
            PluginProblem(
                registry.group, ep.name, ep.value, f"is not a subclass of {base.__name__}"
            )
        )
        return
    registry.classes[ep.name] = obj
    registry.origins[ep.name] = origin


def _discover(group: str, builtins: tuple[EntryPoint, ...], base: type[T]) -> Registry[T]:
    registry: Registry[T] = Registry(group)
    for ep in builtins:
        _load(registry, ep, base, "built-in")
    try:
        installed = sorted(entry_points(group=group), key=lambda e: (e.name, e.value))
    except Exception as exc:  # a corrupt metadata file elsewhere must not stop the desk
        registry.problems.append(
            PluginProblem(group, "*", "", f"cannot read installed entry points: {exc}")
        )
        return registry
    for ep in installed:
        dist = ep.dist.name if ep.dist is not None else "an installed package"
        _load(registry, ep, base, dist)
    return registry


def discover_feeds() -> Registry[Feed]:
    """Every usable feed class by name; built-ins win a name clash (reported)."""
    return _discover(FEED_GROUP, BUILTIN_FEEDS, Feed)  # type: ignore[type-abstract]


def discover_nba_sources() -> Registry[NBASource]:
    """Every usable NBA source class by name; built-ins win a name clash (reported)."""
    return _discover(NBA_GROUP, BUILTIN_NBA_SOURCES, NBASource)  # type: ignore[type-abstract]


def main() -> int:
    for registry in (discover_feeds(), discover_nba_sources()):
        print(f"{registry.group}:")
        for name, cls in sorted(registry.classes.items()):
            print(f"  {name:<10} {cls.__module__}.{cls.__qualname__}  [{registry.origins[name]}]")
        for problem in registry.problems:
            print(f"  ! {problem}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
