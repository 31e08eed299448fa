"""The ``compendium`` command line."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn
from rich.console import Console
from rich.table import Table

from app.auth import service as auth_service
from app.auth.models import Role
from app.config import get_settings
from app.db import Database
from app.demo import seed_demo_round
from app.errors import AppError
from app.exports import commands as export_commands
from app.migrate import upgrade
from app.seed import DEMO_PASSWORD, DEMO_USERS, seed_all

app = typer.Typer(
    help="Compendium: drafting the OSCE Best Practice Guide for UNSCR 1540.", no_args_is_help=True
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
user_app = typer.Typer(help="User accounts.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.command("export")(export_commands.export)
app.command("import")(export_commands.import_file)
console = Console()


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Run the Alembic migrations up to REVISION (default: the newest)."""
    settings = get_settings()
    upgrade(settings.database_url, revision)
    console.print(f"[green]database at {revision}[/green]")


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


@app.command()
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64)] = 1,
) -> None:
    """Serve the API and the web UI."""
    console.print(f"Compendium on http://{host}:{port}  (API docs: /docs)")
    uvicorn.run("app.main:create_app", factory=True, host=host, port=port, workers=workers)


if __name__ == "__main__":
    app()
