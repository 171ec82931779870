"""The language server: pygls handlers that turn LSP messages into checks, and checks into
diagnostics, code actions, hover and messages (docs/lsp.md).

Buffers are synchronised in full (the client sends the whole text with every change): a
health article is small, and it keeps the server's text exactly the client's, whatever line
separators it holds. A buffer is checked when it is opened or saved, and 300 ms after the last
of a run of edits. A configuration or rule pack that does not load is a ``window/showMessage``
error, shown once until it is fixed; the server goes on, and a change to any configuration
file or rule pack (``workspace/didChangeWatchedFiles``, or a save) checks the open buffers
again.
"""
from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from .._version import __version__
from .actions import code_actions
from .checking import NotChecked, Outcome, Problem, Report, Snapshot, check
from .diagnostics import diagnostics
from .hover import hover
from .positions import UTF16
from .scheduler import Scheduler

DEBOUNCE_SECONDS = 0.3
# the files whose change can change any buffer's findings: configuration and rule packs
WATCHED = ("**/claimcheck.toml", "**/pyproject.toml", "**/*.yaml", "**/*.yml")
CONFIG_NAMES = ("claimcheck.toml", "pyproject.toml")
PACK_SUFFIXES = (".yaml", ".yml")

logger = logging.getLogger(__name__)


class ClaimcheckServer(LanguageServer):
    """The server and what it keeps: the last report per buffer (for code actions and hover)
    and which buffers each configuration problem currently stops."""

    def __init__(self) -> None:
        super().__init__("claimcheck", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full)
        self.lint_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="claimcheck-lint")
        self.scheduler = Scheduler(self.run_check, self.publish, self.is_current, self.lint_thread)
        self.reports: dict[str, Report] = {}
        self.problems: dict[str, set[str]] = {}  # message -> the buffers it stops

    # --- buffers --------------------------------------------------------------------------

    def snapshot(self, uri: str) -> Snapshot | None:
        doc = self.workspace.text_documents.get(uri)
        if doc is None:
            return None
        path = Path(to_fs_path(uri)) if uri.startswith("file:") else None
        return Snapshot(uri, path, doc.language_id or "", doc.version, doc.source)

    def is_current(self, snapshot: Snapshot) -> bool:
        doc = self.workspace.text_documents.get(snapshot.uri)
        return doc is not None and doc.version == snapshot.version and doc.source == snapshot.text

    def schedule(self, uri: str, delay: float = 0.0) -> None:
        snapshot = self.snapshot(uri)
        if snapshot is not None:
            self.scheduler.schedule(snapshot, delay)

    def check_all(self) -> None:
        for uri in list(self.workspace.text_documents):
            self.schedule(uri)

    # --- checking (on the lint thread) and publishing (on the event loop) ------------------

    def run_check(self, snapshot: Snapshot) -> Outcome:
        try:
            return check(snapshot, self.workspace.position_encoding or UTF16)
        except Exception as exc:  # a bug must not take the server down: say so, go on
            logger.exception("checking %s failed", snapshot.uri)
            return Problem(snapshot, f"claimcheck: internal error checking {snapshot.display}: "
                                     f"{type(exc).__name__}: {exc}")

    def publish(self, outcome: Outcome) -> None:
        uri = outcome.snapshot.uri
        self._forget_problem(uri)
        if isinstance(outcome, Report):
            self.reports[uri] = outcome
            found = diagnostics(outcome)
        else:
            self.reports.pop(uri, None)
            found = []
            if isinstance(outcome, NotChecked):
                self.window_log_message(types.LogMessageParams(
                    types.MessageType.Log, f"{outcome.snapshot.display}: not checked: {outcome.reason}"))
            elif isinstance(outcome, Problem):
                self._show_problem(uri, outcome.message)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=found, version=outcome.snapshot.version))

    def clear(self, uri: str) -> None:
        self.scheduler.cancel(uri)
        self.reports.pop(uri, None)
        self._forget_problem(uri)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def _show_problem(self, uri: str, message: str) -> None:
        """Show a problem when it starts stopping a buffer and no other buffer already had it."""
        if message not in self.problems:
            self.window_show_message(types.ShowMessageParams(types.MessageType.Error, message))
            self.window_log_message(types.LogMessageParams(types.MessageType.Error, message))
        self.problems.setdefault(message, set()).add(uri)

    def _forget_problem(self, uri: str) -> None:
        for message, uris in list(self.problems.items()):
            uris.discard(uri)
            if not uris:
                del self.problems[message]

    def current_report(self, uri: str) -> Report | None:
        """The report of the buffer as it is now (None while a newer version is being checked)."""
        report = self.reports.get(uri)
        return report if report is not None and self.is_current(report.snapshot) else None

    # --- what the client can do with it ----------------------------------------------------

    def supports_document_changes(self) -> bool:
        edit = self.client_capabilities.workspace and self.client_capabilities.workspace.workspace_edit
        return bool(edit and edit.document_changes)

    def hover_markdown(self) -> bool:
        hover_caps = self.client_capabilities.text_document and self.client_capabilities.text_document.hover
        formats = (hover_caps and hover_caps.content_format) or []
        return types.MarkupKind.Markdown in formats or not formats


