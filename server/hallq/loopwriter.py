"""SQLite's writer: batches run on the event loop itself; only waiting for locks and the disk is moved off it.

SQLite runs inside this process, and one statement takes microseconds. Handing each write to a
writer thread cost more than the write: the two threads took turns at the GIL on every statement,
and every answer needed a wake-up of the loop. So here the event loop that asked runs the batch
(writer.execute: the same savepoints, batching and failure rules as the writer threads). What can
wait goes to a small thread pool: BEGIN IMMEDIATE, which waits while another process (a `hallq`
command, say) holds the write lock, and COMMIT, which waits for the disk. While a batch's commit
is on its way to the disk, the loop serves other requests and the next batch gathers. Once the
write lock is held, statements never wait on anything (WAL: readers do not block the writer).
"""

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial

from sqlmodel import Session

from hallq.writer import MAX_BATCH, Job, execute, fail

log = logging.getLogger("hallq.db")


class LoopWriter:
    def __init__(self, make_session: Callable[[], Session]) -> None:
        self._make_session = make_session
        # More than one thread: a second event loop (tests, tools) waiting for the lock in one
        # thread must not hold up the commit that would release it.
        self._disk = ThreadPoolExecutor(max_workers=4, thread_name_prefix="hallq-disk")
        self._queues: dict[asyncio.AbstractEventLoop, list[Job]] = {}
        self._drains: set[asyncio.Task] = set()

    def submit(self, job: Job) -> None:
        """Called on the job's own event loop (Database.write)."""
        waiting = self._queues.get(job.loop)
        if waiting is not None:  # a drain is running on that loop: it takes this job too
            waiting.append(job)
            return
        self._queues[job.loop] = [job]
        task = job.loop.create_task(self._drain(job.loop))
        self._drains.add(task)
        task.add_done_callback(self._drains.discard)

    async def _drain(self, loop: asyncio.AbstractEventLoop) -> None:
        """Run batches until nothing waits: one trip to the disk threads per batch under load."""
        waiting = self._queues[loop]
        session: Session | None = None  # when set, it holds the write lock
        try:
            while waiting:
                if session is None:
                    session, error = await self._off_loop(loop, self._begin)
                    if error is not None:  # the lock stayed taken too long: fail what waited for it
                        batch = _take(waiting)
                        fail(batch, error)
                        _settle(batch)
                        continue
                batch = _take(waiting)
                commit = execute(session, batch)
                step = partial(self._commit_and_begin, session, commit, waiting)
                session = None
                error, session = await self._off_loop(loop, step)
                if error is not None:
                    fail(batch, error)
                _settle(batch)
        finally:
            if session is not None:
                session.close()  # begun for writes that did not come after all: nothing to undo
            del self._queues[loop]
            for job in waiting:  # only if the drain itself was cancelled (the loop is closing)
                job.future.cancel()

    # --- run in the disk threads

    def _begin(self) -> tuple[Session | None, BaseException | None]:
        """A session holding the write lock (BEGIN IMMEDIATE waits while another process has it)."""
        session = self._make_session()
        try:
            session.begin()
            session.connection()
        except Exception as exc:
            session.close()
            return None, exc
        return session, None

    def _commit_and_begin(self, session: Session, commit: bool, waiting: list[Job]):
        """Commit (or roll back) a batch. If writes gathered meanwhile, begin theirs at once:
        the loop can run them as soon as it hears back. A failed BEGIN here is tried again there."""
        error = None
        try:
            session.commit() if commit else session.rollback()
        except Exception as exc:  # the commit failed: nothing of the batch stands
            error = exc
        finally:
            session.close()
        following = self._begin()[0] if waiting else None  # a glance at the list: a hint only
        return error, following

    async def _off_loop(self, loop: asyncio.AbstractEventLoop, fn):
        """Run fn in a disk thread; if the loop is closing meanwhile, still wait for it to end."""
        work = loop.run_in_executor(self._disk, fn)
        try:
            return await asyncio.shield(work)
        except asyncio.CancelledError:
            await asyncio.wait([work])
            raise

    def close(self) -> None:
        self._disk.shutdown(wait=True)


def _take(waiting: list[Job]) -> list[Job]:
    batch = waiting[:MAX_BATCH]
    del waiting[:MAX_BATCH]
    return batch


def _settle(batch: list[Job]) -> None:
    for job in batch:
        job.settle()
