"""Real HallQ servers in subprocesses, on free ports: for tests that need uvicorn, restarts, kills."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import ADMIN_PASSWORD, NO_RATE_LIMITS

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """`hallq serve` in a subprocess. The same data dir and port survive a restart."""

    def __init__(
        self, data_dir: Path, *, database_url: str | None = None, env: dict | None = None, port=None, args=()
    ):
        self.args = list(args)
        self.data_dir = data_dir
        self.port = port or free_port()
        self.env = {
            **os.environ,
            "HALLQ_DATA_DIR": str(data_dir),
            "HALLQ_ADMIN_PASSWORD": ADMIN_PASSWORD,
            "PYTHONPATH": str(ROOT / "server"),
            **{f"HALLQ_{name.upper()}": "0" for name in NO_RATE_LIMITS},
            **(env or {}),
        }
        if database_url:
            self.env["HALLQ_DATABASE_URL"] = database_url
        self.proc: subprocess.Popen | None = None
        self.log = data_dir / f"server-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20) -> "ServerProcess":
        args = [
            sys.executable,
            "-m",
            "hallq",
            "serve",
            "--port",
            str(self.port),
            "--log-level",
            "warning",
            *self.args,
        ]
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                args, env=self.env, stdout=log, stderr=subprocess.STDOUT, cwd=self.data_dir
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.log.read_text()}")
            try:
                if httpx.get(f"{self.url}/api/health", timeout=0.5).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.05)  # polling for start-up; there is no event to wait on
        raise TimeoutError(f"server did not start:\n{self.log.read_text()}")

    def kill(self) -> None:
        """kill -9: no clean shutdown, as when the power goes."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> int:
        """Ctrl-C, and wait for it to end."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            return self.proc.wait(15)
        return self.proc.returncode if self.proc else 0

    def login(self, username: str = "admin", password: str = ADMIN_PASSWORD) -> dict[str, str]:
        response = httpx.post(f"{self.url}/api/auth/login", json={"username": username, "password": password})
        response.raise_for_status()
        return {"Authorization": f"Bearer {response.json()['access_token']}"}
