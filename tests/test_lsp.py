"""claimcheck lsp: the real server over stdio, driven by pytest-lsp's client (slow: one server
for the module, started as `python -m claimcheck lsp`, and one for a client that counts code
points), and its parts that need no server: positions in UTF-16, the scheduler's ordering, the
compiled rulebook let go when its pack changes, the missing-extra message.

The stdio tests wait for the notifications they expect (publishDiagnostics of a given version,
showMessage), never for time; the timeouts only stop a test that would hang."""
from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient

from claimcheck.lsp.positions import UTF8, UTF32, PositionMap

TIMEOUT = 120  # seconds: a guard against a hang (the first check loads spaCy and the rulebook)
ON_MODULE_LOOP = pytest.mark.asyncio(loop_scope="module")

DRAFT_MD = (
    "# Acne 😀\n"
    "\n"
    "😀 Most people reach permanent remission after one course.\n"
    "\n"
    "It can lead to permanent remission.\n"
    "\n"
    "Isotretinoin 20mg clears acne fast. Take it daily with food.\n"
)
FTC = "https://www.ftc.gov/business-guidance/resources/health-products-compliance-guidance"
DAILYMED = "https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&query=isotretinoin"
ERROR, WARNING = types.DiagnosticSeverity.Error, types.DiagnosticSeverity.Warning

GADGET_PACK = """\
pack: gadgets
rules:
  - id: gadget-wonder
    category: sensational
    severity: {severity}
    message: Calls a gadget a wonder.
    match:
      - wonder gadget
    references:
      - https://example.org/gadgets
    examples:
      fire: ["This wonder gadget works."]
      no_fire: ["This gadget works."]
"""


# --------------------------------------------------------------------------- the client

class Inbox:
    """What the server sent, in order, and a way to wait for something in it."""

    def __init__(self) -> None:
        self.published: list[types.PublishDiagnosticsParams] = []
        self.shown: list[types.ShowMessageParams] = []
        self.registered: list[types.Registration] = []
        self.arrived = asyncio.Event()

    def add(self, box: list, *items) -> None:
        box.extend(items)
        self.arrived.set()

    async def until(self, found):
        """The first non-None value of ``found()``, checked again after each message."""
        async with asyncio.timeout(TIMEOUT):
            while (value := found()) is None:
                self.arrived.clear()
                await self.arrived.wait()
            return value

    async def diagnostics(self, uri: str, version: int, after: int = 0) -> list[types.Diagnostic]:
        """The diagnostics of the first publication for ``uri`` at ``version`` from index ``after`` on."""
        def found():
            return next((list(p.diagnostics) for p in self.published[after:]
                         if p.uri == uri and p.version == version), None)

        return await self.until(found)


def make_client() -> LanguageClient:
    client = LanguageClient(converter_factory=default_converter)
    inbox = client.inbox = Inbox()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def published(params: types.PublishDiagnosticsParams) -> None:
        inbox.add(inbox.published, params)

    @client.feature(types.WINDOW_SHOW_MESSAGE)
    def shown(params: types.ShowMessageParams) -> None:
        inbox.add(inbox.shown, params)

    @client.feature(types.WINDOW_LOG_MESSAGE)
    def logged(params: types.LogMessageParams) -> None:
        pass

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def registered(params: types.RegistrationParams) -> None:
        inbox.add(inbox.registered, *params.registrations)

    return client


CAPABILITIES = types.ClientCapabilities(
    text_document=types.TextDocumentClientCapabilities(
        hover=types.HoverClientCapabilities(content_format=[types.MarkupKind.Markdown]),
        publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True)),
    workspace=types.WorkspaceClientCapabilities(
        workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True),
        did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(dynamic_registration=True)),
)


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(
    server_command=[sys.executable, "-m", "claimcheck", "lsp", "--stdio"], client_factory=make_client))
async def client(lsp_client: LanguageClient):
    result = await lsp_client.initialize_session(types.InitializeParams(capabilities=CAPABILITIES))
    assert result.server_info.name == "claimcheck"
    assert result.capabilities.text_document_sync.change == types.TextDocumentSyncKind.Full
    yield
    await lsp_client.shutdown_session()


def open_document(client: LanguageClient, path: Path, text: str, language_id: str = "") -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, language_id, 1, text)))
    return uri


def change(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        [types.TextDocumentContentChangeWholeDocument(text=text)]))


