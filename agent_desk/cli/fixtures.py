"""`agent-desk fixtures check [PATHS]`: validate the conversation library and catalogues."""

from __future__ import annotations

from pathlib import Path

import click

from agent_desk.library.check import check_paths
from agent_desk.paths import fixtures_dir


@click.group()
def fixtures() -> None:
    """Work with the conversation library, catalogues and rule sets."""


@fixtures.command("check")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def check(paths: tuple[Path, ...]) -> None:
    """Validate fixture files (default: the shipped library). Lists every problem, exit 1 if any."""
    report = check_paths(paths or (fixtures_dir(),))
    for problem in report.problems:
        click.echo(str(problem), err=True)
    if report.problems:
        click.echo(f"{len(report.problems)} problem(s) in {report.files} file(s)", err=True)
        raise SystemExit(1)
    click.echo(f"ok: {report.files} file(s), {len(report.conversations)} conversation(s)")
