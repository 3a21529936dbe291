"""Group commit hands every outcome back to the event loop that waits for it."""

import asyncio
import threading

from hallq.writer import Job, settle_all


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
