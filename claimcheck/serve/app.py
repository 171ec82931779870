"""The review page over HTTP (Starlette): the page's own three files and a JSON API the page
calls. Every response, errors included, carries a strict Content-Security-Policy and
``nosniff``; a request naming a host other than the one served is refused (a web page
elsewhere cannot reach the API by rebinding a name to 127.0.0.1), and the API takes only JSON
or, for uploads, ``application/octet-stream``: types a page on another site cannot send
without the browser asking first, which this server never allows.

    GET  /                      the page (static/review.html, review.js, review.css)
    GET  /api/info              {version, suffixes, max_bytes}
    POST /api/lint              {text, filename} -> a review (see review.Reviewer.review)
    POST /api/fix               {text, filename, id, encoding?, bom?} -> {fixed, review}
    POST /api/upload?filename=  the file's bytes -> {encoding, bom, review}
    POST /api/download          {text, filename, encoding?, bom?} -> the file's bytes
    GET  /report                with --db: the audit store's HTML report, read afresh at each request

Errors are ``{"error": "one line"}`` with a 4xx status; an unexpected failure is a 500 with
the same shape and no traceback (the server's log has it).
"""
from __future__ import annotations

import json
import logging
import re
from importlib import resources
from pathlib import Path, PureWindowsPath
from typing import Awaitable, Callable
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .._version import __version__
from .review import MAX_DRAFT_BYTES, REVIEWED_SUFFIXES, Reviewer, ReviewError, too_large

CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
                           "img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
]
_SECURITY_NAMES = frozenset(name for name, _ in SECURITY_HEADERS)
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
MAX_BODY_BYTES = 6 * MAX_DRAFT_BYTES + 64 * 1024  # a JSON body: the draft with its escapes, and the rest
PAGE_FILES = {
    "review.html": "text/html; charset=utf-8",
    "review.js": "text/javascript; charset=utf-8",
    "review.css": "text/css; charset=utf-8",
}

log = logging.getLogger("claimcheck.serve")
ASGIApp = Callable[[dict, Callable, Callable], Awaitable[None]]


def create_app(reviewer: Reviewer, hosts: frozenset[str] | None = LOCAL_HOSTS, audit_db: Path | None = None
               ) -> ASGIApp:
    """The ASGI application. ``hosts``: the names the Host header may give (None: any, for a
    server listening on every interface); ``audit_db``: an audit store whose report
    ``/report`` serves."""
    files = {name: resources.files(__package__).joinpath("static", name).read_bytes() for name in PAGE_FILES}

    async def page(request: Request) -> Response:
        return Response(files["review.html"], media_type=PAGE_FILES["review.html"])

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in files:
            raise HTTPException(404, f"no such file: /static/{name}")
        return Response(files[name], media_type=PAGE_FILES[name])

    async def info(request: Request) -> Response:
        return JSONResponse({"version": __version__, "suffixes": list(REVIEWED_SUFFIXES), "max_bytes": MAX_DRAFT_BYTES})

    async def lint(request: Request) -> Response:
        body = await json_body(request)
        text, filename = str_field(body, "text"), str_field(body, "filename")
        return JSONResponse(await run_in_threadpool(reviewer.review, text, filename))

    async def fix(request: Request) -> Response:
        body = await json_body(request)
        result = await run_in_threadpool(reviewer.fix, str_field(body, "text"), str_field(body, "filename"),
                                         str_field(body, "id"), str_field(body, "encoding", "utf-8"),
                                         str_field(body, "bom", ""))
        return JSONResponse(result)

    async def upload(request: Request) -> Response:
        if media_type(request) != "application/octet-stream":
            raise ReviewError(415, "send the file's bytes as application/octet-stream")
        filename = request.query_params.get("filename")
        if filename is None:
            raise ReviewError(422, "filename: missing (POST /api/upload?filename=NAME)")
        data = await read_body(request, MAX_DRAFT_BYTES)
        return JSONResponse(await run_in_threadpool(reviewer.upload, data, filename))

    async def download(request: Request) -> Response:
        body = await json_body(request)
        filename = str_field(body, "filename")
        data = await run_in_threadpool(reviewer.download, str_field(body, "text"), filename,
                                       str_field(body, "encoding", "utf-8"), str_field(body, "bom", ""))
        return Response(data, media_type="application/octet-stream",
                        headers={"content-disposition": attachment(filename)})

    async def audit_report(request: Request) -> Response:
        if audit_db is None:
            raise HTTPException(404, "no audit store: start the server with --db audit.sqlite")
        html, policy = await run_in_threadpool(live_report, audit_db)
        # the report's own policy (its inline script and style, by hash), instead of the page's
        return Response(html, media_type="text/html; charset=utf-8",
                        headers={"content-security-policy": policy})

    app = Starlette(
        routes=[
            Route("/", page, methods=["GET"]),
            Route("/static/{name}", static, methods=["GET"]),
            Route("/api/info", info, methods=["GET"]),
            Route("/api/lint", lint, methods=["POST"]),
            Route("/api/fix", fix, methods=["POST"]),
            Route("/api/upload", upload, methods=["POST"]),
            Route("/api/download", download, methods=["POST"]),
            Route("/report", audit_report, methods=["GET"]),
        ],
        exception_handlers={ReviewError: review_error, HTTPException: http_error, Exception: internal_error},
    )
    return Guard(app, hosts)


