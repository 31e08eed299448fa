"""The ``compendium`` command line."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from rich.console import Console
from rich.table import Table
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app import backup as backup_service
from app.admin import service as admin_service
from app.auth import service as auth_service
from app.auth.models import Role
from app.config import get_settings
from app.db import Database
from app.delegations.models import DelegationKind
from app.demo import seed_demo_round
from app.errors import AppError
from app.exports import commands as export_commands
from app.migrate import head_revision, upgrade
from app.seed import DEMO_PASSWORD, DEMO_USERS, seed_all

app = typer.Typer(
    help="Compendium: drafting the OSCE Best Practice Guide for UNSCR 1540.", no_args_is_help=True
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
user_app = typer.Typer(help="User accounts.", no_args_is_help=True)
delegation_app = typer.Typer(help="Delegations.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(delegation_app, name="delegation")
app.command("export")(export_commands.export)
app.command("import")(export_commands.import_file)
console = Console()


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Run the Alembic migrations up to REVISION (default: the newest)."""
    settings = get_settings()
    upgrade(settings.database_url, revision)
    console.print(f"[green]database at {revision}[/green]")


@db_app.command("copy")
def db_copy(
    to: Annotated[
        str, typer.Option("--to", help="URL of an empty database (SQLite or PostgreSQL)")
    ],
) -> None:
    """Copy every table to another database, which the command migrates first."""
    settings = get_settings()
    with _refusal_exits():
        counts = backup_service.copy_database(settings=settings, target_url=to)
    total = sum(counts.values())
    console.print(f"[green]{total} rows in {len(counts)} tables copied to {_shown(to)}[/green]")


@app.command("backup")
def backup_command(path: Path) -> None:
    """Write a consistent backup of the database to PATH, also while the server writes."""
    settings = get_settings()
    with _refusal_exits():
        backup_service.backup(settings=settings, path=path)
    size = path.stat().st_size
    console.print(f"[green]{_shown(settings.database_url)} backed up to {path} ({size:,} bytes)")


@app.command("restore")
def restore_command(path: Path) -> None:
    """Restore the backup at PATH into the database, which must be empty."""
    settings = get_settings()
    with _refusal_exits():
        backup_service.restore(settings=settings, path=path)
    database = Database(settings)
    revision = backup_service.database_revision(database.engine)
    database.dispose()
    console.print(f"[green]{path} restored into {_shown(settings.database_url)}[/green]")
    if revision != head_revision():
        console.print(f"database at revision {revision}: run `compendium db upgrade` next")


@contextmanager
def _refusal_exits() -> Iterator[None]:
    """A refused backup, restore or copy prints why and exits with status 1."""
    try:
        yield
    except backup_service.BackupError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


@app.command()
def seed(
    demo_users: Annotated[bool, typer.Option(help="Create the demo logins too.")] = True,
    demo_round: Annotated[
        bool, typer.Option(help="Seed the 2021 drafting round (needs the demo logins).")
    ] = True,
) -> None:
    """Seed delegations, the guide from compendium/, demo users and round (idempotent)."""
    settings = get_settings()
    database = Database(settings)
    with database.session(write=True) as session, session.begin():
        counts = seed_all(session=session, settings=settings, demo_users=demo_users)
        if demo_users and demo_round and seed_demo_round(session=session, settings=settings):
            console.print("demo round of 2021 seeded")
    database.dispose()
    console.print(f"delegations: {counts['delegations']}, new sections: {counts['sections']}")
    if demo_users:
        _print_demo_logins()


def _print_demo_logins() -> None:
    table = Table(title=f"Demo logins (password for all: {DEMO_PASSWORD})")
    for column in ("username", "role", "delegation", "who"):
        table.add_column(column)
    for demo in DEMO_USERS:
        table.add_row(demo.username, demo.role.value, demo.delegation, demo.display_name)
    console.print(table)


@user_app.command("add")
def user_add(
    name: str,
    delegation: Annotated[str, typer.Option(help="Delegation code, e.g. USA")],
    role: Annotated[Role, typer.Option(help="chair, coordinator, delegate, observer or admin")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True)],
) -> None:
    """Add a user NAME to a delegation with a role."""
    settings = get_settings()
    database = Database(settings)
    try:
        with database.session(write=True) as session, session.begin():
            auth_service.create_user(
                session=session,
                username=name,
                delegation_code=delegation,
                role=role,
                password=password,
            )
    except AppError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None
    finally:
        database.dispose()
    console.print(f"[green]user {name} ({role.value}, {delegation}) added[/green]")


@contextmanager
def _transaction(*, write: bool = True) -> Iterator[Session]:
    """One transaction on the configured database; an AppError exits with status 1."""
    database = Database(get_settings())
    try:
        with database.session(write=write) as session, session.begin():
            yield session
    except AppError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None
    finally:
        database.dispose()


