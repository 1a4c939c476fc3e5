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
    from agent_desk.cli.language import settings_language
    from agent_desk.i18n import t
    from agent_desk.problems import problem_line

    lang = settings_language()
    report = check_paths(paths or (fixtures_dir(),))
    for problem in report.problems:
        click.echo(problem_line(problem, lang), err=True)
    if report.problems:
        count = len(report.problems)
        click.echo(t("cli.fixtures.problems", lang, count=count, files=report.files), err=True)
        raise SystemExit(1)
    conversations = len(report.conversations)
    click.echo(t("cli.fixtures.ok", lang, files=report.files, conversations=conversations))


@fixtures.command("import")
@click.argument("transcript", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The library YAML to write (default: <id>.yaml here).",
)
@click.option("--id", "conversation_id", help="Conversation id (default: from the file name).")
@click.option("--title", help="Title for the library (default: the file name).")
@click.option(
    "--lang",
    type=click.Choice(["nl", "en"]),
    help="The call's language (default: identified from the customer's words).",
)
@click.option(
    "--org",
    type=click.Choice(["bank", "insurer", "municipality"]),
    help="Whose call it is (default: the org setting).",
)
@click.option("--yes", is_flag=True, help="Accept the detector's life events without asking.")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
def import_(*, transcript: Path, output: Path | None, conversation_id: str | None,
            title: str | None, lang: str | None, org: str | None, yes: bool,
            force: bool) -> None:  # fmt: skip
    """Turn a transcript ("Klant: ...", "Agent: ...") or a JSON Lines export into a library
    conversation: redacted, life events annotated with the detector's help, checked."""
    from agent_desk.training.importer import import_transcript

    import_transcript(
        transcript,
        output=output,
        conversation_id=conversation_id,
        title=title,
        lang=lang,
        org=org,
        yes=yes,
        force=force,
    )
