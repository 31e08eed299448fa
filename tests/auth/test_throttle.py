"""Failed sign-ins are throttled per account and per address, and audited."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from app.auth import throttle
from app.db import utcnow
from tests.conftest import Api

PASSWORD = "compendium-demo"


def attempt(api: Api, username: str, password: str) -> object:
    return api.client.post("/api/auth/token", data={"username": username, "password": password})


class Clock:
    """The throttle's clock, frozen so a slow machine cannot outlast a block."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    frozen = Clock()
    monkeypatch.setattr(throttle, "utcnow", frozen)
    yield frozen


def test_block_grows_exponentially_and_is_capped() -> None:
    waits = [throttle.block_for("user:x", n) for n in range(1, 30)]
    assert waits[: throttle.ACCOUNT_FREE] == [timedelta(0)] * throttle.ACCOUNT_FREE
    assert waits[throttle.ACCOUNT_FREE : throttle.ACCOUNT_FREE + 4] == [
        timedelta(seconds=s) for s in (1, 2, 4, 8)
    ]
    assert max(waits) == throttle.MAX_BLOCK
    assert waits == sorted(waits)
    assert throttle.block_for("addr:1.2.3.4", throttle.ACCOUNT_FREE + 1) == timedelta(0)


def test_a_password_guesser_is_slowed_and_then_blocked(api: Api, clock: Clock) -> None:
    statuses = [attempt(api, "delegate.usa", f"guess-{i}").status_code for i in range(120)]
    assert statuses[: throttle.ACCOUNT_FREE] == [401] * throttle.ACCOUNT_FREE
    assert statuses[throttle.ACCOUNT_FREE] == 401  # this failure starts the block
    assert set(statuses[throttle.ACCOUNT_FREE + 1 :]) == {429}
    blocked = attempt(api, "delegate.usa", PASSWORD)
    assert blocked.status_code == 429  # even the right password waits
    assert int(blocked.headers["retry-after"]) >= 1
    assert "try again" in blocked.json()["detail"]
    clock.now += timedelta(seconds=int(blocked.headers["retry-after"]))
    assert attempt(api, "delegate.usa", PASSWORD).status_code == 200
    assert attempt(api, "delegate.usa", "wrong").status_code == 401  # the count was forgotten
    failures = api.get("/api/audit?action=auth.sign_in_failed&limit=1000", user="admin").json()
    assert len(failures) == throttle.ACCOUNT_FREE + 2
    assert "blocked" in failures[-throttle.ACCOUNT_FREE - 1]["summary"]
    assert all(PASSWORD not in str(e) and "guess-" not in str(e) for e in failures)


@pytest.mark.parametrize("name", ["ghost", "chair.esp"])
def test_one_address_trying_many_accounts_is_blocked(api: Api, clock: Clock, name: str) -> None:
    for i in range(throttle.ADDRESS_FREE):
        assert attempt(api, f"user{i}", "wrong").status_code == 401
    assert attempt(api, "user-last", "wrong").status_code == 401  # starts the address block
    assert attempt(api, name, PASSWORD).status_code == 429
