"""The command line: parse options, call the engine, pick a reporter. Nothing else lives here."""
from __future__ import annotations

import atexit
import gc
import io
import os
import sys
from dataclasses import replace
from pathlib import Path

import click

from ._version import __version__
from .atomic import refused, write_text_atomically
from .baseline import Baseline, BaselineError
from .config import ConfigError, describe
from .documents.encoding import ERROR_MODES
from .findings import SEVERITY_NAMES, FileResult
from .gitdiff import DiffError, changed_since
from .report import FORMATS, ReportOptions
from .report.terminal import terminal_columns
from .rulebook import RulebookError
from .session import LintSession, UsageError
from .cli_common import (EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, config_or_fail, discovery_options, fail, input_options,
                         load_linter, no_default_option, rulebook_failed, rules_option, start_session)


def _inside(path: Path, directory: Path) -> bool:
    resolved = path.resolve()
    return resolved == directory or directory in resolved.parents


def _use_color(choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


# At exit, the interpreter's last collections would walk every object of the compiled rulebook
# (about a third of a second for a one-file lint); frozen, they are only freed.
atexit.register(gc.freeze)


class _Commands(click.Group):
    """The commands. `audit` and `report` live in claimcheck.audit and are imported when one
    of them is asked for (or the help lists them): their imports stay out of lint's start-up."""

    LAZY = ("audit", "report", "lsp", "serve")

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.LAZY})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name == "audit":
            from .audit.audit_cli import audit_command

            return audit_command
        if name == "report":
            from .audit.report_cli import report_command

            return report_command
        if name == "lsp":
            from .lsp.command import lsp_command

            return lsp_command
        if name == "serve":
            from .serve.command import serve_command

            return serve_command
        return super().get_command(ctx, name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="claimcheck")
def main() -> None:
    """claimcheck: a linter for health content."""


@main.command()
@click.argument("paths", nargs=-1)
@click.option("--format", "fmts", type=click.Choice(sorted(FORMATS)), multiple=True,
              help="Report format (repeatable: several reports in one run, see --output).  [default: text]")
@click.option("--output", "outputs", type=click.Path(allow_dash=True), multiple=True,
              help="Write a --format's report to this file (repeatable; the last --output goes with the "
                   "last --format, and so on backwards; '-' or no --output is standard output).")
@click.option("--fail-on", type=click.Choice([*SEVERITY_NAMES, "never"]),
              help="Exit 1 when a finding has this severity or worse.  [default: major]")
@click.option("--min-severity", type=click.Choice(SEVERITY_NAMES),
              help="Show only findings of this severity or worse (score and exit code count all).  [default: info]")
@click.option("--select", multiple=True, help="Only these rule ids or categories (comma-separated, repeatable).")
@click.option("--ignore", multiple=True, help="Skip these rule ids or categories (comma-separated, repeatable).")
@rules_option
@no_default_option
@input_options
@click.option("--encoding", help="Decode files with this encoding (default: BOM, else UTF-8).")
@click.option("--encoding-errors", type=click.Choice(ERROR_MODES),
              help="Undecodable bytes: an error for that file, or replaced with U+FFFD.  [default: strict]")
@click.option("--text-field", help="JSONL: the field holding each record's text.  [default: text]")
@click.option("--id-field", help="JSONL: the field naming each record.  [default: id, else url]")
@discovery_options
@click.option("--baseline", "baseline_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Hide the findings recorded in this baseline file.")
@click.option("--write-baseline", type=click.Path(path_type=Path),
              help="Record today's findings in this file (and exit 0 unless an input could not be checked).")
@click.option("--show-baseline-stats", is_flag=True,
              help="With --baseline: say how many findings it hid, and list those fixed since.")
@click.option("--diff", "diff_rev", metavar="REV",
              help="Only report findings on lines added or changed since git revision REV.")
