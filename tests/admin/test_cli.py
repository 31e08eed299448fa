"""``compendium user …`` and ``compendium delegation …``: an operator takes access away."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from app.cli import app as cli
from app.config import get_settings
from tests.conftest import Api

PASSWORD = "compendium-demo"


@pytest.fixture
def runner(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("COMPENDIUM_DATABASE_URL", db_url)
    monkeypatch.setenv("COMPENDIUM_ENVIRONMENT", "test")
    monkeypatch.setenv("COMPENDIUM_SECRET_KEY", "test-secret-key-0123456789")
    monkeypatch.setenv("COLUMNS", "160")
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def sign_in(api: Api, username: str, password: str = PASSWORD) -> int:
    response = api.client.post("/api/auth/token", data={"username": username, "password": password})
    return int(response.status_code)


def test_user_list_shows_roles_delegations_and_live_tokens(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["user", "list"])
    assert result.exit_code == 0, result.output
    rows = {line.split("│")[1].strip(): line for line in result.output.splitlines() if "│" in line}
    assert {"admin", "observer", "delegate.rus", "chair.esp"} <= set(rows)
    assert "RUS" in rows["delegate.rus"] and "delegate" in rows["delegate.rus"]
    only = runner.invoke(cli, ["user", "list", "--delegation", "CPC"])
    assert "coordinator" in only.output and "delegate.rus" not in only.output


def test_deactivate_ends_the_users_tokens_and_reactivate_lets_them_back(
    runner: CliRunner, api: Api
) -> None:
    result = runner.invoke(cli, ["user", "deactivate", "delegate.rus"])
    assert result.exit_code == 0, result.output
    assert "deactivated" in result.output
    assert api.get("/api/documents", user="delegate.rus").status_code == 401
    assert sign_in(api, "delegate.rus") == 401
    again = runner.invoke(cli, ["user", "deactivate", "delegate.rus"])
    assert again.exit_code == 1 and "already inactive" in again.output
    back = runner.invoke(cli, ["user", "reactivate", "delegate.rus"])
    assert back.exit_code == 0, back.output
    assert sign_in(api, "delegate.rus") == 200
    assert api.get("/api/documents", user="delegate.rus").status_code == 401
    entries = api.get("/api/audit?action=admin.user_deactivated", user="admin").json()
    assert [(e["actor"], e["data"]["username"]) for e in entries] == [("system", "delegate.rus")]


def test_unknown_user_is_an_error(runner: CliRunner) -> None:
    for args in (["deactivate", "ghost"], ["tokens", "ghost"], ["revoke", "ghost"]):
        result = runner.invoke(cli, ["user", *args])
        assert result.exit_code == 1 and "no user 'ghost'" in result.output


def test_password_prompts_twice_hidden_and_revokes_the_tokens(runner: CliRunner, api: Api) -> None:
    result = runner.invoke(
        cli, ["user", "password", "delegate.che"], input="a-new-passphrase\na-new-passphrase\n"
    )
    assert result.exit_code == 0, result.output
    assert "a-new-passphrase" not in result.output  # hidden input is not echoed
    assert "1 token(s) revoked" in result.output
    assert api.get("/api/documents", user="delegate.che").status_code == 401
    assert sign_in(api, "delegate.che", "a-new-passphrase") == 200
    entries = api.get("/api/audit?action=admin.password_reset", user="admin").json()
    assert len(entries) == 1 and "a-new-passphrase" not in str(entries)


def test_password_option_and_its_rules(runner: CliRunner, api: Api) -> None:
    weak = runner.invoke(cli, ["user", "password", "observer", "--password", "short"])
    assert weak.exit_code == 1 and "at least 8" in weak.output
    mismatch = runner.invoke(cli, ["user", "password", "observer"], input="long-enough-1\nother\n")
    assert mismatch.exit_code != 0
    ok = runner.invoke(cli, ["user", "password", "observer", "--password", "long-enough-2"])
    assert ok.exit_code == 0, ok.output
    assert sign_in(api, "observer", "long-enough-2") == 200


def test_tokens_lists_states_without_token_values_and_revoke_ends_them(
    runner: CliRunner, api: Api
) -> None:
    assert sign_in(api, "delegate.usa") == 200
    listed = runner.invoke(cli, ["user", "tokens", "delegate.usa"])
    assert listed.exit_code == 0, listed.output
    assert listed.output.count("│ live ") == 2
    assert api.tokens["delegate.usa"] not in listed.output
    revoked = runner.invoke(cli, ["user", "revoke", "delegate.usa"])
    assert revoked.exit_code == 0 and "2 token(s) of delegate.usa revoked" in revoked.output
    assert api.get("/api/documents", user="delegate.usa").status_code == 401
    after = runner.invoke(cli, ["user", "tokens", "delegate.usa"])
    assert after.output.count("│ revoked ") == 2 and "│ live " not in after.output


def test_delegation_list_and_add(runner: CliRunner, api: Api) -> None:
    listed = runner.invoke(cli, ["delegation", "list"])
    assert listed.exit_code == 0, listed.output
    assert "1540C" in listed.output and "organisation" in listed.output
    added = runner.invoke(cli, ["delegation", "add", "XK", "--name", "Kosovo", "--kind", "state"])
    assert added.exit_code == 0, added.output
    codes = [d["code"] for d in api.get("/api/admin/delegations", user="admin").json()]
    assert "XK" in codes
    taken = runner.invoke(cli, ["delegation", "add", "XK", "--name", "K", "--kind", "state"])
    assert taken.exit_code == 1 and "already exists" in taken.output
    bad = runner.invoke(cli, ["delegation", "add", "x-1", "--name", "K", "--kind", "state"])
    assert bad.exit_code == 1 and "capital letters or digits" in bad.output
    entries = api.get("/api/audit?action=admin.delegation_created", user="admin").json()
    assert [(e["actor"], e["object_id"]) for e in entries] == [("system", "XK")]