async def edited(client: LanguageClient, uri: str, version: int, text: str) -> list[types.Diagnostic]:
    """Send the whole new text as ``version`` and wait for that version's diagnostics."""
    mark = len(client.inbox.published)
    change(client, uri, version, text)
    return await client.inbox.diagnostics(uri, version, after=mark)


def files_changed(client: LanguageClient, *paths: Path) -> None:
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        [types.FileEvent(p.as_uri(), types.FileChangeType.Changed) for p in paths]))


def spans(diagnostics: list[types.Diagnostic]) -> list[tuple]:
    return [(d.code, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character,
             d.severity) for d in diagnostics]


def offset(text: str, position: types.Position) -> int:
    """A UTF-16 position as a code point offset, counted here independently of the server."""
    lines = text.split("\n")
    before = sum(len(line) + 1 for line in lines[:position.line])
    units = lines[position.line].encode("utf-16-le")[:2 * position.character]
    return before + len(units.decode("utf-16-le"))


def applied(text: str, edit: types.WorkspaceEdit, uri: str, version: int) -> str:
    """The text after a workspace edit, as a client applies it (edits refer to the text before)."""
    (document_edit,) = edit.document_changes
    assert document_edit.text_document.uri == uri and document_edit.text_document.version == version
    spans_ = [(offset(text, e.range.start), offset(text, e.range.end), e.new_text) for e in document_edit.edits]
    for start, end, new in sorted(spans_, reverse=True):
        text = text[:start] + new + text[end:]
    return text


async def actions_at(client: LanguageClient, uri: str, diagnostic: types.Diagnostic) -> dict[str, types.CodeAction]:
    found = await client.text_document_code_action_async(types.CodeActionParams(
        types.TextDocumentIdentifier(uri), diagnostic.range, types.CodeActionContext([diagnostic])))
    return {a.title: a for a in found}


# --------------------------------------------------------------------------- over stdio

@pytest.mark.slow
@ON_MODULE_LOOP
async def test_markdown_diagnostics_replacement_and_warning(client, tmp_path):
    """Exact UTF-16 ranges after emoji, severities, codes and links; the preferred replacement
    and the missing warning applied; each finding gone in the next version."""
    inbox = client.inbox
    uri = open_document(client, tmp_path / "draft.md", DRAFT_MD)
    found = await inbox.diagnostics(uri, 1)
    assert spans(found) == [
        ("overclaim-permanent-remission", 2, 21, 2, 40, ERROR),  # after 😀 (2 UTF-16 units) and a space
        ("overclaim-permanent-remission", 4, 15, 4, 34, WARNING),  # "can": hedged, lowered to minor
        ("isotretinoin-missing-pregnancy-warning", 6, 0, 6, 17, ERROR),  # a document rule: at its anchor
        ("isotretinoin-missing-psychiatric-warning", 6, 0, 6, 17, ERROR),
    ]
    first = found[0]
    assert first.source == "claimcheck" and first.code_description.href == FTC
    assert first.message.startswith("Claims permanent remission;")
    assert 'Suggestion: replace "permanent remission" with "long-term remission". Say what the evidence' in first.message
    assert found[2].code_description.href == DAILYMED

    actions = await actions_at(client, uri, first)
    replace = actions['Replace with "long-term remission"']
    assert replace.is_preferred and replace.kind == types.CodeActionKind.QuickFix
    assert [d.code for d in replace.diagnostics] == ["overclaim-permanent-remission"]
    text = applied(DRAFT_MD, replace.edit, uri, 1)
    assert text.splitlines()[2] == "😀 Most people reach long-term remission after one course."
    found = await edited(client, uri, 2, text)
    assert [s[:3] for s in spans(found)] == [("overclaim-permanent-remission", 4, 15),
                                             ("isotretinoin-missing-pregnancy-warning", 6, 0),
                                             ("isotretinoin-missing-psychiatric-warning", 6, 0)]

    actions = await actions_at(client, uri, found[1])
    add = next(a for title, a in actions.items() if title.startswith("Add the warning: \"Isotretinoin can cause"))
    assert not add.is_preferred  # fix inserts warnings only with --unsafe
    text = applied(text, add.edit, uri, 2)
    assert text.endswith("Take it daily with food.\n\nIsotretinoin can cause severe birth defects. It must not be "
                         "taken during pregnancy or by anyone who may become pregnant; use two forms of effective "
                         "contraception before, during and for one month after treatment (in the US this is "
                         "managed by the iPLEDGE program).\n")
    found = await edited(client, uri, 3, text)
    assert [d.code for d in found] == ["overclaim-permanent-remission", "isotretinoin-missing-psychiatric-warning"]


