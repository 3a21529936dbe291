"""A network ticket printer on 127.0.0.1 that keeps every job it is sent, for tests."""

import socket
import threading

PAPER_STATUS = b"\x10\x04\x04"
PAPER_OK, PAPER_OUT = b"\x12", b"\x72"


class FakePrinter:
    """Accepts ESC/POS jobs on a free port; answers the paper-sensor query like a real printer would."""

    def __init__(self, *, paper: bytes | None = PAPER_OK) -> None:
        self.paper = paper  # the status byte it answers with; None: a printer that never answers
        self.jobs: list[bytes] = []
        self._job_done = threading.Condition()
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self.address = f"tcp://127.0.0.1:{self.port}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return  # closed
            with conn:
                conn.settimeout(10)
                data, answered = b"", 0
                while chunk := conn.recv(65536):
                    data += chunk
                    while self.paper is not None and data.count(PAPER_STATUS) > answered:
                        conn.sendall(self.paper)
                        answered += 1
            with self._job_done:
                self.jobs.append(data)
                self._job_done.notify_all()

    def wait_for_jobs(self, count: int = 1, timeout: float = 5) -> list[bytes]:
        with self._job_done:
            assert self._job_done.wait_for(lambda: len(self.jobs) >= count, timeout), self.jobs
            return list(self.jobs)

    def close(self) -> None:
        self._server.close()