def _affects_findings(uri: str) -> bool:
    name = uri.rsplit("/", 1)[-1]
    return name in CONFIG_NAMES or name.endswith(PACK_SUFFIXES)


def build_server() -> ClaimcheckServer:
    server = ClaimcheckServer()

    @server.feature(types.INITIALIZED)
    def initialized(ls: ClaimcheckServer, params: types.InitializedParams) -> None:
        ls.lint_thread.submit(_warm_up)
        watch = ls.client_capabilities.workspace and ls.client_capabilities.workspace.did_change_watched_files
        if watch and watch.dynamic_registration:
            asyncio.ensure_future(_watch_configuration(ls))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: ClaimcheckServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: ClaimcheckServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, DEBOUNCE_SECONDS)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    def did_save(ls: ClaimcheckServer, params: types.DidSaveTextDocumentParams) -> None:
        if _affects_findings(params.text_document.uri):
            ls.check_all()
        else:
            ls.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: ClaimcheckServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.clear(params.text_document.uri)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched_files_changed(ls: ClaimcheckServer, params: types.DidChangeWatchedFilesParams) -> None:
        if any(_affects_findings(change.uri) for change in params.changes):
            ls.check_all()

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
    async def code_action(ls: ClaimcheckServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        report = ls.current_report(params.text_document.uri)
        if report is None:
            return None
        # on the lint thread: a suppression comment is tried by reading the edited text again
        return await asyncio.get_running_loop().run_in_executor(
            ls.lint_thread, code_actions, report, params.range, params.context.only, ls.supports_document_changes())

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def on_hover(ls: ClaimcheckServer, params: types.HoverParams) -> types.Hover | None:
        report = ls.current_report(params.text_document.uri)
        return None if report is None else hover(report, params.position, ls.hover_markdown())

    return server


def _warm_up() -> None:
    """Load the pipeline and the bundled rulebook before the first buffer arrives."""
    from ..api import build_linter

    try:
        build_linter()
    except Exception:  # the first check will report it
        logger.exception("loading the bundled rulebook failed")


async def _watch_configuration(ls: ClaimcheckServer) -> None:
    """Ask the client to tell us when a configuration file or rule pack changes."""
    watchers = [types.FileSystemWatcher(glob_pattern=pattern) for pattern in WATCHED]
    registration = types.Registration(id="claimcheck-configuration", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                                      register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers))
    try:
        await ls.client_register_capability_async(types.RegistrationParams([registration]))
    except Exception as exc:  # the client said no: configuration still applies at the next check
        logger.warning("the client did not watch configuration files: %s", exc)


def serve() -> None:
    """Run the server on standard input and output until the client says exit."""
    build_server().start_io()