@click.option("--show-suppressed", is_flag=True, help="Also show findings silenced by suppression comments, with their reasons.")
@click.option("--warn-unused-suppressions", is_flag=True, help="Report suppression comments that silence nothing.")
@click.option("--stdin-filename", help="Name to report for standard input ('-'); its suffix picks the reader.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True)
def lint(paths, fmts, outputs, fail_on, min_severity, select, ignore, rules, no_default_rules, config_file,
         isolated, html_mode, encoding, encoding_errors, text_field, id_field, exclude, respect_gitignore,
         baseline_file, write_baseline, show_baseline_stats, diff_rev, show_suppressed,
         warn_unused_suppressions, stdin_filename, color):
    """Check PATHS (files, directories, or - for standard input) for problematic health claims.

    Reads plain text, Markdown, HTML, JSONL and WARC files (each optionally gzipped).
    Settings come from the closest claimcheck.toml or [tool.claimcheck] in pyproject.toml
    above each file; flags override them (see 'claimcheck config PATH').

    Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 a usage,
    configuration, rulebook or input error.
    """
    reports = _reports(fmts, outputs)
    for dest in [d for _, d in reports if d is not None] + ([write_baseline] if write_baseline else []):
        problem = refused(dest)
        if problem is not None:  # before the work, not after it
            fail(f"cannot write {dest}: {problem.strerror}")
    if show_baseline_stats and baseline_file is None:
        fail("--show-baseline-stats needs --baseline FILE")
    session = start_session(paths, stdin_filename, no_default_rules, config_file, isolated, {
        "fail-on": fail_on, "min-severity": min_severity, "select": select, "ignore": ignore, "rules": rules,
        "html-mode": html_mode, "encoding": encoding, "encoding-errors": encoding_errors,
        "text-field": text_field, "id-field": id_field, "exclude": exclude, "respect-gitignore": respect_gitignore,
    })
    try:
        session.baseline = Baseline.load(baseline_file) if baseline_file else None
        session.changed = changed_since(diff_rev) if diff_rev else None
    except BaselineError as exc:
        fail(f"--baseline: {exc}")
    except DiffError as exc:
        fail(f"--diff {diff_rev}: {exc}")
    session.recording = Baseline() if write_baseline else None
    results: list[FileResult] = []
    try:
        for item in session.inputs(list(paths), stdin_filename):
            results.extend(session.results(item))
    except RulebookError as exc:
        rulebook_failed(exc)
    except UsageError as exc:
        fail(str(exc))

    stats = _baseline_stats(session.baseline) if show_baseline_stats else None
    for fmt, dest in reports:
        options = ReportOptions(show_suppressed=show_suppressed, warn_unused=warn_unused_suppressions, baseline=stats)
        if dest is None:  # the terminal's width, so excerpts do not wrap; files keep the fixed default
            FORMATS[fmt].render(results, sys.stdout, replace(options, color=_use_color(color),
                                                              width=terminal_columns(sys.stdout)))
        else:
            buffer = io.StringIO()
            FORMATS[fmt].render(results, buffer, options)
            try:
                write_text_atomically(Path(dest), buffer.getvalue())
            except OSError as exc:
                fail(f"cannot write {dest}: {exc.strerror or exc}")
    if session.recording is not None:
        try:
            session.recording.write(write_baseline)
        except OSError as exc:
            fail(f"cannot write {write_baseline}: {exc.strerror or exc}")
        click.echo(f"claimcheck: wrote {sum(e.count for e in session.recording.entries.values())} findings "
                   f"to the baseline {write_baseline}", err=True)
    if any(r.error for r in results):
        sys.exit(EXIT_ERROR)
    if write_baseline:
        sys.exit(EXIT_OK)
    sys.exit(EXIT_FINDINGS if any(r.failing for r in results) else EXIT_OK)


def _reports(fmts: tuple[str, ...], outputs: tuple[str, ...]) -> list[tuple[str, str | None]]:
    """Pair formats with destinations from the end: `--format text --format sarif --output
    r.sarif` sends text to standard output and SARIF to r.sarif. One report at most may go to
    standard output (None)."""
    fmts = fmts or ("text",)
    if len(outputs) > len(fmts):
        fail(f"{len(outputs)} --output given for {len(fmts)} --format; give one --format per --output")
    dests: list[str | None] = [None] * (len(fmts) - len(outputs)) + [None if o == "-" else o for o in outputs]
    if dests.count(None) > 1:
        fail("only one report can go to standard output; give each --format an --output FILE")
    return list(zip(fmts, dests))


def _baseline_stats(baseline: Baseline) -> dict:
    return {"hidden": baseline.matched,
            "fixed": [{"path": e.path, "line": e.line, "rule": e.rule, "text": e.text, "count": e.count}
                      for e in baseline.fixed()]}


@main.command("config")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Show this configuration file's settings instead of the one found for PATH.")
@click.option("--isolated", is_flag=True, help="Ignore configuration files.")
def config_command(path, config_file, isolated):
    """Print the effective configuration for PATH (default: the working directory), saying
    which file each value came from. Exit 2 when the configuration is invalid."""
    session = LintSession({}, True, config_file, isolated)
    config = config_or_fail(session, path)
    try:
        session.linter_for(config, config.settings_for(path))
    except RulebookError as exc:
        rulebook_failed(exc)
    except ConfigError as exc:
        fail(f"configuration error: {exc}")
    click.echo(describe(config.settings_for(path)))


@main.command("fix")
@click.argument("paths", nargs=-1)
@click.option("--unsafe", is_flag=True,
              help="Also apply replacements not marked safe, and insert missing warnings.")
@click.option("--diff", "show_diff", is_flag=True,
              help="Print a unified diff of the fixes to standard output and write nothing.")
@click.option("--fail-on", type=click.Choice([*SEVERITY_NAMES, "never"]),
              help="Exit 1 when a finding of this severity or worse remains.  [default: major]")
@click.option("--select", multiple=True, help="Only these rule ids or categories (comma-separated, repeatable).")
@click.option("--ignore", multiple=True, help="Skip these rule ids or categories (comma-separated, repeatable).")
@rules_option
@no_default_option
@input_options
@click.option("--encoding", help="Decode (and write back) files in this encoding (default: BOM, else UTF-8).")
@discovery_options
@click.option("--stdin-filename", help="Name for standard input ('-'); its suffix picks the reader.")
def fix_command(paths, unsafe, show_diff, fail_on, select, ignore, rules, no_default_rules, config_file,
                isolated, html_mode, encoding, exclude, respect_gitignore, stdin_filename):
    """Apply the suggested replacements of rules whose fix is marked safe to PATHS (plain
    text, Markdown and HTML files; directories are walked as by 'lint').

    --unsafe also applies the other replacements and inserts missing warnings (a paragraph
    after the first one mentioning the drug). Every fix is re-linted before it is kept: one
    that leaves its finding or creates another is dropped and reported. Encoding, byte-order
    mark, line endings and file mode are kept; files are replaced atomically and only when
    something changed. A fix whose text crosses markup (*permanent* remission) is skipped.

    '-' reads standard input and writes the fixed text to standard output (reports go to
    standard error). JSONL, WARC and compressed files are not fixed (an error, exit 2).

    Exit codes, on what remains after fixing: 0 nothing at or above --fail-on, 1 findings at
    or above it, 2 a usage, configuration, rulebook or input error.
    """
    from .fix import fix_input, outcome_lines, save, summary_line, unified_diff
    from .documents import DocumentError

    if "-" in paths and len(paths) > 1:
        fail("'-' (standard input) cannot be fixed together with other paths")
    session = start_session(paths, stdin_filename, no_default_rules, config_file, isolated, {
        "fail-on": fail_on, "select": select, "ignore": ignore, "rules": rules, "html-mode": html_mode,
        "encoding": encoding, "exclude": exclude, "respect-gitignore": respect_gitignore,
    })
    to_stdout = "-" in paths
    report_err = show_diff or to_stdout  # standard output carries the diff or the fixed text
    fixes = []
    try:
        for item in session.inputs(list(paths), stdin_filename):
            data = sys.stdin.buffer.read() if item.path is None else None
            fix = fix_input(session, item, unsafe, data, writing=not show_diff and item.path is not None)
            if fix is None:
                continue  # its configuration's problem is already reported
            if not fix.result.error:
                try:
                    if show_diff:
                        click.echo(unified_diff(fix), nl=False)
                    elif item.path is None:
                        sys.stdout.buffer.write(fix.data or b"")
                        sys.stdout.buffer.flush()
                    else:
                        save(fix)
                except DocumentError as exc:
                    fix.failed(exc.reason)
            if fix.result.error:
                click.echo(f"{fix.display}: error: {fix.result.error}", err=report_err)
            for line in outcome_lines(fix, dry_run=show_diff):
                click.echo(line, err=report_err)
            fixes.append(fix)
    except RulebookError as exc:
        rulebook_failed(exc)
    except UsageError as exc:
        fail(str(exc))
    click.echo(summary_line(fixes, dry_run=show_diff), err=report_err)
    if any(f.result.error for f in fixes):
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if any(f.result.failing for f in fixes) else EXIT_OK)


