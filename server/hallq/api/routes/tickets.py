from functools import partial

import anyio
from fastapi import APIRouter, Request, Response

from hallq import issuing, printing, tickets
from hallq.api import jsonbody
from hallq.api.deps import DbDep, SettingsDep, request_actor
from hallq.api.errors import AUTH, BAD_INPUT, CONFLICT, NOT_FOUND, PRINTER, RATE, responses
from hallq.config import Settings
from hallq.errors import NotFound
from hallq.models.public import StaffTicket, TicketPublic
from hallq.models.requests import PrintRequest, TicketCreate

router = APIRouter(tags=["tickets"])

# Printers are slow and may hang: their jobs get threads of their own, never the readers'.
PRINT_THREADS = anyio.CapacityLimiter(8)


@router.post(
    "/api/halls/{hall}/tickets",
    status_code=201,
    response_model=StaffTicket | TicketPublic,
    responses=responses(NOT_FOUND, AUTH, CONFLICT, BAD_INPUT, RATE),
    openapi_extra={**jsonbody.json_body(TicketCreate), "security": [{"HTTPBearer": []}]},
)
async def issue_ticket(hall: str, request: Request) -> Response:
    """Take a number (取号). Public for the kiosk; a priority ticket needs a guide, manager or admin token.

    409 when the service cannot issue now: `code` is inactive, hall_closed, cap_reached or no_window_open.
    Sent again with the same `request_id`, it answers with the ticket already issued for it.
    """
    # The busiest request of a hall: it reads its own body and writes its own answer (jsonbody.py).
    body = jsonbody.parse(TicketCreate, await request.body(), request.headers.get("content-type"))
    actor = await request_actor(request)
    ticket = await request.app.state.db.write(
        issuing.issue_ticket,
        hall=hall,
        service=body.service,
        priority=body.priority,
        phone=body.phone,
        priority_reason=body.priority_reason,
        request_id=body.request_id,
        actor=actor,
    )
    return Response(ticket.model_dump_json(), status_code=201, media_type="application/json")


@router.get("/api/tickets/{token}", responses=responses(NOT_FOUND, RATE))
async def ticket_by_token(token: str, db: DbDep) -> TicketPublic:
    """One ticket by its private token (the phone page): how many are ahead, and once called, which window."""
    return await db.read(tickets.ticket_by_token, token=token)


def _phone_link(settings: Settings, request: Request, token: str) -> str:
    return printing.phone_link(settings.public_url or str(request.base_url), token)


@router.get(
    "/api/tickets/{token}/qr.svg",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}, "description": "the QR code"}, **responses(NOT_FOUND)},
)
async def ticket_qr(token: str, request: Request, db: DbDep, settings: SettingsDep):
    """The ticket's QR code (SVG): its phone page `/t/{token}` on `HALLQ_PUBLIC_URL`, or on this server."""
    await db.read(tickets.ticket_by_token, token=token)  # 404 for a token that is no ticket
    svg = await anyio.to_thread.run_sync(printing.qr_svg, _phone_link(settings, request, token))
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": "private, max-age=86400"})


@router.post(
    "/api/tickets/{token}/print",
    status_code=204,
    responses=responses(NOT_FOUND, BAD_INPUT, PRINTER),
)
async def print_ticket(token: str, body: PrintRequest, request: Request, db: DbDep, settings: SettingsDep):
    """Print the ticket on the ESC/POS printer of a kiosk in `HALLQ_PRINTERS`. Public: the token is the proof.

    502 when the printer fails (`code` printer_offline, printer_no_paper, printer_timeout or printer_error):
    the ticket stays issued and valid.
    """
    ticket = await db.read(tickets.ticket_by_token, token=token)
    address = settings.printers.get(body.kiosk)
    if address is None:
        raise NotFound(f"no ticket printer is set up for kiosk {body.kiosk!r}", code="unknown_printer")
    job = partial(
        printing.print_ticket,
        address=address,
        ticket=ticket,
        link=_phone_link(settings, request, token),
        timeout=settings.print_timeout,
        status_timeout=settings.printer_status_timeout,
    )
    # The socket timeouts bound each step; this bounds the whole, should a driver hang.
    with anyio.move_on_after(settings.print_timeout + settings.printer_status_timeout + 1) as deadline:
        await anyio.to_thread.run_sync(job, abandon_on_cancel=True, limiter=PRINT_THREADS)
    if deadline.cancelled_caught:
        printing.log.error("ticket %s: printer %s did not finish in time", ticket.number, address)
        raise printing.PrinterFailed("the ticket printer did not finish in time", code="printer_timeout")
    return Response(status_code=204)
