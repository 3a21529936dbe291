"""The `hallq` command: run the server, add staff accounts."""

import argparse
import getpass
import secrets
import sys

from hallq.config import get_settings


def _raise_open_files_limit() -> None:
    """Each display, phone and console holds a socket: allow as many as the system lets us."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if hard == resource.RLIM_INFINITY or hard > soft:
            resource.setrlimit(
                resource.RLIMIT_NOFILE, (hard if hard != resource.RLIM_INFINITY else 65536, hard)
            )
    except (ImportError, ValueError, OSError):
        pass


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    _raise_open_files_limit()

    settings = get_settings()
    uvicorn.run(
        "hallq.api.app:serve_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        ws_max_size=settings.ws_max_message_bytes,
        proxy_headers=True,
        forwarded_allow_ips=args.forwarded_allow_ips,
        # Open display sockets must not keep Ctrl-C waiting.
        timeout_graceful_shutdown=3,
        log_level=args.log_level,
        ws=args.ws,
        # Events are small JSON sent to thousands of sockets: compressing each one per socket
        # costs far more CPU than the bytes it saves on a hall's network.
        ws_per_message_deflate=False,
    )
    return 0


def _read_password(args: argparse.Namespace) -> tuple[str, bool]:
    """The new user's password, and whether we made it up (then it is printed once)."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n"), False
    if sys.stdin.isatty():
        first = getpass.getpass("Password for the new user: ")
        if first != getpass.getpass("Again: "):
            raise SystemExit("the passwords differ; nothing was changed")
        return first, False
    return secrets.token_urlsafe(12), True


def _user_add(args: argparse.Namespace) -> int:
    from hallq import users
    from hallq.db import Database
    from hallq.errors import HallQError
    from hallq.startup import prepare_database

    windows = [int(w) for w in args.windows.split(",") if w.strip()] if args.windows else []
    password, generated = _read_password(args)
    settings = get_settings()
    db = Database(settings.sqlalchemy_url)
    try:
        admin_password = prepare_database(db, settings)
        if admin_password:
            print(f"created user 'admin' with password: {admin_password}")
        with db.transaction() as session:
            user = users.create_user(
                session=session,
                hall=args.hall,
                username=args.name,
                password=password,
                role=args.role,
                windows=windows,
                display_name=args.display_name or "",
            )
    except HallQError as exc:
        print(f"hallq: {exc.detail}", file=sys.stderr)
        return 2
    finally:
        db.close()
    where = f" in hall {user.hall}" if user.hall else ""
    bound = f", windows {', '.join(map(str, user.windows))}" if user.windows else ""
    print(f"added {user.role} {user.username}{where}{bound}")
    if generated:
        print(f"password: {password}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hallq", description="HallQ queue-number server")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the server (Ctrl-C stops it)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers", type=int, default=1, help="processes; more than 1 needs HALLQ_BROADCAST_URL=redis://…"
    )
    serve.add_argument(
        "--forwarded-allow-ips", default="127.0.0.1", help="proxies trusted for X-Forwarded-For"
    )
    serve.add_argument("--log-level", default="info")
    serve.add_argument("--ws", default="websockets-sansio", help="uvicorn's websocket implementation")
    serve.set_defaults(run=_serve)

    user = commands.add_parser("user", help="staff accounts")
    user_commands = user.add_subparsers(dest="user_command", required=True)
    add = user_commands.add_parser("add", help="add a staff account")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=["admin", "manager", "clerk", "guide"])
    add.add_argument("--hall", help="the hall's slug (all but a company-wide admin belong to one)")
    add.add_argument("--windows", help="for a clerk: window numbers, e.g. 1,2")
    add.add_argument("--display-name")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.set_defaults(run=_user_add)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    raise SystemExit(args.run(args))
