"""Where outputs go (issue 13): every option that writes a file writes through a character
device or a FIFO, replaces the target of a symbolic link (which stays a link), replaces a
regular file atomically in its own mode, and refuses a directory, a block device or a socket
with a one-line error and exit code 2. The audit store must be a regular file. `fix` leaves
read-only files alone. Device nodes need root; those tests skip otherwise.
"""
from __future__ import annotations

import contextlib
import csv
import errno
import io
import json
import os
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from claimcheck.atomic import RefusedOutput, open_for_output, write_bytes_atomically, write_text_atomically
from claimcheck.cli import main
from claimcheck.documents import DocumentError

DRAFT = "Many patients reach permanent remission after one course.\n"
FIXED = "Many patients reach long-term remission after one course.\n"
RULE = "overclaim-permanent-remission"
HANG_GUARD = 120  # seconds; only stops a broken build from hanging the suite, never a verdict
READ_ONLY_ERROR = "error: read-only file (no write permission); not fixed"


# --------------------------------------------------------------------------- helpers

def chardev(path: Path) -> Path:
    """A node with /dev/null's numbers (writes vanish, reads are empty)."""
    if os.geteuid() != 0:
        pytest.skip("making a device node needs root")
    os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    return path


def blockdev(path: Path) -> Path:
    """A block device node on a major number reserved for local use (no driver behind it, so a
    bug that opened it still could not reach a disk). Nothing here ever opens it."""
    if os.geteuid() != 0:
        pytest.skip("making a device node needs root")
    os.mknod(path, stat.S_IFBLK | 0o600, os.makedev(240, 0))
    return path


def is_chr(path: Path) -> bool:
    return stat.S_ISCHR(os.lstat(path).st_mode)


def is_fifo(path: Path) -> bool:
    return stat.S_ISFIFO(os.lstat(path).st_mode)


def is_blk(path: Path) -> bool:
    return stat.S_ISBLK(os.lstat(path).st_mode)


def names(directory: Path) -> set[str]:
    return {p.name for p in directory.iterdir()}


READER = "import shutil, sys; shutil.copyfileobj(open(sys.argv[1], 'rb'), sys.stdout.buffer)"


def through_fifo(fifo: Path, command) -> tuple[object, bytes]:
    """Run ``command()`` while another process reads ``fifo`` to its end; returns the command's
    result and the bytes the reader got. Once the command is done, an empty open and close of
    the write end ends a reader that never saw a writer (the bytes the command wrote are in the
    pipe by then); the timeout is only a guard against a hang."""
    reader = subprocess.Popen([sys.executable, "-c", READER, str(fifo)], stdout=subprocess.PIPE)
    try:
        result = command()
        if is_fifo(fifo):
            try:
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass  # no reader waiting: it already finished (or has not started: the guard)
        else:  # replaced: the reader waits on a FIFO nobody can reach any more
            reader.kill()
        data, _ = reader.communicate(timeout=HANG_GUARD)
        return result, data
    finally:
        if reader.poll() is None:
            reader.kill()
            reader.wait()


@contextlib.contextmanager
def hang_guard(fifo: Path):
    """Should the command under test wait in open() for a partner on ``fifo`` (a bug), be that
    partner after HANG_GUARD seconds, so the test fails instead of hanging."""
    done = threading.Event()

    def release() -> None:
        if not done.wait(HANG_GUARD):
            for flags in (os.O_WRONLY | os.O_NONBLOCK, os.O_RDONLY | os.O_NONBLOCK):
                try:
                    os.close(os.open(fifo, flags))
                except OSError:
                    pass

    guard = threading.Thread(target=release, daemon=True)
    guard.start()
    try:
        yield
    finally:
        done.set()
        guard.join()


def one_line_error(run, path) -> str:
    """The only line on standard error, which names ``path``."""
    lines = run.err.splitlines()
    assert len(lines) == 1, run.err
    assert lines[0].startswith("claimcheck: error: ") and str(path) in lines[0], lines[0]
    return lines[0]


def lint_report(data: bytes) -> list[str]:
    """The rules of the findings in a JSON lint report."""
    return [f["rule"] for file in json.loads(data)["files"] for f in file["findings"]]


@pytest.fixture
def draft(tmp_path) -> Path:
    """A Markdown file with one finding, in a folder of its own (outputs go elsewhere)."""
    folder = tmp_path / "in"
    folder.mkdir()
    path = folder / "draft.md"
    path.write_text(DRAFT, encoding="utf-8")
    return path


