"""A hall's layout: its services and windows, as an immutable snapshot cached per process.

Nearly every request needs the layout, and it changes rarely (a window paused, a service
edited). Each hall row carries `layout_version`, bumped in the same transaction as any such
change; a request reads that one number and reuses the cached snapshot while it matches, so
every process sees a change as soon as it is committed. The snapshot is frozen: requests in
several threads share it and nobody can change it by accident.
"""

import threading
from dataclasses import dataclass, field
from itertools import chain
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, bindparam, event, select, update
from sqlmodel import Session

from hallq.errors import NotFound
from hallq.fastsql import Statement
from hallq.models import Hall, Service, Ticket, Window, WindowService
from hallq.models.public import TicketBrief


@dataclass(frozen=True, slots=True)
class HallInfo:
    id: int
    slug: str
    name: str
    name_en: str
    timezone: str
    opening_hours: str | None
    layout_version: int


@dataclass(frozen=True, slots=True)
class ServiceInfo:
    id: int
    code: str
    name: str
    name_en: str
    number_width: int
    daily_cap: int | None
    documents: tuple[str, ...]
    documents_en: tuple[str, ...]
    active: bool


@dataclass(frozen=True, slots=True)
class WindowInfo:
    id: int
    number: int
    name: str
    status: str
    service_ids: tuple[int, ...]  # in the window's own order


@dataclass(frozen=True)
class Layout:
    hall: HallInfo
    services: tuple[ServiceInfo, ...]
    windows: tuple[WindowInfo, ...]
    service_by_id: dict[int, ServiceInfo] = field(init=False)
    service_by_code: dict[str, ServiceInfo] = field(init=False)
    window_by_id: dict[int, WindowInfo] = field(init=False)
    window_by_number: dict[int, WindowInfo] = field(init=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "service_by_id", {s.id: s for s in self.services})
        set_(self, "service_by_code", {s.code: s for s in self.services})
        set_(self, "window_by_id", {w.id: w for w in self.windows})
        set_(self, "window_by_number", {w.number: w for w in self.windows})

    def service(self, code: str) -> ServiceInfo:
        try:
            return self.service_by_code[code]
        except KeyError:
            raise NotFound(f"no service {code!r} in hall {self.hall.slug}", code="unknown_service") from None

    def window(self, number: int) -> WindowInfo:
        try:
            return self.window_by_number[number]
        except KeyError:
            raise NotFound(f"no window {number} in hall {self.hall.slug}", code="unknown_window") from None

    def codes_of(self, window: WindowInfo) -> list[str]:
        return [self.service_by_id[sid].code for sid in window.service_ids]

    def windows_serving(self, service: ServiceInfo) -> list[WindowInfo]:
        return [w for w in self.windows if service.id in w.service_ids]

    def brief(self, ticket: Ticket) -> TicketBrief:
        window = self.window_by_id.get(ticket.window_id) if ticket.window_id else None
        return TicketBrief(
            id=ticket.id,
            number=ticket.number,
            service=self.service_by_id[ticket.service_id].code,
            status=ticket.status,
            priority=ticket.priority,
            window=window.number if window else None,
            issued_at=ticket.issued_at,
            called_at=ticket.called_at,
            finished_at=ticket.finished_at,
            recall_count=ticket.recall_count,
        )


# Built once: constructing statements costs more than running them.
_HALL_VERSION = Statement(select(Hall.id, Hall.layout_version).where(Hall.slug == bindparam("slug")))
_LOCK_HALL = Statement(
    select(Hall.id, Hall.layout_version).where(Hall.slug == bindparam("slug")).with_for_update()
)
_BUMP = update(Hall).where(Hall.id == bindparam("hall_id")).values(layout_version=Hall.layout_version + 1)

_cache: WeakKeyDictionary[Engine, dict[str, Layout]] = WeakKeyDictionary()
_cache_lock = threading.Lock()


def load_layout(session: Session, slug: str, *, lock: bool = False) -> Layout:
    """The hall's layout; with lock=True (every write) the hall's row is locked first.

    Taking the hall lock before anything else gives every write of a hall one lock order, so
    two writes can never deadlock (an issue locks a counter row, a call the window and ticket
    rows: with the hall first, they queue instead of crossing). Halls stay independent.
    """
    rows = (_LOCK_HALL if lock else _HALL_VERSION).all(session, {"slug": slug})
    if not rows:
        raise NotFound(f"no hall {slug!r}", code="unknown_hall")
    hall_id, version = rows[0]
    engine = session.get_bind()
    with _cache_lock:
        layouts = _cache.setdefault(engine, {})
    cached = layouts.get(slug)
    if cached is not None and cached.hall.id == hall_id and cached.hall.layout_version == version:
        return cached
    layout = _load(session, hall_id)
    layouts[slug] = layout
    return layout


def bump(session: Session, hall_id: int) -> None:
    """Say the layout changed: every process reloads it on its next request."""
    session.connection().execute(_BUMP, {"hall_id": hall_id})


@event.listens_for(Session, "before_flush")
def _bump_on_change(session: Session, _context, _instances) -> None:
    """Any hall, service, window or window-service row written through the ORM bumps its hall's layout."""
    hall_ids = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Service | Window):
            hall_ids.add(obj.hall_id)
        elif isinstance(obj, WindowService):
            hall_ids.add(session.get(Window, obj.window_id).hall_id)
        elif isinstance(obj, Hall) and obj.id is not None and session.is_modified(obj):
            hall_ids.add(obj.id)
    for hall_id in hall_ids:
        bump(session, hall_id)


def _load(session: Session, hall_id: int) -> Layout:
    hall = session.get(Hall, hall_id, populate_existing=True)
    services = session.scalars(
        select(Service).where(Service.hall_id == hall_id).order_by(Service.position, Service.code)
    ).all()
    windows = session.scalars(select(Window).where(Window.hall_id == hall_id).order_by(Window.number)).all()
    links: dict[int, list[int]] = {}
    for window_id, service_id in session.execute(
        select(WindowService.window_id, WindowService.service_id)
        .join(Window, Window.id == WindowService.window_id)
        .where(Window.hall_id == hall_id)
        .order_by(WindowService.window_id, WindowService.position)
    ):
        links.setdefault(window_id, []).append(service_id)
    return Layout(
        hall=HallInfo(
            hall.id,
            hall.slug,
            hall.name,
            hall.name_en,
            hall.timezone,
            hall.opening_hours,
            hall.layout_version,
        ),
        services=tuple(
            ServiceInfo(
                s.id,
                s.code,
                s.name,
                s.name_en,
                s.number_width,
                s.daily_cap,
                tuple(s.documents),
                tuple(s.documents_en),
                s.active,
            )
            for s in services
        ),
        windows=tuple(
            WindowInfo(w.id, w.number, w.name, w.status, tuple(links.get(w.id, ()))) for w in windows
        ),
    )