def live_report(db: Path) -> tuple[str, str]:
    """The audit store's HTML report as ``claimcheck report --html`` writes it, read now (an
    audit may still be writing: each request sees the latest committed batch), and its policy."""
    from ..audit import html_report
    from ..audit.lock import writer_active
    from ..audit.report_data import report_data
    from ..audit.store import Store
    from ..audit.summary import summarize

    with Store(db, create=False, readonly=True) as store:
        summary = summarize(store.db, str(db), writing=writer_active(db))
        data = report_data(store.db)
    return html_report.render(summary, data), html_report.csp(html_report.report_script())


# --- requests -----------------------------------------------------------------------------

def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused (413) as soon as it is known to be over ``limit`` bytes:
    from its Content-Length, or while it arrives."""
    length = request.headers.get("content-length")
    if length is not None:
        if not length.isdigit():
            raise ReviewError(400, f"Content-Length: not a number: {length!r}")
        if int(length) > limit:
            raise too_large()
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large()
        chunks.append(chunk)
    return b"".join(chunks)


async def json_body(request: Request) -> dict:
    if media_type(request) != "application/json":
        raise ReviewError(415, "send the request as JSON (Content-Type: application/json)")
    data = await read_body(request, MAX_BODY_BYTES)
    try:
        body = json.loads(data)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise ReviewError(400, f"the request body is not JSON: {exc}") from None
    if not isinstance(body, dict):
        raise ReviewError(400, "the request body must be a JSON object")
    return body


_MISSING = object()


def str_field(body: dict, key: str, default: object = _MISSING) -> str:
    """A string field of a JSON body (``default`` when absent, if one is given)."""
    value = body.get(key, default)
    if value is _MISSING:
        raise ReviewError(422, f"{key}: missing")
    if not isinstance(value, str):
        raise ReviewError(422, f"{key}: expected a string, not {type(value).__name__}")
    return value


def attachment(filename: str) -> str:
    """A Content-Disposition naming the file (its last path part): ASCII for old clients, and
    the name itself percent-encoded (RFC 6266)."""
    name = PureWindowsPath(filename).name or "draft"  # splits at both / and \
    plain = re.sub(r"[^A-Za-z0-9._-]+", "_", name)
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"


# --- responses ----------------------------------------------------------------------------

async def review_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ReviewError)
    return JSONResponse({"error": exc.message}, status_code=exc.status)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return JSONResponse({"error": exc.detail}, status_code=exc.status_code, headers=exc.headers)


async def internal_error(request: Request, exc: Exception) -> Response:
    log.error("claimcheck serve: %s %s failed", request.method, request.url.path, exc_info=exc)
    return JSONResponse({"error": "internal error; the server's log has the details"}, status_code=500)


class Guard:
    """The outermost layer: the security headers on every response (those Starlette writes
    for errors too), and requests for a host this server does not serve refused."""

    def __init__(self, app: ASGIApp, hosts: frozenset[str] | None):
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_secured(message: dict) -> None:
            if message["type"] == "http.response.start":
                given = message.get("headers", [])
                # a response of ours may bring a policy of its own (the audit report's, which
                # allows exactly its inline script by hash); anything else gets the page's
                own = [(k, v) for k, v in given if k.lower() == b"content-security-policy"][:1]
                headers = [(k, v) for k, v in given if k.lower() not in _SECURITY_NAMES]
                secured = [(k, v) for k, v in SECURITY_HEADERS if not (own and k == b"content-security-policy")]
                message = {**message, "headers": headers + own + secured}
            await send(message)

        host = host_name(scope)
        if self.hosts is not None and host not in self.hosts:
            refusal = JSONResponse({"error": f"this server answers to {', '.join(sorted(self.hosts))}, "
                                             f"not to the host {host!r}"}, status_code=400)
            await refusal(scope, receive, send_secured)
            return
        await self.app(scope, receive, send_secured)


def host_name(scope: dict) -> str:
    """The Host header's name, without its port: ``[::1]:8000`` -> ``::1``."""
    value = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k.lower() == b"host"), "")
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if ":" in value else value
