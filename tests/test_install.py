"""The built wheel is the whole product: installed anywhere, it migrates, seeds and serves.

The wheel is built from a copy of the checkout (no stale ``build/`` folder can
leak into it) and installed without its dependencies into a fresh virtual
environment, which borrows them from the project's own environment through a
``.pth`` file: nothing is downloaded but the build backend, and ``app`` comes
from the wheel alone. Everything then runs from a folder outside the checkout.
``.ci/run`` repeats this with the dependencies from the package index. The
database is SQLite whatever ``COMPENDIUM_TEST_DATABASE_URL`` says: this is
about packaging.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import httpx
import pytest

from tests.live import _wait_until_up, free_port, stop

CHECKOUT = Path(__file__).resolve().parent.parent
# Each folder of the checkout, and where the wheel carries it.
SHIPPED = {
    "app": "app",
    "migrations": "app/_migrations",
    "compendium": "app/_content",
    "frontend": "app/_frontend",
}
NOT_SHIPPED = shutil.ignore_patterns("__pycache__", "*.pyc")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of what it is made of."""
    source = tmp_path_factory.mktemp("source")
    shutil.copy(CHECKOUT / "pyproject.toml", source)
    for folder in SHIPPED:
        shutil.copytree(CHECKOUT / folder, source / folder, ignore=NOT_SHIPPED)
    out = tmp_path_factory.mktemp("wheel")
    _run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", out, source)
    (built,) = out.glob("compendium-*.whl")
    return built


@pytest.fixture(scope="module")
def bin_dir(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``bin`` folder of a fresh virtual environment holding only the wheel."""
    env_dir = tmp_path_factory.mktemp("venv")
    venv.create(env_dir)
    bin_dir = env_dir / "bin"
    purelib = _run(
        bin_dir / "python", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"
    )
    (Path(purelib.strip()) / "compendium_deps.pth").write_text(
        sysconfig.get_path("purelib") + "\n", encoding="utf-8"
    )
    pip = (sys.executable, "-m", "pip", "--python", bin_dir / "python")
    _run(*pip, "install", "--quiet", "--no-deps", wheel)
    return bin_dir


def test_wheel_carries_every_module_migration_seed_file_and_web_file(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    missing = [source for source, packaged in _shipped_files() if packaged not in names]
    assert missing == [], "not in the wheel; list new packages in pyproject.toml"


def test_installed_wheel_migrates_seeds_and_serves_from_any_folder(
    bin_dir: Path, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and "COMPENDIUM" not in k}
    env |= {
        "COMPENDIUM_DATABASE_URL": f"sqlite:///{tmp_path / 'installed.db'}",
        "COMPENDIUM_ENVIRONMENT": "test",
    }
    where = _run(bin_dir / "python", "-c", "import app; print(app.__file__)", cwd=tmp_path, env=env)
    assert Path(where.strip()).is_relative_to(bin_dir.parent)
    _run(bin_dir / "compendium", "db", "upgrade", cwd=tmp_path, env=env)
    _run(bin_dir / "compendium", "seed", cwd=tmp_path, env=env)

    port = free_port()
    log = (tmp_path / "serve.log").open("wb")  # kept in pytest's temporary folder
    server = subprocess.Popen(
        [bin_dir / "compendium", "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        start_new_session=True,
        stdout=log,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, server)
        sign_in = {"username": "chair.esp", "password": "compendium-demo"}
        token = httpx.post(f"{base}/api/auth/token", data=sign_in).json()["access_token"]
        guide = httpx.get(
            f"{base}/api/documents/bpg-1540", headers={"Authorization": f"Bearer {token}"}
        )
        index = httpx.get(f"{base}/")
    finally:
        stop(server)
        log.close()

    assert guide.status_code == 200
    assert len(guide.json()["sections"]) == 49
    assert index.status_code == 200
    assert index.text == (CHECKOUT / "frontend" / "index.html").read_text(encoding="utf-8")


def _run(*cmd: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(part) for part in cmd], cwd=cwd, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, f"{cmd[:3]} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _shipped_files() -> list[tuple[str, str]]:
    """Each file of the shipped folders: its path in the checkout and in the wheel."""
    return [
        (f"{folder}/{inside}", f"{packaged}/{inside}")
        for folder, packaged in SHIPPED.items()
        for path in sorted((CHECKOUT / folder).rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
        for inside in [path.relative_to(CHECKOUT / folder).as_posix()]
    ]