@main.command("eval")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--min-f1", type=click.FloatRange(0, 1), help="Exit 1 when the overall F1 is below this.")
@click.option("--min-category-f1", type=click.FloatRange(0, 1),
              help="Exit 1 when any category's F1 is below this.")
@click.option("--min-page-accuracy", type=click.FloatRange(0, 1),
              help="Exit 1 when the share of pages judged right (overall, or of any kind) is below this.")
@rules_option
@no_default_option
def eval_command(paths, output_format, min_f1, min_category_f1, min_page_accuracy, rules, no_default_rules):
    """Compare findings with the expected ones in sidecars (NAME.expected.yaml, see
    docs/eval.md) under PATHS: precision, recall and F1 per category, per rule and overall,
    then every miss and false alarm. Exit 1 when a --min-* threshold is not met."""
    from .evaluation import evaluate
    from .evaluation.render import render_json, render_text

    linter = load_linter(rules, no_default_rules)
    try:
        ev = evaluate(list(paths), linter)
    except RulebookError as exc:
        for problem in exc.problems:
            click.echo(f"claimcheck: sidecar error: {problem}", err=True)
        sys.exit(EXIT_ERROR)
    (render_json if output_format == "json" else render_text)(ev, sys.stdout)
    below = []
    if min_f1 is not None and ev.overall.f1 < min_f1:
        below.append(f"overall F1 {ev.overall.f1:.2f} < {min_f1:.2f}")
    if min_category_f1 is not None:
        below += [f"{name} F1 {c.f1:.2f} < {min_category_f1:.2f}"
                  for name, c in ev.by_category.items() if c.f1 < min_category_f1]
    if min_page_accuracy is not None:
        below += [f"page accuracy ({name}) {right / n:.2f} < {min_page_accuracy:.2f}"
                  for name, (right, n) in ev.page_accuracy().items() if right / n < min_page_accuracy]
    for reason in below:
        click.echo(f"claimcheck: below threshold: {reason}", err=True)
    sys.exit(EXIT_FINDINGS if below else EXIT_OK)