@pytest.mark.slow
@ON_MODULE_LOOP
async def test_hover_shows_the_rule_the_context_and_the_references(client, tmp_path):
    uri = open_document(client, tmp_path / "hover.md", DRAFT_MD)
    await client.inbox.diagnostics(uri, 1)
    shown = await client.text_document_hover_async(types.HoverParams(types.TextDocumentIdentifier(uri),
                                                                     types.Position(4, 20)))
    assert shown.contents.kind == types.MarkupKind.Markdown
    assert (shown.range.start.line, shown.range.start.character, shown.range.end.character) == (4, 15, 34)
    text = shown.contents.value
    assert text.startswith("**overclaim-permanent-remission** (minor, lowered from major) · overclaim")
    assert "Claims permanent remission; treatments can give long-term remission" in text
    assert '**Context:** hedged ("can") lowered it from major.' in text
    assert f"- <{FTC}>" in text
    # on the anchor of two document rules: both, each with its references
    shown = await client.text_document_hover_async(types.HoverParams(types.TextDocumentIdentifier(uri),
                                                                     types.Position(6, 3)))
    assert shown.contents.value.count("**References:**") == 2 and "<https://ipledgeprogram.com/>" in shown.contents.value
    nothing = await client.text_document_hover_async(types.HoverParams(types.TextDocumentIdentifier(uri),
                                                                       types.Position(0, 2)))
    assert nothing is None


@pytest.mark.slow
@ON_MODULE_LOOP
async def test_suppression_comments_in_each_format_silence_the_finding(client, tmp_path):
    """A Markdown paragraph start takes disable-next-line above it; a line inside a wrapped
    plain-text paragraph takes disable/enable around the paragraph (a comment line would cut
    the sentence); both in the syntax of the format, and the finding goes."""
    inbox = client.inbox
    uri = open_document(client, tmp_path / "quote.md", DRAFT_MD)
    hedged = (await inbox.diagnostics(uri, 1))[1]
    actions = await actions_at(client, uri, hedged)
    text = applied(DRAFT_MD, actions["Suppress overclaim-permanent-remission here with a comment"].edit, uri, 1)
    assert text.splitlines()[4:6] == ["<!-- claimcheck-disable-next-line overclaim-permanent-remission -- reason -->",
                                      "It can lead to permanent remission."]
    found = await edited(client, uri, 2, text)
    assert [s[:3] for s in spans(found)] == [("overclaim-permanent-remission", 2, 21),
                                             ("isotretinoin-missing-pregnancy-warning", 7, 0),
                                             ("isotretinoin-missing-psychiatric-warning", 7, 0)]

    wrapped = "Intro.\n\nMost people reach\npermanent remission after one course.\n"
    uri = open_document(client, tmp_path / "quote.txt", wrapped)
    (claim,) = await inbox.diagnostics(uri, 1)
    assert spans([claim]) == [("overclaim-permanent-remission", 3, 0, 3, 19, ERROR)]
    actions = await actions_at(client, uri, claim)
    text = applied(wrapped, actions["Suppress overclaim-permanent-remission here with a comment"].edit, uri, 1)
    assert text == ("Intro.\n\n# claimcheck-disable overclaim-permanent-remission -- reason\nMost people reach\n"
                    "permanent remission after one course.\n# claimcheck-enable overclaim-permanent-remission\n")
    assert await edited(client, uri, 2, text) == []  # silenced, and no unused-suppression warning