@user_app.command("list")
def user_list(
    delegation: Annotated[str | None, typer.Option(help="Only this delegation's users")] = None,
) -> None:
    """List users with role, delegation, state and live tokens."""
    with _transaction(write=False) as session:
        users = admin_service.list_users(session=session, actor=None, delegation=delegation)
    table = Table(title="Users")
    for column in ("username", "name", "role", "delegation", "active", "live tokens"):
        table.add_column(column, overflow="fold")
    for u in users:
        active = "yes" if u.is_active else "[red]no[/red]"
        table.add_row(u.username, u.display_name, u.role, u.delegation, active, str(u.live_tokens))
    console.print(table)


def _set_active(name: str, *, active: bool) -> None:
    with _transaction() as session:
        user = auth_service.get_user_by_name(session=session, username=name)
        admin_service.set_active(session=session, actor=None, user=user, active=active)
    done = "reactivated" if active else "deactivated; every token of theirs is revoked"
    console.print(f"[green]user {name} {done}[/green]")


@user_app.command("deactivate")
def user_deactivate(name: str) -> None:
    """Take NAME's access away: sign-in refused, every token revoked at once."""
    _set_active(name, active=False)


@user_app.command("reactivate")
def user_reactivate(name: str) -> None:
    """Let NAME sign in again (their old tokens stay revoked)."""
    _set_active(name, active=True)


@user_app.command("password")
def user_password(
    name: str,
    password: Annotated[
        str, typer.Option(prompt="New password", hide_input=True, confirmation_prompt=True)
    ],
) -> None:
    """Set a new password for NAME; every token of theirs is revoked."""
    try:
        password_hash = auth_service.hash_password(password)
    except AppError as exc:
        console.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(1) from None
    with _transaction() as session:
        user = auth_service.get_user_by_name(session=session, username=name)
        revoked = admin_service.reset_password(
            session=session, actor=None, user=user, password_hash=password_hash
        )
    console.print(f"[green]password of {name} set; {revoked} token(s) revoked[/green]")


@user_app.command("tokens")
def user_tokens(name: str) -> None:
    """List NAME's tokens (newest first) with their state; never the tokens themselves."""
    with _transaction(write=False) as session:
        user = auth_service.get_user_by_name(session=session, username=name)
        tokens = admin_service.list_tokens(session=session, user=user)
    table = Table(title=f"Tokens of {name}")
    for column in ("id", "issued", "expires", "revoked", "state"):
        table.add_column(column)
    for t in tokens:
        revoked = f"{t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else ""
        table.add_row(
            str(t.id),
            f"{t.created_at:%Y-%m-%d %H:%M}",
            f"{t.expires_at:%Y-%m-%d %H:%M}",
            revoked,
            t.state.value,
        )
    console.print(table)


@user_app.command("revoke")
def user_revoke(name: str) -> None:
    """Sign NAME out everywhere: revoke every live token."""
    with _transaction() as session:
        user = auth_service.get_user_by_name(session=session, username=name)
        revoked = admin_service.revoke_tokens(session=session, actor=None, user=user)
    console.print(f"[green]{revoked} token(s) of {name} revoked[/green]")


@delegation_app.command("list")
def delegation_list() -> None:
    """List delegations with their kind and number of users."""
    with _transaction(write=False) as session:
        delegations = admin_service.list_delegations(session=session)
    table = Table(title="Delegations")
    for column in ("code", "name", "kind", "members"):
        table.add_column(column, overflow="fold")
    for d in delegations:
        table.add_row(d.code, d.name, d.kind.value, str(d.members))
    console.print(table)


@delegation_app.command("add")
def delegation_add(
    code: str,
    name: Annotated[str, typer.Option(help="e.g. Republic of Armenia")],
    kind: Annotated[DelegationKind, typer.Option(help="state or organisation")],
) -> None:
    """Add a delegation CODE (2-8 capital letters or digits)."""
    with _transaction() as session:
        admin_service.create_delegation(
            session=session, actor=None, code=code, name=name, kind=kind
        )
    console.print(f"[green]delegation {code} ({name}, {kind.value}) added[/green]")


@app.command()
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64)] = 1,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            help="Proxies trusted for X-Forwarded-For/-Proto (comma-separated IPs, "
            "CIDRs or *); default: loopback, or $FORWARDED_ALLOW_IPS"
        ),
    ] = None,
    timeout_keep_alive: Annotated[
        int, typer.Option(min=1, help="Seconds an idle keep-alive connection stays open")
    ] = 5,
    timeout_graceful_shutdown: Annotated[
        int | None,
        typer.Option(min=1, help="On SIGTERM, seconds to let requests finish before closing"),
    ] = None,
    limit_concurrency: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Per worker: connections and tasks before answering 503 (open event "
            "streams count)",
        ),
    ] = None,
) -> None:
    """Serve the API and the web UI (docs/deploy.md: behind a proxy, in production)."""
    console.print(f"Compendium on http://{host}:{port}  (API docs: /docs)")
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        forwarded_allow_ips=forwarded_allow_ips,
        timeout_keep_alive=timeout_keep_alive,
        timeout_graceful_shutdown=timeout_graceful_shutdown,
        limit_concurrency=limit_concurrency,
    )


if __name__ == "__main__":
    app()