@main.group()
def rules() -> None:
    """List, show and test the rules of the rulebook."""


@rules.command("list")
@rules_option
@no_default_option
def rules_list(rules, no_default_rules):
    """One line per rule: id, category, severity, pack."""
    linter = load_linter(rules, no_default_rules)
    rows = [(r.id, r.category, str(r.severity), r.pack) for r in linter.compiled.rules]
    widths = [max(len(row[i]) for row in rows + [("id", "category", "severity", "pack")]) for i in range(3)]
    click.echo(f"{'id':<{widths[0]}}  {'category':<{widths[1]}}  {'severity':<{widths[2]}}  pack")
    for row in rows:
        click.echo(f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:<{widths[2]}}  {row[3]}")


@rules.command("show")
@click.argument("rule_id")
@rules_option
@no_default_option
def rules_show(rule_id, rules, no_default_rules):
    """Everything about one rule, its examples included."""
    linter = load_linter(rules, no_default_rules)
    rulebook = linter.compiled.rulebook
    rule = rulebook.rule(rule_id)
    if rule is None:
        fail(f"no rule with id {rule_id!r} (see 'claimcheck rules list')")
    pack = rulebook.pack_of(rule)
    lines = [
        f"{rule.id}",
        f"  category:  {rule.category}",
        f"  severity:  {rule.severity}",
        f"  pack:      {rule.pack} ({rule.where})",
        f"  kind:      {rule.kind}" + (f" ({', '.join(f'{k} {v}' for k, v in rule.options.items())})"
                                     if rule.options else ""),
        f"  message:   {rule.message}",
    ]
    if rule.description:
        lines.append(f"  about:     {rule.description}")
    scope = [g for g in (pack.scope, rule.scope) if g]
    if scope:
        lines.append("  applies to documents mentioning: " + " and ".join(" or ".join(g) for g in scope))
    for part, patterns in rule.spec.items():
        lines.append(f"  {part}:")
        for p in patterns:
            if isinstance(p.value, list):
                lines.append("    - group: " + " | ".join(str(x.value) for x in p.value))
            else:
                lines.append(f"    - {p.value}")
    if rule.suggestion:
        for label, value in (("replacement", rule.suggestion.replacement), ("insert", rule.suggestion.insert),
                             ("advice", rule.suggestion.advice)):
            if value:
                lines.append(f"  {label + ':':<12} {value}")
        if rule.safe_fix:
            lines.append("  safe fix:    " + ("yes" if rule.safe_fix is True else
                                              "for " + ", ".join(f'"{p}"' for p in rule.safe_fix)))
    policy = linter.compiled.policy[rule.id]
    lines.append("  context:   " + ", ".join(f"{t} {e}" for t, e in policy.items()))
    if rule.references:
        lines.append("  references:")
        lines.extend(f"    - {r}" for r in rule.references)
    lines.append("  examples:")
    for ex in rule.examples:
        extra = "".join(f", {k} {v}" for k, v in (("match", ex.match), ("severity", ex.severity)) if v)
        lines.append(f"    {'fire   ' if ex.fires else 'no fire'}  {ex.text}{' (' + extra[2:] + ')' if extra else ''}")
    click.echo("\n".join(lines))