@pytest.mark.slow
@ON_MODULE_LOOP
async def test_html_and_the_reader_chosen_by_suffix_or_language_id(client, tmp_path):
    inbox = client.inbox
    page = ("<html><body><article><h1>Acne treatment</h1>\n"
            "<p>Tom &amp; 😀 Jerry: most people reach permanent remission after one course of these pills.</p>\n"
            "<!-- claimcheck-disable-next-line no-such-rule -- a typo -->\n"
            "<p>Ask your doctor which treatment suits you.</p></article></body></html>\n")
    uri = open_document(client, tmp_path / "page.html", page)
    found = await inbox.diagnostics(uri, 1)
    claim = page.splitlines()[1]
    before = len(claim[:claim.index("permanent")].encode("utf-16-le")) // 2  # in the source: &amp; and 😀 counted
    assert before == 41
    assert spans(found) == [("overclaim-permanent-remission", 1, before, 1, before + 19, ERROR),
                            ("unused-suppression", 2, 0, 2, 60, WARNING)]
    assert found[1].message.endswith(": unknown rule or category: no-such-rule")

    # no suffix claimcheck knows: the languageId picks the reader; Markdown skips inline code
    notes = "`permanent remission` is the phrase.\n\nMost people reach permanent remission.\n"
    as_markdown = open_document(client, tmp_path / "notes", notes, language_id="markdown")
    assert spans(await inbox.diagnostics(as_markdown, 1)) == [("overclaim-permanent-remission", 2, 18, 2, 37, ERROR)]
    as_text = open_document(client, tmp_path / "notes-plain", notes, language_id="plaintext")
    assert [s[1:3] for s in spans(await inbox.diagnostics(as_text, 1))] == [(0, 1), (2, 18)]


@pytest.mark.slow
@ON_MODULE_LOOP
async def test_edits_are_debounced_and_only_the_latest_version_is_published(client, tmp_path):
    inbox = client.inbox
    uri = open_document(client, tmp_path / "typing.txt", "Sunscreen protects the skin.\n")
    assert await inbox.diagnostics(uri, 1) == []
    mark = len(inbox.published)
    change(client, uri, 2, "It brings permanent remission.\n")
    change(client, uri, 3, "It brings lifelong remission.\n")
    found = await inbox.diagnostics(uri, 3, after=mark)
    assert spans(found) == [("overclaim-permanent-remission", 0, 10, 0, 28, ERROR)]
    # a save checks at once; the versions published never go back
    mark_save = len(inbox.published)
    client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(uri)))
    assert spans(await inbox.diagnostics(uri, 3, after=mark_save)) == spans(found)
    versions = [p.version for p in inbox.published if p.uri == uri]
    assert versions == sorted(versions) and versions[-1] == 3
    # closing clears them
    mark = len(inbox.published)
    client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri)))
    await inbox.until(lambda: next((p for p in inbox.published[mark:] if p.uri == uri and not p.diagnostics), None))


@pytest.mark.slow
@ON_MODULE_LOOP
async def test_a_bad_rule_pack_is_a_message_and_the_server_recovers(client, tmp_path):
    inbox = client.inbox
    workspace = tmp_path / "site"
    workspace.mkdir()
    (workspace / "claimcheck.toml").write_text('rules = ["pack.yaml"]\n', encoding="utf-8")
    pack = workspace / "pack.yaml"
    pack.write_text(GADGET_PACK.format(severity="enormous"), encoding="utf-8")
    shown_before = len(inbox.shown)
    uri = open_document(client, workspace / "draft.txt", "This wonder gadget works.\n")
    assert await inbox.diagnostics(uri, 1) == []
    message = await inbox.until(lambda: inbox.shown[shown_before] if len(inbox.shown) > shown_before else None)
    assert message.type == types.MessageType.Error
    assert message.message == (f"claimcheck: rulebook error: {pack}:5: unknown severity 'enormous' "
                               "(expected one of: critical, major, minor, info)")

    # the server goes on: another workspace is checked
    other = open_document(client, tmp_path / "elsewhere" / "ok.txt", "It brings permanent remission.\n")
    assert [d.code for d in await inbox.diagnostics(other, 1)] == ["overclaim-permanent-remission"]

    # the pack fixed, the client says so: the draft is checked again with it
    pack.write_text(GADGET_PACK.format(severity="minor"), encoding="utf-8")
    mark = len(inbox.published)
    files_changed(client, pack)
    found = await inbox.diagnostics(uri, 1, after=mark)
    assert spans(found) == [("gadget-wonder", 0, 5, 0, 18, WARNING)]
    assert found[0].code_description.href == "https://example.org/gadgets"
    assert len(inbox.shown) == shown_before + 1  # the problem was shown once


