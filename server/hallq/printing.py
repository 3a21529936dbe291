"""The ticket beyond the screen: the link and QR code to the phone page, and the thermal printer's job.

A kiosk prints either from its browser (common/ticket.css, Chromium --kiosk-printing) or, when
the hall lists it in HALLQ_PRINTERS, through the server on an ESC/POS printer. The job is built
in memory first and sent in one write, so a printer that fails midway prints no half ticket.
"""

import io
import logging
import re
import socket
from dataclasses import dataclass

import segno

from hallq import clock
from hallq.errors import HallQError
from hallq.models.public import TicketPublic

log = logging.getLogger("hallq.printing")

ENTER_CHINESE = b"\x1c\x26"  # FS &: the printer reads two-byte GB18030 characters from here on
PAPER_STATUS = b"\x10\x04\x04"  # DLE EOT 4: ask the paper sensor, answered with one byte
PAPER_OUT = 0x60  # bits 5 and 6 of that byte: the roll is at its end

_ADDRESS = re.compile(
    r"^(?:tcp://(?P<host>[A-Za-z0-9.\-]+|\[[0-9A-Fa-f:]+\])(?::(?P<port>\d{1,5}))?"
    r"|usb://(?P<vendor>0x[0-9A-Fa-f]{4}):(?P<product>0x[0-9A-Fa-f]{4}))/?$"
)


class PrinterFailed(HallQError):
    """The printer did not print. The ticket is issued and valid all the same."""

    status = 502
    code = "printer_error"


@dataclass(frozen=True, slots=True)
class Address:
    kind: str  # "tcp" or "usb"
    host: str = ""
    port: int = 9100
    vendor: int = 0
    product: int = 0

    def __str__(self) -> str:
        if self.kind == "tcp":
            return f"tcp://{self.host}:{self.port}"
        return f"usb://{self.vendor:#06x}:{self.product:#06x}"


def parse_address(text: str) -> Address:
    """'tcp://host[:port]' (port 9100 by default) or 'usb://0xVVVV:0xPPPP'."""
    found = _ADDRESS.match(text.strip())
    if not found:
        raise ValueError(
            f"a printer address looks like tcp://192.168.1.50:9100 or usb://0x0416:0x5011, not {text!r}"
        )
    if found["vendor"]:
        return Address("usb", vendor=int(found["vendor"], 16), product=int(found["product"], 16))
    port = int(found["port"] or 9100)
    if not 0 < port < 65536:
        raise ValueError(f"bad port in printer address {text!r}")
    return Address("tcp", host=found["host"].strip("[]"), port=port)


def phone_link(base_url: str, token: str) -> str:
    """Where the ticket's QR code leads: the phone page of this ticket."""
    return f"{base_url.rstrip('/')}/t/{token}"


def qr_svg(url: str) -> bytes:
    """A scalable black-on-white QR code (no fixed size: the page or the paper sizes it)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", border=2, omitsize=True, xmldecl=False, dark="#000", light="#fff"
    )
    return buffer.getvalue()


def _text(printer, line: str = "") -> None:
    # Encoded here, not by python-escpos's code-page guessing: the printer is in Chinese mode.
    printer._raw(line.encode("gb18030", errors="replace") + b"\n")


def ticket_job(ticket: TicketPublic, link: str) -> bytes:
    """The ESC/POS bytes of one printed ticket: number very large, what to bring, QR code, cut."""
    from escpos.printer import Dummy

    p = Dummy()
    p.hw("INIT")
    p._raw(ENTER_CHINESE)
    p.set(align="center", normal_textsize=True, bold=True)
    _text(p, ticket.hall_name)
    p.set(bold=False)
    _text(p, f"{ticket.service_name} {ticket.service_name_en}".strip())
    if ticket.priority == "priority":
        _text(p, "【优先】")
    p.set(custom_size=True, width=4, height=4, bold=True)
    _text(p, ticket.number)
    p.set(normal_textsize=True, double_height=True, bold=False)
    _text(p, f"前方等待 {ticket.ahead} 人")
    p.set(normal_textsize=True)
    issued = clock.local(ticket.issued_at, ticket.timezone)
    _text(p, f"取号时间 {issued:%Y-%m-%d %H:%M}")
    if ticket.documents:
        p.set(align="left")
        _text(p)
        _text(p, "请备齐以下材料（一次性告知）：")
        for document in ticket.documents:
            _text(p, f"□ {document}")
    p.set(align="center")
    _text(p)
    p.qr(link, native=True, size=6)
    _text(p, "微信或手机扫码，随时查看排队进度")
    _text(p, "请留意大厅屏幕与语音叫号")
    p.cut()
    return p.output


def _open(address: Address, timeout: float):
    from escpos.printer import Network

    if address.kind == "tcp":
        printer = Network(address.host, port=address.port, timeout=timeout)
        # Connected here rather than by Network.open(), which leaks the socket when it fails.
        printer.device = socket.create_connection((address.host, address.port), timeout=timeout)
        return printer
    from escpos.printer import Usb  # needs pyusb, and the printer plugged into this machine

    printer = Usb(address.vendor, address.product, timeout=int(timeout * 1000))
    printer.open()
    return printer


def _paper_out(printer, address: Address, status_timeout: float) -> bool:
    """Ask the paper sensor. A printer that does not answer in time is taken to have paper."""
    if status_timeout <= 0 or address.kind != "tcp":
        return False
    device = printer.device
    device.settimeout(status_timeout)
    try:
        device.sendall(PAPER_STATUS)
        answer = device.recv(1)
    except TimeoutError:
        return False
    finally:
        device.settimeout(printer.timeout)
    return bool(answer) and answer[0] & PAPER_OUT == PAPER_OUT


def send(address: Address, job: bytes, *, timeout: float, status_timeout: float) -> None:
    """Print one job, or raise PrinterFailed saying plainly what is wrong."""
    from escpos.exceptions import Error as EscposError

    printer = None
    try:
        printer = _open(address, timeout)
        if _paper_out(printer, address, status_timeout):
            raise PrinterFailed("the ticket printer is out of paper", code="printer_no_paper")
        printer._raw(job)
    except PrinterFailed:
        raise
    except (EscposError, OSError) as exc:
        raise PrinterFailed(
            f"the ticket printer at {address} is not answering", code="printer_offline"
        ) from exc
    except Exception as exc:  # a USB stack or driver error: say so, never lose the ticket over it
        raise PrinterFailed(f"the ticket printer at {address} failed: {exc}") from exc
    finally:
        if printer is not None:
            try:
                printer.close()
            except Exception:  # noqa: BLE001 - closing a broken link must not hide the real error
                pass


def print_ticket(
    *, address: str, ticket: TicketPublic, link: str, timeout: float, status_timeout: float
) -> None:
    """Print a ticket on a kiosk's printer (blocking: run it in a thread)."""
    where = parse_address(address)
    try:
        send(where, ticket_job(ticket, link), timeout=timeout, status_timeout=status_timeout)
    except PrinterFailed as exc:
        log.error("ticket %s not printed on %s: %s (%s)", ticket.number, where, exc.detail, exc.code)
        raise
    log.info("ticket %s printed on %s", ticket.number, where)