@rules.command("test")
@click.argument("packs", nargs=-1)
@no_default_option
@click.option("-v", "--verbose", is_flag=True, help="List every example, not only failures.")
def rules_test(packs, no_default_rules, verbose):
    """Run every rule's examples: of the whole rulebook, or only of PACKS (pack names, or pack
    files and directories, which may use the bundled concepts). Exit 1 when one misbehaves."""
    from .rulebook import default_rules_dir, pack_files
    from .rulebook.loader import display_path
    from .ruletest import run_examples

    paths = [Path(p) for p in packs if Path(p).exists()]
    names = {p for p in packs if not Path(p).exists()}
    bundled = default_rules_dir().resolve()
    extra = tuple(p for p in paths if no_default_rules or not _inside(p, bundled))
    linter = load_linter(extra, no_default_rules, check_examples=False)
    if packs:
        unknown = sorted(names - {p.name for p in linter.compiled.rulebook.packs})
        if unknown:
            fail(f"no rule pack or file named: {', '.join(unknown)}")
        wanted = {display_path(p) for p in pack_files(paths)}
        selected = [r for r in linter.compiled.rules if r.file in wanted or r.pack in names]
    else:
        selected = linter.compiled.rules
    results = run_examples(linter, selected)
    failures = [r for r in results if not r.ok]
    for r in results:
        if not r.ok:
            click.echo(f"FAIL {r.problem()}")
        elif verbose:
            click.echo(f"ok   {r.rule.id}: {r.example.text!r}: {r.detail}")
    rules_n = len({r.rule.id for r in results})
    click.echo(f"{len(results) - len(failures)} passed, {len(failures)} failed "
               f"({len(results)} examples of {rules_n} rules)")
    sys.exit(EXIT_FINDINGS if failures else EXIT_OK)