@pytest.mark.slow
@ON_MODULE_LOOP
async def test_configuration_changes_apply_without_a_restart(client, tmp_path):
    inbox = client.inbox
    # the server asks the client to watch configuration files and rule packs
    watch = await inbox.until(lambda: next((r for r in inbox.registered
                                            if r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES), None))
    assert [w["globPattern"] for w in watch.register_options["watchers"]] == [
        "**/claimcheck.toml", "**/pyproject.toml", "**/*.yaml", "**/*.yml"]

    config = tmp_path / "claimcheck.toml"
    uri = open_document(client, tmp_path / "draft.md", "It brings permanent remission.\n")
    assert spans(await inbox.diagnostics(uri, 1)) == [("overclaim-permanent-remission", 0, 10, 0, 29, ERROR)]

    # a changed file the client watches: the open buffer is checked again
    config.write_text('severity = { overclaim-permanent-remission = "minor" }\n', encoding="utf-8")
    mark = len(inbox.published)
    files_changed(client, config)
    assert spans(await inbox.diagnostics(uri, 1, after=mark)) == [("overclaim-permanent-remission", 0, 10, 0, 29, WARNING)]

    # a broken configuration: one message naming the file and line, no diagnostics
    config.write_text('severity = { overclaim-permanent-remission = "minor" }\nfail-on = "mayor"\n', encoding="utf-8")
    shown_before = len(inbox.shown)
    assert await edited(client, uri, 2, "It brings permanent remission. Really.\n") == []
    message = await inbox.until(lambda: inbox.shown[shown_before] if len(inbox.shown) > shown_before else None)
    assert message.type == types.MessageType.Error
    assert message.message == (f"claimcheck: configuration error: {config}:2: fail-on: 'mayor' is not one of "
                               "critical, major, minor, info, never")

    # no notification at all: the configuration is read again at the next check
    config.write_text('ignore = ["overclaim"]\n', encoding="utf-8")
    found = await edited(client, uri, 3, "It brings permanent remission. Buy isotretinoin online.\n")
    assert "overclaim-permanent-remission" not in [d.code for d in found]
    assert "isotretinoin-buy-online" in [d.code for d in found]

    # a file the configuration excludes gets no diagnostics, as lint names none for it
    config.write_text('exclude = ["draft.md"]\n', encoding="utf-8")
    mark = len(inbox.published)
    files_changed(client, config)
    assert await inbox.diagnostics(uri, 3, after=mark) == []


@pytest_lsp.fixture(config=ClientServerConfig(
    server_command=[sys.executable, "-m", "claimcheck", "lsp"], client_factory=make_client))
async def utf32_client(lsp_client: LanguageClient):
    capabilities = types.ClientCapabilities(general=types.GeneralClientCapabilities(
        position_encodings=[types.PositionEncodingKind.Utf32]))
    result = await lsp_client.initialize_session(types.InitializeParams(capabilities=capabilities))
    assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf32
    yield
    await lsp_client.shutdown_session()


@pytest.mark.slow
@pytest.mark.asyncio
async def test_a_client_counting_code_points_gets_code_point_columns(utf32_client, tmp_path):
    inbox = utf32_client.inbox
    uri = open_document(utf32_client, tmp_path / "emoji.txt", "😀😀 It brings permanent remission.\n")
    assert spans(await inbox.diagnostics(uri, 1)) == [("overclaim-permanent-remission", 0, 13, 0, 32, ERROR)]


# --------------------------------------------------------------------------- without a server

def test_positions_count_utf16_units_and_lsp_line_breaks():
    text = "a😀b\r\nx\u2028y\rz\n"
    positions = PositionMap(text)
    assert positions.position(text.index("b")) == types.Position(0, 3)  # the emoji is two units
    assert positions.position(text.index("y")) == types.Position(1, 2)  # U+2028 is no line break in LSP
    assert positions.position(text.index("z")) == types.Position(2, 0)  # a lone "\r" is one
    assert positions.position(text.index("\n")) == types.Position(0, 4)  # inside "\r\n": the line's end
    assert positions.offset(types.Position(0, 3)) == text.index("b")
    assert positions.offset(types.Position(0, 2)) == text.index("😀")  # inside the pair: its start
    assert positions.offset(types.Position(0, 99)) == text.index("\r")
    assert positions.offset(types.Position(9, 0)) == len(text)
    assert PositionMap(text, UTF8).position(text.index("b")) == types.Position(0, 5)
    assert PositionMap(text, UTF32).position(text.index("b")) == types.Position(0, 2)
    # as pygls hands the agreed encoding over: lsprotocol's enum member
    assert PositionMap(text, types.PositionEncodingKind.Utf8).position(text.index("b")) == types.Position(0, 5)
    assert PositionMap(text, types.PositionEncodingKind.Utf32).offset(types.Position(0, 2)) == text.index("b")


