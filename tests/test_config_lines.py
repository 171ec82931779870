"""Configuration errors name the file AND the line (``pyproject.toml:12: …``), for every way
TOML can write a key. Each bad key sits a few lines down, after comments, multi-line strings
and arrays holding ``key = `` text, so that a search for the key's name would find the wrong
line."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from claimcheck.config import ConfigError, KeyLines


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    """Paths in messages print relative to the working directory."""
    monkeypatch.chdir(tmp_path)


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def reported(cli, tmp_path: Path, name: str, text: str) -> str:
    """The error as `claimcheck config` prints it (exit 2), checked to be the one `claimcheck
    lint` reports too."""
    write(tmp_path / name, text)
    write(tmp_path / "a.md", "Nothing to see here.\n")
    shown = cli("config")
    assert shown.code == 2, shown.out
    linted = cli("lint", "a.md", "--color", "never")
    assert linted.code == 2
    messages = [line for line in (shown.out + shown.err).splitlines() if "configuration error: " in line]
    assert len(messages) == 1, shown.out + shown.err  # one problem, one message
    where, detail = messages[0].split("configuration error: ", 1)[1].split(": ", 1)
    assert f"{where}: error: {detail}; the files this configuration governs were not checked" in linted.out
    return messages[0]


# A [project] table whose values hold text that looks like our keys and headers.
PROJECT_TABLE = '''
    [project]
    name = "site"
    description = """
    [tool.claimcheck]
    fail-on = "critical"
    fial-on = 1
    """
    keywords = [
        "health",  # fail-on = "x"
        "fail-on = 'y'",
        'severity.overclaim = "z"',
    ]
    license = \'\'\'
    [[tool.claimcheck.overrides]]
    files = []\'\'\'
'''


def pyproject(rest: str) -> str:
    """PROJECT_TABLE's 15 lines, then ``rest`` from line 16."""
    return textwrap.dedent(PROJECT_TABLE).lstrip("\n") + textwrap.dedent(rest).lstrip("\n")


# --- claimcheck.toml and [tool.claimcheck] ----------------------------------------------


def test_top_level_key_of_claimcheck_toml(cli, tmp_path):
    message = reported(cli, tmp_path, "claimcheck.toml", '''
        # fail-on = "mayor" is what we want? No.
        exclude = [
            "drafts/**",   # fail-on = "comment"
            "fail-on = x",
        ]
        text-field = """
        fail-on = "inside a string"
        """
        fail-on = "mayor"
    ''')
    assert "claimcheck.toml:9: fail-on: 'mayor' is not one of critical, major, minor, info, never" in message


def test_key_of_tool_claimcheck_in_pyproject(cli, tmp_path):
    message = reported(cli, tmp_path, "pyproject.toml", pyproject('''
        [tool.ruff]
        line-length = 99

        [tool.claimcheck]
        # the gate
        fail-on = "minor"
        fial-on = "major"
    '''))
    assert "pyproject.toml:22: [tool.claimcheck] fial-on: unknown key (did you mean 'fail-on'?)" in message


def test_quoted_keys_and_a_quoted_header(cli, tmp_path):
    message = reported(cli, tmp_path, "pyproject.toml", pyproject('''
        [tool . "claimcheck"]  # spaces and quotes name the same table
        "fail-on" = "minor"
        'min-severity' = "never"
    '''))
    assert "pyproject.toml:18: [tool.claimcheck] min-severity: 'never' is not one of critical, major, minor, info" \
        in message


def test_tool_claimcheck_that_is_not_a_table(cli, tmp_path):
    message = reported(cli, tmp_path, "pyproject.toml", pyproject('''
        [tool]
        ruff = { line-length = 99 }
        claimcheck = "on"
    '''))
    assert "pyproject.toml:18: tool.claimcheck: must be a table, not a string" in message


# --- nested keys: inline tables, sub-tables, dotted keys -------------------------------


def test_key_of_an_inline_table_has_the_line_of_the_table(cli, tmp_path):
    message = reported(cli, tmp_path, "claimcheck.toml", '''
        select = [
            "overclaim",
            "dosing",  # severity = { overclaim = "major" }
        ]

        severity = { overclaim = "minor", dosing = "mayor" }
    ''')
    assert "claimcheck.toml:6: severity.dosing: 'mayor' is not one of critical, major, minor, info, off" in message


def test_key_of_a_sub_table_has_its_own_line(cli, tmp_path):
    message = reported(cli, tmp_path, "pyproject.toml", pyproject('''
        [tool.claimcheck]
        fail-on = "minor"

        [tool.claimcheck.severity]
        overclaim = "minor"
        # dosing = "critical"
        dosing = "high"
    '''))
    assert "pyproject.toml:22: [tool.claimcheck] severity.dosing: 'high' is not one of " in message


def test_dotted_keys_at_the_top_of_pyproject(cli, tmp_path):
    message = reported(cli, tmp_path, "pyproject.toml", '''
        # claimcheck's settings, before any table
        tool.claimcheck.exclude = [
            "drafts/**",
            "tool.claimcheck.fail-on = 1",
        ]
        tool.claimcheck.fail-on = "mayor"

        [project]
        name = "site"
    ''')
    assert "pyproject.toml:6: [tool.claimcheck] fail-on: 'mayor' is not one of " in message


def test_dotted_keys_inside_the_table(cli, tmp_path):
    message = reported(cli, tmp_path, "pyproject.toml", pyproject('''
        [tool.claimcheck]
        severity.overclaim = "minor"
        severity . "dosing" = "mayor"
    '''))
    assert "pyproject.toml:18: [tool.claimcheck] severity.dosing: 'mayor' is not one of " in message


# --- arrays of tables: the Nth [[overrides]] ------------------------------------------