@pytest.fixture
def out(tmp_path) -> Path:
    """The folder outputs go to: after a run it holds exactly what the test put there."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    """An audit store holding one document with one finding."""
    top = tmp_path_factory.mktemp("audit")
    (top / "pages").mkdir()
    (top / "pages" / "draft.md").write_text(DRAFT, encoding="utf-8")
    db = top / "audit.sqlite"
    result = CliRunner().invoke(main, ["audit", str(top / "pages"), "--db", str(db), "--jobs", "1"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return db


# --------------------------------------------------------------------------- lint --output

def test_lint_output_to_a_character_device_writes_through(cli, draft, out):
    null = chardev(out / "null")
    run = cli("lint", str(draft), "--format", "json", "--output", str(null))
    assert run.code == 1, run.err  # the finding, as without --output
    assert is_chr(null)
    assert names(out) == {"null"}


def test_lint_output_to_a_fifo_reaches_the_reader(cli, draft, out):
    fifo = out / "pipe"
    os.mkfifo(fifo)
    run, data = through_fifo(fifo, lambda: cli("lint", str(draft), "--format", "json", "--output", str(fifo)))
    assert is_fifo(fifo)
    assert run.code == 1, run.err
    assert lint_report(data) == [RULE]
    assert names(out) == {"pipe"}


def test_lint_output_through_a_chain_of_links_replaces_the_final_target(cli, draft, out):
    (out / "reports").mkdir()
    target = out / "reports" / "lint.json"
    target.write_text("old", encoding="utf-8")
    (out / "second").symlink_to(Path("reports") / "lint.json")
    (out / "first").symlink_to("second")
    run = cli("lint", str(draft), "--format", "json", "--output", str(out / "first"))
    assert run.code == 1, run.err
    assert os.readlink(out / "first") == "second" and os.readlink(out / "second") == "reports/lint.json"
    assert lint_report(target.read_bytes()) == [RULE]
    assert names(out) == {"first", "second", "reports"} and names(out / "reports") == {"lint.json"}


def test_lint_output_through_a_dangling_link_creates_its_target(cli, draft, out):
    (out / "reports").mkdir()
    (out / "link.json").symlink_to(Path("reports") / "new.json")
    run = cli("lint", str(draft), "--format", "json", "--output", str(out / "link.json"))
    assert run.code == 1, run.err
    assert (out / "link.json").is_symlink() and os.readlink(out / "link.json") == "reports/new.json"
    assert lint_report((out / "reports" / "new.json").read_bytes()) == [RULE]


def test_lint_output_regular_file_is_replaced_in_its_own_mode(cli, draft, out):
    report = out / "lint.json"
    report.write_text("old", encoding="utf-8")
    report.chmod(0o600)
    before = report.stat()
    run = cli("lint", str(draft), "--format", "json", "--output", str(report))
    assert run.code == 1, run.err
    after = report.stat()
    assert after.st_ino != before.st_ino  # a new file renamed over the old one, not rewritten
    assert stat.S_IMODE(after.st_mode) == 0o600
    assert lint_report(report.read_bytes()) == [RULE]
    assert names(out) == {"lint.json"}


def test_lint_output_to_a_block_device_is_refused(cli, draft, out):
    disk = blockdev(out / "disk")
    run = cli("lint", str(draft), "--format", "json", "--output", str(disk))
    assert run.code == 2
    assert "is a block device" in one_line_error(run, disk)
    assert is_blk(disk) and os.lstat(disk).st_rdev == os.makedev(240, 0)
    assert names(out) == {"disk"}


def test_lint_output_to_a_directory_is_refused(cli, draft, out):
    folder = out / "folder"
    folder.mkdir()
    run = cli("lint", str(draft), "--format", "json", "--output", str(folder))
    assert run.code == 2
    assert run.err == f"claimcheck: error: cannot write {folder}: is a directory\n"
    assert folder.is_dir() and names(folder) == set()


def test_lint_output_that_cannot_be_written_is_a_one_line_error(cli, draft, out):
    missing = out / "no-such-folder" / "lint.json"
    run = cli("lint", str(draft), "--format", "json", "--output", str(missing))
    assert run.code == 2
    assert one_line_error(run, missing) == f"claimcheck: error: cannot write {missing}: No such file or directory"


# --------------------------------------------------------------------------- lint --write-baseline

def test_baseline_to_a_character_device_writes_through(cli, draft, out):
    null = chardev(out / "null")
    run = cli("lint", str(draft), "--write-baseline", str(null))
    assert run.code == 0, run.err
    assert f"wrote 1 findings to the baseline {null}" in run.err
    assert is_chr(null)
    assert names(out) == {"null"}


def test_baseline_to_a_fifo_reaches_the_reader(cli, draft, out):
    fifo = out / "pipe"
    os.mkfifo(fifo)
    run, data = through_fifo(fifo, lambda: cli("lint", str(draft), "--write-baseline", str(fifo)))
    assert is_fifo(fifo)
    assert run.code == 0, run.err
    baseline = json.loads(data)
    assert baseline["format"] == "claimcheck-baseline/1"
    assert [f["rule"] for f in baseline["findings"]] == [RULE]


def test_baseline_through_a_link_replaces_its_target(cli, draft, out):
    target = out / "baseline.json"
    target.write_text("{}", encoding="utf-8")
    target.chmod(0o600)
    (out / "link.json").symlink_to("baseline.json")
    run = cli("lint", str(draft), "--write-baseline", str(out / "link.json"))
    assert run.code == 0, run.err
    assert os.readlink(out / "link.json") == "baseline.json"
    assert [f["rule"] for f in json.loads(target.read_bytes())["findings"]] == [RULE]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    # and it is read back through the link
    assert cli("lint", str(draft), "--baseline", str(out / "link.json")).code == 0
    assert names(out) == {"baseline.json", "link.json"}


def test_baseline_to_a_block_device_is_refused(cli, draft, out):
    disk = blockdev(out / "disk")
    run = cli("lint", str(draft), "--write-baseline", str(disk))
    assert run.code == 2
    assert "is a block device" in one_line_error(run, disk)
    assert is_blk(disk) and names(out) == {"disk"}


# --------------------------------------------------------------------------- report --html

def test_html_to_a_character_device_writes_through(cli, store, out):
    null = chardev(out / "null")
    run = cli("report", "--db", str(store), "--html", str(null))
    assert run.code == 0, run.err
    assert is_chr(null) and names(out) == {"null"}


def test_html_to_a_fifo_reaches_the_reader(cli, store, out):
    fifo = out / "pipe"
    os.mkfifo(fifo)
    run, data = through_fifo(fifo, lambda: cli("report", "--db", str(store), "--html", str(fifo)))
    assert is_fifo(fifo)
    assert run.code == 0, run.err
    page = data.decode("utf-8")
    assert page.startswith("<!DOCTYPE html>") and RULE in page and page.rstrip().endswith("</html>")


def test_html_through_a_link_replaces_its_target_in_its_mode(cli, store, out):
    target = out / "report.html"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o600)
    (out / "link.html").symlink_to("report.html")
    run = cli("report", "--db", str(store), "--html", str(out / "link.html"))
    assert run.code == 0, run.err
    assert os.readlink(out / "link.html") == "report.html"
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert names(out) == {"report.html", "link.html"}


def test_html_to_a_block_device_is_refused(cli, store, out):
    disk = blockdev(out / "disk")
    run = cli("report", "--db", str(store), "--html", str(disk))
    assert run.code == 2
    assert "is a block device" in one_line_error(run, disk)
    assert is_blk(disk) and names(out) == {"disk"}


# --------------------------------------------------------------------------- report --csv / --parquet

def test_csv_to_a_character_device_writes_through(cli, store, out):
    null = chardev(out / "findings.csv")
    run = cli("report", "--db", str(store), "--csv", str(out))
    assert run.code == 0, run.err
    assert is_chr(null)
    assert names(out) == {"documents.csv", "findings.csv", "runs.csv"}


def test_csv_to_a_fifo_reaches_the_reader(cli, store, out):
    fifo = out / "findings.csv"
    os.mkfifo(fifo)
    run, data = through_fifo(fifo, lambda: cli("report", "--db", str(store), "--csv", str(out)))
    assert is_fifo(fifo)
    assert run.code == 0, run.err
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    assert [r["rule"] for r in rows] == [RULE]
    assert names(out) == {"documents.csv", "findings.csv", "runs.csv"}


def test_csv_through_a_link_replaces_its_target(cli, store, out, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (out / "findings.csv").symlink_to(elsewhere / "f.csv")
    run = cli("report", "--db", str(store), "--csv", str(out))
    assert run.code == 0, run.err
    assert os.readlink(out / "findings.csv") == str(elsewhere / "f.csv")
    with open(elsewhere / "f.csv", encoding="utf-8", newline="") as f:
        assert [r["rule"] for r in csv.DictReader(f)] == [RULE]
    assert names(elsewhere) == {"f.csv"}


def test_csv_file_that_is_a_directory_is_refused_by_name(cli, store, out):
    (out / "findings.csv").mkdir()
    run = cli("report", "--db", str(store), "--csv", str(out))
    assert run.code == 2
    assert one_line_error(run, out / "findings.csv") == \
        f"claimcheck: error: cannot write {out / 'findings.csv'}: is a directory"
    assert (out / "findings.csv").is_dir()
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_parquet_to_a_character_device_writes_through(cli, store, out):
    pytest.importorskip("pyarrow.parquet")
    null = chardev(out / "findings.parquet")
    run = cli("report", "--db", str(store), "--parquet", str(out))
    assert run.code == 0, run.err
    assert is_chr(null)
    assert names(out) == {"documents.parquet", "findings.parquet", "runs.parquet"}


def test_parquet_to_a_fifo_reaches_the_reader(cli, store, out):
    pq = pytest.importorskip("pyarrow.parquet")
    import pyarrow as pa

    fifo = out / "findings.parquet"
    os.mkfifo(fifo)
    run, data = through_fifo(fifo, lambda: cli("report", "--db", str(store), "--parquet", str(out)))
    assert is_fifo(fifo)
    assert run.code == 0, run.err
    assert pq.read_table(pa.BufferReader(data)).column("rule").to_pylist() == [RULE]


def test_parquet_through_a_link_replaces_its_target(cli, store, out, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "f.parquet").write_bytes(b"old")
    (out / "findings.parquet").symlink_to(elsewhere / "f.parquet")
    run = cli("report", "--db", str(store), "--parquet", str(out))
    assert run.code == 0, run.err
    assert (out / "findings.parquet").is_symlink()
    assert os.readlink(out / "findings.parquet") == str(elsewhere / "f.parquet")
    assert pq.read_table(elsewhere / "f.parquet").column("rule").to_pylist() == [RULE]


def test_parquet_file_that_is_a_block_device_is_refused(cli, store, out):
    pytest.importorskip("pyarrow.parquet")
    disk = blockdev(out / "runs.parquet")
    run = cli("report", "--db", str(store), "--parquet", str(out))
    assert run.code == 2
    assert "is a block device" in one_line_error(run, disk)
    assert is_blk(disk)
    assert names(out) == {"documents.parquet", "findings.parquet", "runs.parquet"}


# --------------------------------------------------------------------------- the audit store

@pytest.mark.parametrize("kind", ["device", "fifo"])
def test_audit_store_that_is_not_a_regular_file_is_refused(cli, draft, out, kind):
    db = out / "audit.sqlite"
    chardev(db) if kind == "device" else os.mkfifo(db)
    with hang_guard(db):
        run = cli("audit", str(draft.parent), "--db", str(db), "--jobs", "1")
    assert run.code == 2
    assert run.err == f"claimcheck: error: {db}: not a regular file; the audit store must be a file\n"
    assert names(out) == {"audit.sqlite"}  # no -journal, -wal, -shm or .lock beside it
    assert (is_chr if kind == "device" else is_fifo)(db)


def test_report_on_a_store_that_is_not_a_regular_file_is_refused(cli, out):
    db = out / "audit.sqlite"
    os.mkfifo(db)
    with hang_guard(db):  # SQLite opening a FIFO read-only waits for a writer
        run = cli("report", "--db", str(db))
    assert run.code == 2
    assert run.err == f"claimcheck: error: {db}: not a regular file; the audit store must be a file\n"
    assert names(out) == {"audit.sqlite"}


def test_audit_store_through_a_link_works_and_stays_a_link(cli, draft, out, tmp_path):
    real = tmp_path / "stores" / "audit.sqlite"
    real.parent.mkdir()
    assert cli("audit", str(draft.parent), "--db", str(real), "--jobs", "1").code == 0
    link = out / "audit.sqlite"
    link.symlink_to(real)
    run = cli("audit", str(draft.parent), "--db", str(link), "--jobs", "1")
    assert run.code == 0, run.err
    assert link.is_symlink() and os.readlink(link) == str(real)
    report = cli("report", "--db", str(link), "--format", "json")
    assert report.code == 0, report.err
    assert report.json()["documents"]["total"] == 1


# --------------------------------------------------------------------------- fix

def test_fix_through_a_link_fixes_the_target_and_keeps_the_link(cli, draft, out):
    link = out / "draft.md"
    link.symlink_to(draft)
    run = cli("fix", str(link))
    assert run.code == 0, run.out
    assert link.is_symlink() and os.readlink(link) == str(draft)
    assert draft.read_text(encoding="utf-8") == FIXED
    assert names(out) == {"draft.md"} and names(draft.parent) == {"draft.md"}


def test_fix_on_a_character_device_leaves_it_a_device(cli, out):
    null = chardev(out / "null.md")
    run = cli("fix", str(null))
    assert run.code == 2  # empty, as lint says
    assert f"{null}: error: empty file, nothing to check" in run.out
    assert is_chr(null) and names(out) == {"null.md"}


def test_fix_leaves_a_read_only_file_alone_and_fixes_the_others(cli, tmp_path):
    locked, other = tmp_path / "locked.md", tmp_path / "other.md"
    for path in (locked, other):
        path.write_text(DRAFT, encoding="utf-8")
    locked.chmod(0o444)
    before = locked.stat()
    run = cli("fix", str(locked), str(other))
    assert run.code == 2
    assert other.read_text(encoding="utf-8") == FIXED
    assert locked.read_text(encoding="utf-8") == DRAFT
    after = locked.stat()
    assert (stat.S_IMODE(after.st_mode), after.st_ino, after.st_mtime_ns) == (0o444, before.st_ino, before.st_mtime_ns)
    assert f"{locked}: {READ_ONLY_ERROR}" in run.out.splitlines()
    assert [line for line in run.out.splitlines() if "error" in line] == [f"{locked}: {READ_ONLY_ERROR}"]
    assert "1 file could not be fixed" in run.out
    assert names(tmp_path) == {"locked.md", "other.md"}


def test_fix_diff_still_shows_a_read_only_file(cli, tmp_path):
    locked = tmp_path / "locked.md"
    locked.write_text(DRAFT, encoding="utf-8")
    locked.chmod(0o444)
    run = cli("fix", str(locked), "--diff")
    assert run.code == 0, run.err
    assert f"+{FIXED}" in run.out and f"-{DRAFT}" in run.out
    assert locked.read_text(encoding="utf-8") == DRAFT and stat.S_IMODE(locked.stat().st_mode) == 0o444


def test_fix_through_a_link_to_a_read_only_file_is_refused(cli, draft, out):
    draft.chmod(0o444)
    link = out / "draft.md"
    link.symlink_to(draft)
    run = cli("fix", str(link))
    assert run.code == 2
    assert f"{link}: {READ_ONLY_ERROR}" in run.out.splitlines()
    assert draft.read_text(encoding="utf-8") == DRAFT and link.is_symlink()


def _fix_of(path: Path, writing: bool = False):
    from claimcheck.fix import fix_input
    from claimcheck.session import LintSession

    session = LintSession({}, True, None, True)
    (item,) = list(session.inputs([str(path)], None))
    return fix_input(session, item, writing=writing)


def test_save_checks_again_for_a_file_made_read_only_after_it_was_read(tmp_path):
    from claimcheck.fix import save

    path = tmp_path / "draft.md"
    path.write_text(DRAFT, encoding="utf-8")
    fix = _fix_of(path, writing=True)
    assert fix.changed and fix.result.error is None
    path.chmod(0o444)
    with pytest.raises(DocumentError, match="read-only file"):
        save(fix)
    assert path.read_text(encoding="utf-8") == DRAFT


def test_fix_input_for_writing_refuses_a_read_only_file_before_fixing(tmp_path):
    path = tmp_path / "draft.md"
    path.write_text(DRAFT, encoding="utf-8")
    path.chmod(0o444)
    assert _fix_of(path, writing=True).result.error == "read-only file (no write permission); not fixed"
    assert _fix_of(path).changed  # a dry run (--diff) still fixes it in memory


# --------------------------------------------------------------------------- open_for_output

def test_unit_regular_file_replaced_with_its_mode(tmp_path):
    path = tmp_path / "f.txt"
    path.write_text("old")
    path.chmod(0o640)
    ino = path.stat().st_ino
    write_text_atomically(path, "new")
    assert path.read_text() == "new" and path.stat().st_ino != ino
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    write_bytes_atomically(path, b"newer", 0o600)
    assert path.read_bytes() == b"newer" and stat.S_IMODE(path.stat().st_mode) == 0o600


def test_unit_new_file_gets_the_umask_mode(tmp_path):
    umask = os.umask(0o027)
    try:
        write_text_atomically(tmp_path / "new.txt", "x")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o640
    assert names(tmp_path) == {"new.txt"}


def test_unit_an_error_in_the_block_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "f.txt"
    path.write_text("old")
    with pytest.raises(ZeroDivisionError):
        with open_for_output(path, "w", encoding="utf-8") as f:
            f.write("half")
            1 / 0
    assert path.read_text() == "old" and names(tmp_path) == {"f.txt"}


def test_unit_character_device_written_through(tmp_path):
    null = chardev(tmp_path / "null")
    with open_for_output(null, "w", encoding="utf-8", newline="") as f:
        f.write("gone\n")
    assert is_chr(null) and names(tmp_path) == {"null"}


def test_unit_fifo_written_through(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    _, got = through_fifo(fifo, lambda: write_bytes_atomically(fifo, b"through the pipe\n"))
    assert got == b"through the pipe\n" and is_fifo(fifo)


def test_unit_links_stay_links(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "b").symlink_to("sub/target.txt")  # dangling: its target is created
    (tmp_path / "a").symlink_to("b")
    write_text_atomically(tmp_path / "a", "one")
    assert (tmp_path / "sub" / "target.txt").read_text() == "one"
    write_text_atomically(tmp_path / "a", "two")
    assert (tmp_path / "sub" / "target.txt").read_text() == "two"
    assert os.readlink(tmp_path / "a") == "b" and os.readlink(tmp_path / "b") == "sub/target.txt"
    assert names(tmp_path / "sub") == {"target.txt"}


def test_unit_a_link_loop_is_an_error_and_stays_a_loop(tmp_path):
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    with pytest.raises(OSError) as caught:
        write_text_atomically(tmp_path / "a", "x")
    assert caught.value.errno == errno.ELOOP
    assert os.readlink(tmp_path / "a") == "b" and names(tmp_path) == {"a", "b"}


def test_unit_directory_refused(tmp_path):
    with pytest.raises(RefusedOutput, match="is a directory"):
        write_text_atomically(tmp_path, "x")
    assert names(tmp_path) == set()


def test_unit_block_device_refused_without_opening_it(tmp_path, monkeypatch):
    disk = blockdev(tmp_path / "disk")
    opened = []
    real_open = os.open
    monkeypatch.setattr(os, "open", lambda p, *a, **k: opened.append(p) or real_open(p, *a, **k))
    with pytest.raises(RefusedOutput, match="is a block device"):
        write_bytes_atomically(disk, b"x")
    assert opened == [] and is_blk(disk) and names(tmp_path) == {"disk"}


def test_unit_socket_refused(tmp_path):
    path = tmp_path / "sock"
    if len(str(path)) > 100:
        pytest.skip("the temporary path is too long for a Unix socket")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
        with pytest.raises(RefusedOutput, match="is a socket"):
            write_text_atomically(path, "x")
        assert stat.S_ISSOCK(os.lstat(path).st_mode)


def test_a_folder_as_any_output_file_is_one_line_before_any_work(cli, draft, out, store):
    """Refused before the run: no report printed first, nothing created in the folder."""
    folder = out / "folder"
    folder.mkdir()
    run = cli("lint", str(draft), "--write-baseline", str(folder))
    assert (run.code, run.out, run.err) == (2, "", f"claimcheck: error: cannot write {folder}: is a directory\n")
    run = cli("report", "--db", str(store), "--html", str(folder))
    assert (run.code, run.out, run.err) == (2, "", f"claimcheck: error: cannot write {folder}: is a directory\n")
    run = cli("audit", str(draft), "--db", str(folder), "--jobs", "1")
    assert (run.code, run.err) == (2, f"claimcheck: error: {folder}: not a regular file; the audit store must be a file\n")
    assert names(folder) == set()
