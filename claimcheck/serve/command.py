"""`claimcheck serve`: load the engine with the working directory's configuration, listen on
127.0.0.1 (by default), print the page's address and serve it with uvicorn until Ctrl-C.

Starlette and uvicorn are the ``serve`` extra: they are imported only once the command runs,
and their absence is a one-line error (exit 2)."""
from __future__ import annotations

import socket
from pathlib import Path

import click

from ..cli_common import fail, input_options, no_default_option, rulebook_failed, rules_option
from ..config import ConfigError
from ..rulebook import RulebookError
from ..session import LintSession, UsageError

DEFAULT_PORT = 8765
WILDCARD_HOSTS = frozenset({"0.0.0.0", "::", ""})


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but a loopback address lets other machines use the page.")
@click.option("--port", type=click.IntRange(0, 65535), default=DEFAULT_PORT, show_default=True,
              help="Port to listen on; 0 picks a free one (the address is printed).")
@click.option("--db", "audit_db", type=click.Path(path_type=Path, dir_okay=False),
              help="Also serve this audit store's report at /report (the views of `claimcheck report --html`, "
                   "read afresh at each visit: an audit may still be writing).")
@rules_option
@no_default_option
@input_options
def serve_command(host: str, port: int, audit_db: Path | None, rules: tuple[Path, ...], no_default_rules: bool,
                  config_file: Path | None, isolated: bool, html_mode: str | None) -> None:
    """Serve a review page for one draft: paste or upload it (plain text, Markdown or HTML,
    as its file name's suffix says), see each finding highlighted in its severity's colour,
    accept suggestions, watch the score and grade change, and download the result.

    The rulebook and the configuration (the claimcheck.toml above the working directory, or
    --config, or none with --isolated) are loaded once, as 'claimcheck lint -' would load
    them. Nothing is read or written on disk after that: drafts live in the browser.
    """
    require_extra()
    from .app import LOCAL_HOSTS, create_app
    from .review import Reviewer

    if audit_db is not None:
        check_store(audit_db)

    flags = {"rules": tuple(p.absolute() for p in rules) or None, "html-mode": html_mode}
    session = LintSession({k: v for k, v in flags.items() if v is not None}, not no_default_rules,
                          config_file, isolated)
    try:
        reviewer = Reviewer.start(session)
    except ConfigError as exc:
        fail(f"configuration error: {exc}")
    except RulebookError as exc:
        rulebook_failed(exc)
    except UsageError as exc:
        fail(str(exc))

    sock = listening_socket(host, port)
    wildcard = host.strip("[]") in WILDCARD_HOSTS
    hosts = None if wildcard else LOCAL_HOSTS | {host.strip("[]").lower()}
    if wildcard:
        click.echo("claimcheck serve: listening on every network interface: anyone who can reach this "
                   "machine can use the page", err=True)
    click.echo(f"claimcheck serve: {page_url(sock)} (Ctrl-C stops it)")
    if audit_db is not None:
        click.echo(f"claimcheck serve: the audit report of {audit_db}: {page_url(sock)}report")
    run(create_app(reviewer, hosts, audit_db), sock)


def check_store(db: Path) -> None:
    """An audit store the report can be read from, or a one-line error (exit 2)."""
    from ..audit.store import Store, StoreError

    try:
        Store(db, create=False, readonly=True).close()
    except StoreError as exc:
        fail(str(exc))


def require_extra() -> None:
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        fail("claimcheck serve needs the serve extra: pip install 'claimcheck[serve]'")


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to host:port and listening (port 0: a free port), so the address
    printed is already accepting connections; a one-line error (exit 2) when it cannot be."""
    name = host.strip("[]")
    try:
        family, kind, proto, _, address = socket.getaddrinfo(name or None, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
    except socket.gaierror as exc:
        fail(f"--host {host}: {exc.strerror}")
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a restart need not wait out TIME_WAIT
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
    return sock


def page_url(sock: socket.socket) -> str:
    """The page's address: a wildcard address shown as the loopback one, which reaches it too."""
    host, port = sock.getsockname()[:2]
    if sock.family == socket.AF_INET6:
        return f"http://[{'::1' if host == '::' else host}]:{port}/"
    return f"http://{'127.0.0.1' if host == '0.0.0.0' else host}:{port}/"


def run(app, sock: socket.socket) -> None:
    """Serve until interrupted. uvicorn finishes the requests under way on SIGINT or SIGTERM,
    then raises the signal again: Ctrl-C (KeyboardInterrupt) is a normal end, exit 0; SIGTERM
    ends the process as that signal does."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
