"""Group commit: writes batched by kind, a failed batch retried one by one, outcomes handed back."""

import asyncio
import threading

from sqlalchemy import func, select

from hallq import issuing
from hallq.access import Actor
from hallq.models import Ticket
from hallq.writer import Job, _steps, batched, execute, settle_all


def running_loop() -> tuple[asyncio.AbstractEventLoop, threading.Thread]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    return loop, thread


def job_on(loop: asyncio.AbstractEventLoop, result=None, error=None) -> Job:
    future = asyncio.run_coroutine_threadsafe(_make_future(), loop).result()
    return Job(fn=print, kwargs={}, loop=loop, future=future, result=result, error=error, events=[result])


async def _make_future() -> asyncio.Future:
    return asyncio.get_running_loop().create_future()


def outcome(job: Job):
    async def wait():
        return await job.future

    return asyncio.run_coroutine_threadsafe(wait(), job.loop).result(timeout=5)


def test_one_batch_settles_jobs_of_two_loops_each_on_its_own():
    (first, t1), (second, t2) = running_loop(), running_loop()
    try:
        a, b = job_on(first, result="A001"), job_on(second, result="B001")
        failed = job_on(first, error=ValueError("closed"))
        settle_all([a, failed, b])
        assert outcome(a) == ("A001", ["A001"]) and outcome(b) == ("B001", ["B001"])
        try:
            outcome(failed)
        except ValueError as exc:
            assert str(exc) == "closed"
        else:
            raise AssertionError("the failed job was answered as a success")
    finally:
        for loop, thread in ((first, t1), (second, t2)):
            loop.call_soon_threadsafe(loop.stop)
            thread.join()
            loop.close()


def test_a_closed_loop_does_not_keep_the_other_jobs_waiting():
    (gone, t1), (alive, t2) = running_loop(), running_loop()
    orphan, kept = job_on(gone, result="A001"), job_on(alive, result="A002")
    gone.call_soon_threadsafe(gone.stop)
    t1.join()
    gone.close()
    try:
        settle_all([orphan, kept])
        assert outcome(kept) == ("A002", ["A002"])
    finally:
        alive.call_soon_threadsafe(alive.stop)
        t2.join()
        alive.close()


def test_writes_of_one_batched_kind_go_together_at_the_first_ones_place():
    def many(session, orders):
        return []

    @batched(many)
    def issue(session):
        pass

    def call(session):
        pass

    jobs = [Job(fn, {"n": i}, None, None) for i, fn in enumerate([call, issue, call, issue, issue])]
    assert [[job.kwargs["n"] for job in step] for step in _steps(jobs)] == [[0], [1, 3, 4], [2]]


def test_a_batch_that_fails_as_a_whole_is_run_one_by_one(db, monkeypatch):
    def broken(session, orders):
        issuing.issue_many(session=session, orders=orders)  # writes, then fails: all of it undone
        raise RuntimeError("a bug in the batch path")

    monkeypatch.setattr(issuing.issue_ticket, "many", broken)
    kiosk = Actor.public("kiosk-1")
    jobs = [
        Job(issuing.issue_ticket, {"hall": "main", "service": code, "actor": kiosk}, None, None)
        for code in ("A", "Z", "A")
    ]
    with db.transaction() as session:
        assert execute(session, jobs)
    assert jobs[0].result.number == "A001" and jobs[2].result.number == "A002"
    assert jobs[1].error.code == "unknown_service"
    assert [len(job.events) for job in jobs] == [1, 0, 1]
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Ticket)) == 2
