"""The `hallq` command: staff accounts before the admin pages exist, and the first admin's password."""

import os
import subprocess
import sys

from tests.conftest import PG_URL
from tests.servers import ROOT


def hallq(tmp_path, *args, stdin: str = "", database_url: str | None = None, env: dict | None = None):
    environ = {
        **os.environ,
        "HALLQ_DATA_DIR": str(tmp_path),
        "PYTHONPATH": str(ROOT / "server"),
        **(env or {}),
    }
    environ.pop("HALLQ_ADMIN_PASSWORD", None)
    if database_url:
        environ["HALLQ_DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-m", "hallq", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environ,
        cwd=tmp_path,
    )


def test_user_add_creates_a_clerk_bound_to_windows(tmp_path, database_url):
    url = database_url if PG_URL else None
    result = hallq(
        tmp_path, "user", "add", "li", "--role", "clerk", "--hall", "main", "--windows", "1,2",
        "--password-stdin", stdin="clerk-pass-1\n", database_url=url,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "added clerk li in hall main, windows 1, 2" in result.stdout
    # First use of an empty database: the admin's generated password is printed once.
    assert "created user 'admin' with password:" in result.stdout

    from fastapi.testclient import TestClient

    from hallq.api import create_app
    from hallq.config import Settings

    app = create_app(Settings(_env_file=None, data_dir=tmp_path, database_url=url))
    with TestClient(app) as client:
        token = client.post("/api/auth/login", json={"username": "li", "password": "clerk-pass-1"}).json()
        me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token['access_token']}"}).json()
    assert me["windows"] == [1, 2] and me["role"] == "clerk"


def test_user_add_refuses_clearly(tmp_path):
    bad_window = hallq(tmp_path, "user", "add", "wu", "--role", "clerk", "--hall", "main", "--windows", "42",
                       "--password-stdin", stdin="clerk-pass-1\n")  # fmt: skip
    assert bad_window.returncode == 2 and "no window 42" in bad_window.stderr
    weak = hallq(
        tmp_path, "user", "add", "wu", "--role", "guide", "--hall", "main", "--password-stdin", stdin="abc\n"
    )
    assert weak.returncode == 2 and "at least 8 characters" in weak.stderr


def test_a_generated_password_is_printed_when_none_is_given(tmp_path):
    result = hallq(tmp_path, "user", "add", "zhao", "--role", "guide", "--hall", "main")
    assert result.returncode == 0, result.stderr
    assert "password: " in result.stdout.splitlines()[-1]


def test_no_default_admin_password_exists(tmp_path):
    """Two fresh installs get two different admin passwords; neither is a known default."""

    def admin_password_of_a_fresh_install(folder) -> str:
        folder.mkdir()
        args = ("user", "add", "x1", "--role", "guide", "--hall", "main", "--password-stdin")
        out = hallq(folder, *args, stdin="guide-pass-1\n").stdout
        return next(line for line in out.splitlines() if "created user 'admin'" in line).rsplit(" ", 1)[1]

    first = admin_password_of_a_fresh_install(tmp_path / "a")
    second = admin_password_of_a_fresh_install(tmp_path / "b")
    assert first != second and len(first) >= 12