def test_a_stale_result_is_never_published():
    """A lint of version 1 still running when version 2 arrives: only version 2 is published,
    whichever finishes first."""
    from concurrent.futures import ThreadPoolExecutor

    from claimcheck.lsp.checking import NotChecked, Snapshot
    from claimcheck.lsp.scheduler import Scheduler

    started, release = threading.Event(), threading.Event()
    current = {"version": 1}
    published = []

    def run(snapshot):
        if snapshot.version == 1:
            started.set()
            release.wait(TIMEOUT)
        return NotChecked(snapshot, f"v{snapshot.version}")

    async def scenario():
        with ThreadPoolExecutor(1) as executor:
            scheduler = Scheduler(run, published.append, lambda s: s.version == current["version"], executor)
            first = scheduler.schedule(Snapshot("file:///a.txt", None, "", 1, "one"))
            await asyncio.get_running_loop().run_in_executor(None, started.wait, TIMEOUT)
            current["version"] = 2
            second = scheduler.schedule(Snapshot("file:///a.txt", None, "", 2, "two"))
            release.set()
            await asyncio.gather(first, second, return_exceptions=True)
            assert first.cancelled() and not scheduler.pending("file:///a.txt")

    asyncio.run(scenario())
    assert [p.reason for p in published] == ["v2"]


def test_a_result_for_a_version_the_buffer_has_left_is_dropped():
    """Even when no newer lint was scheduled (the edit's own lint still waits out its delay)."""
    from concurrent.futures import ThreadPoolExecutor

    from claimcheck.lsp.checking import NotChecked, Snapshot
    from claimcheck.lsp.scheduler import Scheduler

    current = {"version": 1}
    published = []

    def run(snapshot):
        current["version"] = 2  # the buffer changes while it is checked
        return NotChecked(snapshot, "v1")

    async def scenario():
        with ThreadPoolExecutor(1) as executor:
            scheduler = Scheduler(run, published.append, lambda s: s.version == current["version"], executor)
            await scheduler.schedule(Snapshot("file:///a.txt", None, "", 1, "one"))

    asyncio.run(scenario())
    assert published == []


def test_an_edited_pack_replaces_its_compiled_rulebook(tmp_path):
    """A server lives long and its user edits rule packs: the rulebook compiled from a pack's
    previous version is let go (each is tens of megabytes with the bundled packs)."""
    from claimcheck import api
    from claimcheck.findings import Severity

    pack = tmp_path / "pack.yaml"
    pack.write_text(GADGET_PACK.format(severity="minor"), encoding="utf-8")
    first = api.build_linter([pack], default_rules=False)
    count = len(api._compiled)
    pack.write_text(GADGET_PACK.format(severity="critical"), encoding="utf-8")  # another size: another stamp
    second = api.build_linter([pack], default_rules=False)
    assert second.compiled.rules[0].severity == Severity.CRITICAL
    assert len(api._compiled) == count
    assert all(kept.compiled is not first.compiled for kept in api._compiled.values())
    assert api.build_linter([pack], default_rules=False).compiled is second.compiled  # still cached


def test_lsp_help_works_without_starting_a_server(cli):
    run = cli("lsp", "--help")
    assert run.code == 0 and "docs/lsp.md" in run.out and "--stdio" in run.out


def test_without_pygls_the_command_exits_2_naming_the_extra(cli, monkeypatch):
    monkeypatch.setitem(sys.modules, "pygls", None)  # `import pygls…` raises ImportError
    monkeypatch.setitem(sys.modules, "pygls.lsp.server", None)
    run = cli("lsp")
    assert run.code == 2
    assert run.err == "claimcheck: error: claimcheck lsp needs the lsp extra: pip install 'claimcheck[lsp]'\n"


@pytest.mark.slow
def test_without_pygls_lsp_exits_2_naming_the_extra():
    """The same in a process of its own, as a user without the extra runs it."""
    blocked = ("import sys; sys.modules['pygls'] = None; sys.argv = ['claimcheck', 'lsp'];"
               "from claimcheck.cli import main; main()")
    run = subprocess.run([sys.executable, "-c", blocked], capture_output=True, text=True, timeout=TIMEOUT)
    assert run.returncode == 2
    assert run.stderr == "claimcheck: error: claimcheck lsp needs the lsp extra: pip install 'claimcheck[lsp]'\n"
    assert run.stdout == ""
