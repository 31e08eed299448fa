"""``compendium export`` and ``compendium import``: the exports service from a shell.

The commands run the same service functions as the HTTP routes, with a rich
progress bar over the sections. ``export`` is an operator's tool: it reads
any draft, without a user. ``import`` acts as a named user, so the policy and
the delegation of the created proposals are that user's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, cast, get_args

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import User
from app.config import get_settings
from app.db import Database
from app.drafts import service as drafts
from app.drafts.models import Draft
from app.errors import AppError, NotFound
from app.exports import importing, service
from app.exports.schemas import CompilationFormat, CompiledStatus, ExportFormat
from app.proposals.models import ProposalStatus

console = Console(stderr=True)


@contextmanager
def _section_bar(label: str, total: int) -> Iterator[Callable[[], None]]:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, TimeElapsedColumn(), console=console) as bar:
        task = bar.add_task(label, total=total)
        yield lambda: bar.advance(task)
        bar.update(task, completed=total)


def _draft(session: Session, draft_id: int) -> Draft:
    draft = session.get(Draft, draft_id)
    if draft is None:
        raise NotFound(f"no draft {draft_id}")
    return draft


@contextmanager
def _reporting_errors() -> Iterator[None]:
    try:
        yield
    except AppError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None


def _statuses(values: list[str]) -> tuple[ProposalStatus, ...]:
    allowed = get_args(CompiledStatus)
    wrong = [v for v in values if v not in allowed]
    if wrong:
        raise typer.BadParameter(f"--status must be one of {', '.join(allowed)}")
    return tuple(ProposalStatus(v) for v in dict.fromkeys(values))


def export(
    draft: Annotated[int, typer.Option(help="Id of the draft to export")],
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write")],
    fmt: Annotated[str, typer.Option("--format", help="md, html, docx or akn")] = "docx",
    changes_since: Annotated[
        int | None,
        typer.Option(help="Redline against this earlier draft; with --compilation, made since it"),
    ] = None,
    compilation: Annotated[
        bool, typer.Option(help="The compilation of proposals (docx, html)")
    ] = False,
    status: Annotated[
        list[str] | None,
        typer.Option(help="Compilation: proposals in this status (repeatable)"),
    ] = None,
    delegation: Annotated[
        str | None, typer.Option(help="Compilation: only this delegation's proposals")
    ] = None,
) -> None:
    """Export a draft, its redline against another draft, or its compilation to a file."""
    allowed = get_args(CompilationFormat if compilation else ExportFormat)
    if fmt not in allowed:
        raise typer.BadParameter(f"--format must be one of {', '.join(allowed)}")
    database = Database(get_settings())
    try:
        with _reporting_errors(), database.session(write=False) as session, session.begin():
            target = _draft(session, draft)
            total = len(drafts.pinned(session=session, draft=target))
            with _section_bar(f"Exporting {target.label}", total) as progress:
                if compilation:
                    which = service.CompilationFilter(
                        statuses=_statuses(status) if status else service.DEFAULT_COMPILED,
                        since=_draft(session, changes_since) if changes_since else None,
                        delegation=delegation.upper() if delegation else None,
                    )
                    file = service.compile_proposals(
                        session=session,
                        draft=target,
                        fmt=cast(CompilationFormat, fmt),
                        which=which,
                        progress=progress,
                    )
                else:
                    since = _draft(session, changes_since) if changes_since else None
                    file = service.export_draft(
                        session=session,
                        draft=target,
                        fmt=cast(ExportFormat, fmt),
                        changes_since=since,
                        progress=progress,
                    )
    finally:
        database.dispose()
    output.write_bytes(file.content)
    console.print(f"[green]wrote {output} ({len(file.content):,} bytes)[/green]")


def import_file(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A .docx file")],
    draft: Annotated[int, typer.Option(help="Id of the draft the file was exported from")],
    user: Annotated[str, typer.Option(help="Username of the proposing delegate or chair")],
    section: Annotated[
        int | None, typer.Option(help="Import as one proposal on this section id")
    ] = None,
    rationale: Annotated[str, typer.Option(help="Rationale of the proposals")] = "",
) -> None:
    """Turn a revised Word file into proposals of USER's delegation (all or nothing)."""
    settings = get_settings()
    database = Database(settings)
    upload = importing.Upload(file.read_bytes(), None)
    try:
        with _reporting_errors(), database.session(write=True) as session, session.begin():
            who = session.scalar(select(User).where(User.username == user))
            if who is None:
                raise NotFound(f"no user {user}")
            target = drafts.get_draft(session=session, draft_id=draft, user=who)
            if section is not None:
                revised = [
                    importing.revised_section(
                        session=session,
                        draft=target,
                        section_id=section,
                        user=who,
                        upload=upload,
                        settings=settings,
                    )
                ]
            else:
                total = len(drafts.pinned(session=session, draft=target))
                with _section_bar(f"Importing into {target.label}", total) as progress:
                    revised = importing.revised_sections(
                        session=session,
                        draft=target,
                        user=who,
                        upload=upload,
                        settings=settings,
                        progress=progress,
                    )
            found = importing.propose_revised(
                session=session, user=who, found=revised, rationale=rationale, settings=settings
            )
            created = [(p.id, p.section_id) for p in found]
            notes = [note for r in revised for note in r.not_carried]
    finally:
        database.dispose()
    for pid, sid in created:
        console.print(f"[green]proposal {pid} on section {sid}[/green]")
    console.print(f"{len(created)} proposal(s) created")
    for note in notes:
        console.print(f"[yellow]not carried over: {note}[/yellow]")