def test_key_of_the_second_override_of_claimcheck_toml(cli, tmp_path):
    message = reported(cli, tmp_path, "claimcheck.toml", '''
        fail-on = "major"

        [[overrides]]
        files = ["content/news/**"]
        fail-on = "minor"

        [[overrides]]
        files = [
            "content/drugs/**",
        ]
        fail-on = "worst"
    ''')
    assert "claimcheck.toml:11: overrides[1].fail-on: 'worst' is not one of " in message


def test_sub_table_of_an_override(cli, tmp_path):
    message = reported(cli, tmp_path, "claimcheck.toml", '''
        [[overrides]]
        files = ["a/**"]
        [overrides.severity]
        dosing = "minor"

        [[overrides]]
        files = ["b/**"]
        [overrides.severity]
        overclaim = "minor"
        dosing = "high"
    ''')
    assert "claimcheck.toml:10: overrides[1].severity.dosing: 'high' is not one of " in message


def test_override_without_files_has_the_line_of_its_header(cli, tmp_path):
    message = reported(cli, tmp_path, "pyproject.toml", pyproject('''
        [tool.claimcheck]
        fail-on = "major"

        [[tool.claimcheck.overrides]]
        files = ["a/**"]
        fail-on = "minor"

        [[tool.claimcheck.overrides]]
        # forgot files
        fail-on = "minor"
    '''))
    assert ("pyproject.toml:23: [tool.claimcheck] overrides[1]: missing required key 'files'"
            in message)


# --- errors found after loading: rule ids, packs, rule files ----------------------------


def test_unknown_rule_id_in_a_multi_line_select(cli, tmp_path):
    message = reported(cli, tmp_path, "claimcheck.toml", '''
        # only these
        packs = ["core"]
        select = [
            "overclaim",
            "overclaimm",
        ]
    ''')
    assert "claimcheck.toml:3: select: unknown rule id or category: 'overclaimm' (did you mean 'overclaim'?)" \
        in message


def test_unknown_category_in_a_severity_sub_table_points_at_it(cli, tmp_path):
    message = reported(cli, tmp_path, "pyproject.toml", pyproject('''
        [tool.claimcheck.severity]
        overclaim = "minor"
        dossing = "major"
    '''))
    assert "pyproject.toml:18: [tool.claimcheck] severity: unknown rule id or category: 'dossing'" in message


def test_unknown_category_in_an_override(cli, tmp_path):
    message = reported(cli, tmp_path, "claimcheck.toml", '''
        [[overrides]]
        files = ["a/**"]

        [[overrides]]
        files = ["b/**"]
        ignore = ["overclaim"]
        severity = { dossing = "minor" }
    ''')
    assert "claimcheck.toml:7: overrides[1].severity: unknown rule id or category: 'dossing'" in message


def test_unknown_pack(cli, tmp_path):
    message = reported(cli, tmp_path, "pyproject.toml", pyproject('''
        [tool.claimcheck]
        fail-on = "major"
        packs = ["core", "isotretinion"]
    '''))
    assert "pyproject.toml:18: [tool.claimcheck] packs: unknown pack: 'isotretinion' (did you mean 'isotretinoin'?)" \
        in message


def test_missing_rule_file(cli, tmp_path):
    message = reported(cli, tmp_path, "claimcheck.toml", '''
        fail-on = "major"
        # our own rules
        rules = [
            "rules/house.yaml",
        ]
    ''')
    assert "claimcheck.toml:3: rules: no such rule file or directory: rules/house.yaml" in message


# --- invalid TOML -----------------------------------------------------------------------


def test_invalid_toml_names_its_line(cli, tmp_path):
    message = reported(cli, tmp_path, "claimcheck.toml", '''
        exclude = [
            "drafts/**",
        ]
        fail-on = = "minor"
    ''')
    assert message.endswith("claimcheck.toml:4: invalid TOML: Invalid value (at column 11)")


def test_invalid_pyproject_met_during_discovery_names_its_line(cli, tmp_path):
    message = reported(cli, tmp_path, "pyproject.toml", pyproject('''
        [tool.claimcheck
        fail-on = "minor"
    '''))
    assert "pyproject.toml:16: invalid TOML: Expected ']' at the end of a table declaration (at column 17)" \
        in message


def test_invalid_toml_at_the_end_of_the_document(cli, tmp_path):
    message = reported(cli, tmp_path, "claimcheck.toml", 'fail-on = "minor"\nexclude = [\n  "a",\n')
    assert "claimcheck.toml:3: invalid TOML: " in message
    assert message.endswith("(at end of document)")


# --- the pieces -------------------------------------------------------------------------


def test_config_error_without_a_line_reads_as_before():
    assert str(ConfigError("claimcheck.toml", "fail-on", "bad")) == "claimcheck.toml: fail-on: bad"
    assert str(ConfigError("claimcheck.toml", None, "bad")) == "claimcheck.toml: bad"
    error = ConfigError("pyproject.toml", "[tool.claimcheck] fail-on", "bad", line=7)
    assert str(error) == "pyproject.toml:7: [tool.claimcheck] fail-on: bad"
    assert (error.file, error.key, error.message, error.line) == \
        ("pyproject.toml", "[tool.claimcheck] fail-on", "bad", 7)


@pytest.mark.parametrize("text", ['a = "open\n', "[a\nb = 1\n", "= 1\n", 'a = """\nb = 1\n', "a.\n"])
def test_the_locator_says_none_rather_than_raise(text):
    assert KeyLines(text).line(("b",)) is None


def test_the_locator_decodes_escaped_keys():
    lines = KeyLines('[a]\n"k\\u0041\\"" = 1\n\'lit\\n\' = 2\n')
    assert lines.line(("a", 'kA"')) == 2
    assert lines.line(("a", "lit\\n")) == 3
