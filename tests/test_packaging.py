"""A plain (non-editable) install gives a working server: the pages and sounds travel in the wheel."""

import subprocess
import sys
import zipfile

import httpx
import pytest

from tests.servers import ROOT, ServerProcess

pytestmark = pytest.mark.slow


def test_the_wheel_alone_serves_every_screen(tmp_path):
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(tmp_path / "dist")],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "dist").glob("hallq-*.whl")
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    data = tmp_path / "elsewhere"
    data.mkdir()
    # Only the unpacked wheel on the path (dependencies come from this environment), started
    # from a folder that has nothing of the source tree in it.
    server = ServerProcess(data, env={"PYTHONPATH": str(site)}).start()
    try:
        for page in ["/", "/kiosk/", "/display/", "/clerk/", "/clerk/rate", "/clerk/guide", "/docs",
                     "/common/hallq.js", "/sounds/chime.wav"]:  # fmt: skip
            assert httpx.get(server.url + page, timeout=10).status_code == 200, page
        module = subprocess.run(
            [sys.executable, "-c", "import hallq.web; print(hallq.web.web_root())"],
            env={"PYTHONPATH": str(site)},
            capture_output=True,
            text=True,
            cwd=data,
        )
        assert module.stdout.strip() == str(site / "hallq" / "web")
    finally:
        server.kill()
