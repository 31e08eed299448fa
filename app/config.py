"""Settings, read once from the environment (prefix ``COMPENDIUM_``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRETS = frozenset({"", "changethis", "change-me", "secret", "dev-secret-key"})
DEV_SECRET = "dev-secret-key"


# The largest section text, and so the largest text any diff, merge or redline
# request carries: what those algorithms handle within their per-request budgets
# (``make bench`` measures it). Settings may lower it, not raise it.
MAX_SECTION_CHARS = 200_000


class Settings(BaseSettings):
    """Everything an operator may configure; defaults suit a laptop."""

    model_config = SettingsConfigDict(env_prefix="COMPENDIUM_", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = Field(
        default_factory=lambda: f"sqlite:///{Path.cwd() / 'compendium.db'}",
        description="SQLAlchemy URL; SQLite file in the working folder by default.",
    )
    secret_key: str = DEV_SECRET
    token_ttl_hours: int = Field(default=12, ge=1, le=24 * 90)
    max_request_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    max_section_chars: int = Field(default=MAX_SECTION_CHARS, ge=1000, le=MAX_SECTION_CHARS)
    max_title_chars: int = Field(default=300, ge=10)
    diff_timeout_seconds: float = Field(default=1.0, gt=0)
    stream_recheck_seconds: float = Field(
        default=20.0,
        gt=0,
        description="How often an open event stream re-checks its token (revoked, expired).",
    )
    sqlite_busy_timeout_ms: int = Field(default=30_000, ge=0)
    sqlite_synchronous: Literal["NORMAL", "FULL"] = Field(
        default="NORMAL",
        description=(
            "SQLite's synchronous pragma. NORMAL (in WAL mode) survives a crash of the "
            "process but may lose the last commits on power loss or an OS crash; FULL "
            "syncs every commit to disk and survives those too, at a cost per write "
            "(make bench measures it)."
        ),
    )

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        if self.environment == "production" and self.secret_key in PLACEHOLDER_SECRETS:
            raise ValueError(
                "COMPENDIUM_SECRET_KEY is a placeholder; set a long random value in production"
            )
        return self


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings (tests build their own ``Settings``)."""
    return Settings()
