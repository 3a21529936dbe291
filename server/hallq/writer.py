"""Group commit: queued writes run in batches, one transaction per batch.

A commit is the expensive part of a write (SQLite with synchronous=FULL waits for the disk).
When many kiosks and windows write at once, the writer takes every write waiting in the
queue, runs each inside its own SAVEPOINT, and commits them together: a write that fails
rolls back to its savepoint alone, so the others are unaffected. Nobody's write is
acknowledged before the batch's commit succeeds, and a failed commit fails the whole batch.
With one write waiting, there is no savepoint and no extra cost.

A write marked `batched(many)` (issuing a ticket) goes further: all such writes of a batch are
handed to `many` together, which does in a few statements what each would do on its own.

`execute` runs a batch inside a transaction; who runs it differs by database. PostgreSQL:
GroupWriter's threads, since each statement waits on the network. SQLite: loopwriter.py.
"""

import asyncio
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlmodel import Session

log = logging.getLogger("hallq.db")
OUTBOX = "hallq.outbox"
MAX_BATCH = 64


F = TypeVar("F", bound=Callable[..., Any])


@dataclass(slots=True)
class Outcome:
    """What one write of a batched kind came to: its result and events, or the error that refused it."""

    result: Any = None
    error: BaseException | None = None
    events: list = field(default_factory=list)


def batched(many: Callable[..., list[Outcome]]) -> Callable[[F], F]:
    """Mark a write the writer may run together with others of its kind.

    `many(session=…, orders=[kwargs, …])` must do what each call would, in order, and answer
    one Outcome per order; an exception from it undoes the lot, and they run one by one instead.
    """

    def mark(fn: F) -> F:
        fn.many = many
        return fn

    return mark


@dataclass
class Job:
    fn: Callable[..., Any]
    kwargs: dict
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future
    result: Any = None
    error: BaseException | None = None
    events: list = field(default_factory=list)

    def settle(self) -> None:
        """Give the outcome to whoever awaits it (on the job's event loop)."""
        if self.future.done():
            return
        if self.error is not None:
            self.future.set_exception(self.error)
        else:
            self.future.set_result((self.result, self.events))


def settle_all(batch: list[Job]) -> None:
    """Hand a batch's outcomes back: one wake-up per event loop, not one per job."""
    loops: dict[asyncio.AbstractEventLoop, list[Job]] = {}
    for job in batch:
        loops.setdefault(job.loop, []).append(job)
    for loop, jobs in loops.items():
        try:
            loop.call_soon_threadsafe(_settle, jobs)
        except RuntimeError:  # that loop has closed: nobody is left waiting there
            log.warning("%d write outcomes had no event loop to go back to", len(jobs))


def _settle(jobs: list[Job]) -> None:
    for job in jobs:
        job.settle()


class GroupWriter:
    """Writer threads: each takes the writes waiting in the queue as one batch."""

    def __init__(self, make_session: Callable[[], Session], threads: int) -> None:
        self._make_session = make_session
        self._queue: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._threads = [
            threading.Thread(target=self._loop, name=f"hallq-write-{i}", daemon=True) for i in range(threads)
        ]
        for thread in self._threads:
            thread.start()

    def submit(self, job: Job) -> None:
        self._queue.put(job)

    def close(self) -> None:
        for _ in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            thread.join(timeout=10)

    def _loop(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            batch = [job]
            while len(batch) < MAX_BATCH:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    self._queue.put(None)  # let the loop end after this batch
                    break
                batch.append(nxt)
            self._run(batch)
            settle_all(batch)

    def _run(self, batch: list[Job]) -> None:
        try:
            with self._make_session() as session:
                session.begin()
                if execute(session, batch):
                    session.commit()
                else:
                    session.rollback()
        except Exception as exc:  # the commit (or the connection) failed: nothing of the batch stands
            fail(batch, exc)


def execute(session: Session, batch: list[Job]) -> bool:
    """Run the batch's writes in the session's transaction. False: roll back instead of committing."""
    alone = len(batch) == 1
    for step in _steps(batch):
        if len(step) == 1:
            _run_one(session, step[0], savepoint=not alone)
        else:
            _run_many(session, step)
    error = batch[0].error
    return not (alone and error is not None and not getattr(error, "keep_changes", False))


def fail(batch: list[Job], exc: BaseException) -> None:
    """The transaction itself failed (begin, commit, connection): no write of the batch stands."""
    log.warning("write batch of %d failed: %s", len(batch), exc)
    for job in batch:
        if job.error is None:
            job.error = exc
        job.events = []


def _run_many(session: Session, jobs: list[Job]) -> None:
    outbox = session.info.setdefault(OUTBOX, [])
    mark = len(outbox)
    driver = session.connection().connection.driver_connection
    driver.execute("SAVEPOINT hallq_many")
    try:
        outcomes = jobs[0].fn.many(session=session, orders=[job.kwargs for job in jobs])
        session.flush()
    except Exception as exc:  # no single order explains it: undo them all, then go one by one
        log.info("batched writes fell back to one by one: %s", exc)
        del outbox[mark:]
        driver.execute("ROLLBACK TO SAVEPOINT hallq_many")
        driver.execute("RELEASE SAVEPOINT hallq_many")
        session.expire_all()
        for job in jobs:
            _run_one(session, job, savepoint=True)
        return
    driver.execute("RELEASE SAVEPOINT hallq_many")
    for job, outcome in zip(jobs, outcomes, strict=True):
        job.result, job.error, job.events = outcome.result, outcome.error, outcome.events


def _run_one(session: Session, job: Job, *, savepoint: bool) -> None:
    outbox = session.info.setdefault(OUTBOX, [])
    mark = len(outbox)
    # Plain SQL savepoints: SQLAlchemy's nested transactions cost more than the write itself.
    driver = session.connection().connection.driver_connection if savepoint else None
    if driver is not None:
        driver.execute("SAVEPOINT hallq_job")
    try:
        job.result = job.fn(session=session, **job.kwargs)
        session.flush()
    except Exception as exc:
        job.error = exc
        del outbox[mark:]
        if driver is not None:
            if not getattr(exc, "keep_changes", False):
                driver.execute("ROLLBACK TO SAVEPOINT hallq_job")
                # What the session holds may predate the rollback: read it again when needed.
                session.expire_all()
            driver.execute("RELEASE SAVEPOINT hallq_job")
        return
    if driver is not None:
        driver.execute("RELEASE SAVEPOINT hallq_job")
    job.events = outbox[mark:]


def _steps(batch: list[Job]) -> list[list[Job]]:
    """The batch in order, except that writes of one batched kind go together, at the first one's place."""
    steps: list[list[Job]] = []
    together: dict[Any, list[Job]] = {}
    for job in batch:
        many = getattr(job.fn, "many", None)
        if many is None:
            steps.append([job])
        elif many in together:
            together[many].append(job)
        else:
            together[many] = [job]
            steps.append(together[many])
    return steps
