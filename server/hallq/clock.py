"""The time, in one place, so tests can move it."""

from datetime import UTC, date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo


def now() -> datetime:
    return datetime.now(UTC)


@lru_cache(maxsize=256)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local(moment: datetime, tz: str) -> datetime:
    return moment.astimezone(zone(tz))


def business_day(moment: datetime, tz: str) -> date:
    """A hall's day is its local calendar day: numbers start again at 001 after local midnight."""
    return local(moment, tz).date()


def parse_hours(hours: str) -> tuple[time, time]:
    """'08:30-17:30' -> (08:30, 17:30). A closing time of 24:00 means the end of the day."""
    try:
        start, end = hours.split("-")
        opens = time.fromisoformat(start.strip())
        end = end.strip()
        closes = time.max if end == "24:00" else time.fromisoformat(end)
    except ValueError as exc:
        raise ValueError(f"opening hours must look like 08:30-17:30, not {hours!r}") from exc
    if closes <= opens:
        raise ValueError("opening hours must close after they open")
    return opens, closes


def is_open(hours: str | None, moment: datetime, tz: str) -> bool:
    if hours is None:
        return True
    opens, closes = parse_hours(hours)
    t = local(moment, tz).time()
    return opens <= t < closes
