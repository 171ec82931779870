"""claimcheck.config: discovery, precedence, per-glob overrides, exclude, errors, describe."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from claimcheck.config import (
    COMMAND_LINE,
    DEFAULT,
    Config,
    ConfigCache,
    ConfigError,
    Settings,
    describe,
    find_config,
)

RULE_IDS = {"ISO-PERMANENT-CURE", "CORE-BUY-ONLINE"}
CATEGORIES = {"overclaim", "dosing", "unsafe-sourcing"}
PACKS = {"core", "isotretinoin", "glp1", "finasteride"}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(ConfigError) as info:
        Config.load(path)
    return str(info.value)


def load_error(tmp_path: Path, text: str, name: str = "claimcheck.toml") -> str:
    return error_of(write(tmp_path / name, text))


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    """Every test runs in its own directory, so messages show paths relative to it."""
    monkeypatch.chdir(tmp_path)


STRICT_DRUGS = """
    fail-on = "major"
    severity = { ISO-PERMANENT-CURE = "minor" }
    exclude = ["drafts/**", "*.tmp.md"]

    [[overrides]]
    files = ["content/drugs/**"]
    fail-on = "minor"
    severity = { dosing = "critical" }
"""


# --- discovery --------------------------------------------------------------------------


def test_closest_file_wins(tmp_path):
    write(tmp_path / "claimcheck.toml", "")
    inner = write(tmp_path / "content" / "claimcheck.toml", "")
    (tmp_path / "content" / "drugs").mkdir()
    assert find_config(tmp_path / "content" / "drugs") == inner
    assert find_config(tmp_path) == tmp_path / "claimcheck.toml"


def test_claimcheck_toml_beats_pyproject_in_the_same_directory(tmp_path):
    write(tmp_path / "pyproject.toml", "[tool.claimcheck]\nfail-on = 'minor'\n")
    own = write(tmp_path / "claimcheck.toml", "")
    assert find_config(tmp_path) == own


def test_pyproject_with_the_table_counts(tmp_path):
    pyproject = write(tmp_path / "a" / "pyproject.toml", "[tool.claimcheck]\n")
    write(tmp_path / "claimcheck.toml", "")
    assert find_config(tmp_path / "a") == pyproject


def test_pyproject_without_the_table_is_skipped(tmp_path):
    own = write(tmp_path / "claimcheck.toml", "")
    write(tmp_path / "a" / "pyproject.toml", "[project]\nname = 'x'\n[tool.ruff]\nline-length = 99\n")
    assert find_config(tmp_path / "a") == own


def test_search_from_a_file_starts_at_its_directory(tmp_path):
    own = write(tmp_path / "a" / "claimcheck.toml", "")
    article = write(tmp_path / "a" / "b" / "post.md", "text")
    assert find_config(article) == own


def test_no_file_anywhere_up_to_the_root(tmp_path):
    (tmp_path / "a").mkdir()
    if find_config(tmp_path.parent) is not None:
        pytest.skip("a configuration file above the temporary directory")
    assert find_config(tmp_path / "a") is None


def test_invalid_pyproject_met_during_discovery_is_an_error(tmp_path):
    write(tmp_path / "pyproject.toml", "[tool.claimcheck\n")
    with pytest.raises(ConfigError, match=r"^pyproject.toml:1: invalid TOML: "):
        find_config(tmp_path)


def test_cache_shares_one_config_per_file_found(tmp_path):
    write(tmp_path / "claimcheck.toml", "fail-on = 'minor'\n")
    write(tmp_path / "content" / "drugs" / "a.md", "x")
    write(tmp_path / "content" / "b.md", "x")
    cache = ConfigCache()
    first = cache.for_path(tmp_path / "content" / "drugs" / "a.md")
    assert cache.for_path(tmp_path / "content" / "b.md") is first
    assert cache.for_path(Path("content")) is first
    assert cache.for_path(None) is first  # standard input: the working directory's
    assert first.path == tmp_path / "claimcheck.toml"
    assert first.root == tmp_path


def test_cache_explicit_file_is_used_as_given(tmp_path):
    write(tmp_path / "claimcheck.toml", "")
    other = write(tmp_path / "ci" / "strict.toml", "fail-on = 'info'\n")
    config = ConfigCache().explicit(Path("ci/strict.toml"))
    assert config.path == other
    assert config.root == tmp_path / "ci"
    assert config.settings_for(None, {}).fail_on == "info"


def test_no_file_means_defaults_rooted_at_the_working_directory(tmp_path):
    config = Config.load(None)
    assert config.path is None and config.root == tmp_path
    assert config.settings_for(tmp_path / "a.md", {}) == Settings()


# --- precedence -------------------------------------------------------------------------


def test_defaults(tmp_path):
    settings = Config.load(write(tmp_path / "claimcheck.toml", "")).settings_for(tmp_path / "a.md", {})
    assert (settings.packs, settings.rules, settings.select, settings.ignore, settings.severity) == \
        (None, (), frozenset(), frozenset(), {})
    assert (settings.fail_on, settings.min_severity, settings.html_mode) == ("major", "info", "main")
    assert (settings.encoding, settings.encoding_errors) == (None, "strict")
    assert (settings.text_field, settings.id_field) == ("text", None)
    assert settings.exclude == () and settings.respect_gitignore is True
    assert set(settings.origin.values()) == {DEFAULT}


def test_file_values_are_read_and_typed(tmp_path):
    (tmp_path / "rules" / "local").mkdir(parents=True)
    config = Config.load(write(tmp_path / "claimcheck.toml", """
        packs = ["core", "isotretinoin"]
        rules = ["rules/local"]
        select = ["overclaim", "dosing"]
        ignore = ["ISO-PERMANENT-CURE"]
        min-severity = "minor"
        respect-gitignore = false
        html-mode = "all"
        encoding = "latin-1"
        encoding-errors = "replace"
        text-field = "body"
        id-field = "url"
    """))
    s = config.settings_for(tmp_path / "a.md", {})
    assert s.packs == ("core", "isotretinoin")
    assert s.rules == (tmp_path / "rules" / "local",)
    assert s.select == frozenset({"overclaim", "dosing"}) and s.ignore == frozenset({"ISO-PERMANENT-CURE"})
    assert (s.min_severity, s.respect_gitignore, s.html_mode) == ("minor", False, "all")
    assert (s.encoding, s.encoding_errors, s.text_field, s.id_field) == ("latin-1", "replace", "body", "url")
    assert s.origin["packs"] == "claimcheck.toml" and s.origin["fail-on"] == DEFAULT


def test_rules_are_relative_to_the_config_directory_not_the_working_one(tmp_path, monkeypatch):
    (tmp_path / "site" / "rules").mkdir(parents=True)
    write(tmp_path / "site" / "claimcheck.toml", 'rules = ["rules"]\n')
    monkeypatch.chdir(tmp_path / "site" / "rules")
    config = ConfigCache().for_path(Path("."))
    assert config.settings_for(None, {}).rules == (tmp_path / "site" / "rules",)


def test_command_line_beats_file_and_overrides(tmp_path):
    config = Config.load(write(tmp_path / "claimcheck.toml", 'select = ["overclaim"]\n' + textwrap.dedent(STRICT_DRUGS)))
    cli = {"fail-on": "never", "select": {"dosing"}, "rules": [Path("x.yaml")], "packs": ["core"]}
    s = config.settings_for(tmp_path / "content" / "drugs" / "a.md", cli)
    assert s.fail_on == "never" and s.origin["fail-on"] == COMMAND_LINE
    assert s.select == frozenset({"dosing"}) and s.origin["select"] == COMMAND_LINE  # replaced, not added
    assert s.rules == (tmp_path / "x.yaml",) and s.packs == ("core",)
    assert s.severity == {"ISO-PERMANENT-CURE": "minor", "dosing": "critical"}


def test_command_line_none_means_not_given_and_unknown_keys_are_a_bug(tmp_path):
    config = Config.load(write(tmp_path / "claimcheck.toml", "fail-on = 'minor'\n"))
    assert config.settings_for(None, {"fail-on": None}).fail_on == "minor"
    with pytest.raises(ValueError, match="fail_on"):
        config.settings_for(None, {"fail_on": "info"})


# --- per-glob overrides -----------------------------------------------------------------


def test_override_applies_under_its_glob_only(tmp_path):
    config = Config.load(write(tmp_path / "claimcheck.toml", STRICT_DRUGS))
    drug = config.settings_for(tmp_path / "content" / "drugs" / "isotretinoin.md", {})
    assert drug.fail_on == "minor"
    assert drug.severity == {"ISO-PERMANENT-CURE": "minor", "dosing": "critical"}
    assert drug.origin["fail-on"] == "claimcheck.toml overrides[0]"
    assert drug.origin["severity"] == "claimcheck.toml, claimcheck.toml overrides[0]"
    other = config.settings_for(tmp_path / "content" / "news" / "a.md", {})
    assert other.fail_on == "major" and other.severity == {"ISO-PERMANENT-CURE": "minor"}
    assert other.origin["fail-on"] == "claimcheck.toml"


def test_override_globs_take_relative_paths_from_the_working_directory(tmp_path):
    config = Config.load(write(tmp_path / "claimcheck.toml", STRICT_DRUGS))
    assert config.settings_for(Path("content/drugs/a.md"), {}).fail_on == "minor"


def test_standard_input_gets_no_override(tmp_path):
    config = Config.load(write(tmp_path / "claimcheck.toml", STRICT_DRUGS))
    assert config.settings_for(None, {}).fail_on == "major"


def test_every_matching_override_applies_in_order(tmp_path):
    config = Config.load(write(tmp_path / "claimcheck.toml", """
        [[overrides]]
        files = ["content/**"]
        select = ["overclaim"]
        min-severity = "minor"
        severity = { dosing = "minor", overclaim = "info" }

        [[overrides]]
        files = ["*.md"]
        ignore = ["ISO-PERMANENT-CURE"]
        severity = { dosing = "critical" }

        [[overrides]]
        files = ["content/drugs/"]
        select = ["dosing"]
    """))
    s = config.settings_for(tmp_path / "content" / "drugs" / "a.md", {})
    assert s.select == frozenset({"dosing"}) and s.origin["select"] == "claimcheck.toml overrides[2]"
    assert s.ignore == frozenset({"ISO-PERMANENT-CURE"}) and s.min_severity == "minor"
    assert s.severity == {"dosing": "critical", "overclaim": "info"}
    assert s.origin["severity"] == "claimcheck.toml overrides[0], claimcheck.toml overrides[1]"
    assert config.settings_for(tmp_path / "content" / "a.txt", {}).select == frozenset({"overclaim"})


def test_pyproject_table_and_its_overrides(tmp_path):
    config = Config.load(write(tmp_path / "pyproject.toml", """
        [project]
        name = "site"

        [tool.claimcheck]
        fail-on = "critical"

        [[tool.claimcheck.overrides]]
        files = ["drugs/**"]
        fail-on = "info"
    """))
    assert config.settings_for(tmp_path / "a.md", {}).origin["fail-on"] == "pyproject.toml"
    s = config.settings_for(tmp_path / "drugs" / "a.md", {})
    assert s.fail_on == "info" and s.origin["fail-on"] == "pyproject.toml overrides[0]"


# --- rule selection helpers -------------------------------------------------------------


def test_rule_id_severity_beats_category_and_off_ignores():
    s = Settings(severity={"ISO-PERMANENT-CURE": "minor", "overclaim": "off"})
    assert s.severity_for("ISO-PERMANENT-CURE", "overclaim") == "minor"
    assert s.severity_for("CORE-CURE", "overclaim") == "off"
    assert s.severity_for("CORE-BUY-ONLINE", "unsafe-sourcing") is None
    assert s.allows("ISO-PERMANENT-CURE", "overclaim") and not s.allows("CORE-CURE", "overclaim")
    assert not Settings(select=frozenset({"dosing"})).allows("CORE-CURE", "overclaim")
    assert not Settings(ignore=frozenset({"CORE-CURE"})).allows("CORE-CURE", "overclaim")


# --- exclude ----------------------------------------------------------------------------


def test_exclude_globs_are_relative_to_the_config_directory(tmp_path):
    config = Config.load(write(tmp_path / "site" / "claimcheck.toml", STRICT_DRUGS))
    site = tmp_path / "site"
    assert config.excludes(site / "drafts" / "a.md")
    assert config.excludes(site / "drafts" / "deep" / "b.md")
    assert config.excludes(site / "content" / "c.tmp.md")
    assert not config.excludes(site / "content" / "drafts.md")
    assert not config.excludes(site / "content" / "drafts" / "a.md")  # drafts/** is anchored
    assert not config.excludes(tmp_path / "drafts" / "a.md")  # outside the configuration's tree
    assert config.excludes(Path("site/drafts/a.md"))


def test_exclude_matches_directories_with_a_slash_pattern(tmp_path):
    config = Config.load(write(tmp_path / "claimcheck.toml", 'exclude = ["build/"]\n'))
    (tmp_path / "build").mkdir()
    assert config.excludes(tmp_path / "build")
    assert config.excludes(tmp_path / "build" / "a.md")
    assert not config.excludes(tmp_path / "build.md")


def test_command_line_exclude_replaces_the_files(tmp_path):
    config = Config.load(write(tmp_path / "site" / "claimcheck.toml", STRICT_DRUGS))
    assert not config.excludes(tmp_path / "site" / "drafts" / "a.md", cli=["old/**"])
    assert config.excludes(tmp_path / "site" / "old" / "a.md", cli=["site/old/**"])  # cwd-relative


# --- errors -----------------------------------------------------------------------------


def test_invalid_toml_names_the_line(tmp_path):
    message = load_error(tmp_path, 'packs = ["core"]\nfail-on = = "minor"\n')
    assert message == "claimcheck.toml:2: invalid TOML: Invalid value (at column 11)"


def test_unknown_key_suggests_the_near_one(tmp_path):
    assert load_error(tmp_path, 'fail_on = "minor"\n') == \
        "claimcheck.toml:1: fail_on: unknown key (did you mean 'fail-on'?)"
    assert load_error(tmp_path, 'serverity = {}\n') == \
        "claimcheck.toml:1: serverity: unknown key (did you mean 'severity'?)"


def test_unknown_key_without_a_near_one_lists_the_keys(tmp_path):
    assert load_error(tmp_path, "colour = 1\n") == (
        "claimcheck.toml:1: colour: unknown key (known keys: packs, rules, select, ignore, severity, "
        "fail-on, min-severity, exclude, respect-gitignore, html-mode, encoding, encoding-errors, "
        "text-field, id-field, overrides)")


def test_bad_enumerated_value_in_pyproject(tmp_path):
    message = load_error(tmp_path, '[tool.claimcheck]\nfail-on = "mayor"\n', "pyproject.toml")
    assert message == ("pyproject.toml:2: [tool.claimcheck] fail-on: "
                       "'mayor' is not one of critical, major, minor, info, never")


@pytest.mark.parametrize("text, message", [
    ('select = "overclaim"\n', "select: must be an array of strings, not a string"),
    ('ignore = ["dosing", 3]\n', "ignore: must be an array of strings, but item 2 is an integer"),
    ('exclude = ["drafts/**", " "]\n', "exclude: item 2 is an empty string"),
    ("respect-gitignore = 'yes'\n", "respect-gitignore: must be true or false, not a string"),
    ("fail-on = 3\n", "fail-on: must be a string, not an integer"),
    ('min-severity = "never"\n', "min-severity: 'never' is not one of critical, major, minor, info"),
    ('html-mode = "body"\n', "html-mode: 'body' is not one of main, all"),
    ('encoding = "latin-9000"\n', "encoding: unknown encoding 'latin-9000'"),
    ('encoding-errors = "ignore"\n', "encoding-errors: 'ignore' is not one of strict, replace"),
    ('text-field = ""\n', "text-field: must not be empty"),
    ("id-field = [1]\n", "id-field: must be a string, not an array"),
    ('severity = ["overclaim"]\n', 'severity: must be a table of rule ids or categories to severities '
                                   '(e.g. { overclaim = "minor" }), not an array'),
    ('severity = { overclaim = "mayor" }\n',
     "severity.overclaim: 'mayor' is not one of critical, major, minor, info, off"),
    ('severity = { "odd key" = 1 }\n', 'severity."odd key": must be a string, not an integer'),
    ('rules = ["missing"]\n', "rules: no such rule file or directory: missing"),
    ('exclude = ["!"]\n', "exclude: invalid glob '!'"),
    ('overrides = { files = ["a"] }\n', "overrides: must be an array of tables ([[overrides]]), not a table"),
    ("overrides = [1]\n", "overrides: must be an array of tables ([[overrides]]), but item 1 is an integer"),
])
def test_wrong_types_and_values(tmp_path, text, message):
    assert load_error(tmp_path, text) == f"claimcheck.toml:1: {message}"


@pytest.mark.parametrize("body, message", [
    ('fail-on = "minor"\n', "1: overrides[0]: missing required key 'files' (globs of the files it applies to)"),
    ("files = []\n", "2: overrides[0].files: must list at least one glob"),
    ('files = "drugs/**"\n', "2: overrides[0].files: must be an array of strings, not a string"),
    ('files = ["a"]\npacks = ["core"]\n', "3: overrides[0].packs: cannot be set per file (an override may set "
                                         "files, select, ignore, severity, fail-on, min-severity)"),
    ('files = ["a"]\nfile = ["b"]\n', "3: overrides[0].file: unknown key (did you mean 'files'?)"),
    ('files = ["a"]\nseverity = { dosing = "high" }\n',
     "3: overrides[0].severity.dosing: 'high' is not one of critical, major, minor, info, off"),
])
def test_override_errors(tmp_path, body, message):
    assert load_error(tmp_path, "[[overrides]]\n" + body) == f"claimcheck.toml:{message}"


def test_override_error_in_pyproject_names_the_table(tmp_path):
    text = '[tool.claimcheck]\n[[tool.claimcheck.overrides]]\nfiles = ["a"]\nfail-on = "worst"\n'
    assert load_error(tmp_path, text, "pyproject.toml") == (
        "pyproject.toml:4: [tool.claimcheck] overrides[0].fail-on: "
        "'worst' is not one of critical, major, minor, info, never")


def test_pyproject_with_a_non_table_tool_claimcheck(tmp_path):
    assert load_error(tmp_path, '[tool]\nclaimcheck = "on"\n', "pyproject.toml") == \
        "pyproject.toml:2: tool.claimcheck: must be a table, not a string"


def test_explicit_pyproject_without_the_table_or_a_missing_file(tmp_path):
    assert load_error(tmp_path, "[project]\n", "pyproject.toml") == "pyproject.toml: no [tool.claimcheck] table"
    assert error_of(tmp_path / "nowhere.toml") == "nowhere.toml: no such configuration file"


def test_paths_in_messages_are_relative_to_the_working_directory(tmp_path, monkeypatch):
    path = write(tmp_path / "site" / "content" / "claimcheck.toml", "fail_on = 1\n")
    assert error_of(path).startswith("site/content/claimcheck.toml:1: fail_on: ")
    monkeypatch.chdir(tmp_path / "site" / "content")
    assert error_of(path).startswith("claimcheck.toml:1: fail_on: ")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert error_of(path).startswith(f"{path}:1: fail_on: ")  # outside: as given


# --- check_names ------------------------------------------------------------------------


def checked(tmp_path: Path, text: str) -> str | None:
    config = Config.load(write(tmp_path / "claimcheck.toml", text))
    try:
        config.check_names(RULE_IDS, CATEGORIES, PACKS)
    except ConfigError as exc:
        return str(exc)
    return None


def test_known_names_pass(tmp_path):
    top = 'packs = ["core"]\nselect = ["overclaim", "CORE-BUY-ONLINE"]\n'
    assert checked(tmp_path, top + textwrap.dedent(STRICT_DRUGS)) is None


def test_unknown_rule_in_select_with_suggestion(tmp_path):
    assert checked(tmp_path, 'select = ["ISO-PERMANET-CURE"]\n') == (
        "claimcheck.toml:1: select: unknown rule id or category: "
        "'ISO-PERMANET-CURE' (did you mean 'ISO-PERMANENT-CURE'?)")


def test_unknown_names_are_listed_together_and_case_is_forgiven_in_suggestions(tmp_path):
    assert checked(tmp_path, 'ignore = ["iso-permanent-cure", "zzz"]\n') == (
        "claimcheck.toml:1: ignore: unknown rule ids or categories: "
        "'iso-permanent-cure' (did you mean 'ISO-PERMANENT-CURE'?), 'zzz'")


def test_unknown_category_in_an_override_severity(tmp_path):
    text = '[[overrides]]\nfiles = ["a"]\nseverity = { dossing = "minor" }\n'
    assert checked(tmp_path, text) == (
        "claimcheck.toml:3: overrides[0].severity: unknown rule id or category: 'dossing' (did you mean 'dosing'?)")


def test_unknown_pack(tmp_path):
    assert checked(tmp_path, 'packs = ["core", "isotretinion"]\n') == (
        "claimcheck.toml:1: packs: unknown pack: 'isotretinion' (did you mean 'isotretinoin'?); "
        "the packs are: core, finasteride, glp1, isotretinoin")


# --- describe ---------------------------------------------------------------------------


def test_describe_shows_every_key_with_its_origin(tmp_path):
    (tmp_path / "content" / "rules").mkdir(parents=True)
    config = Config.load(write(tmp_path / "content" / "claimcheck.toml", """
        packs = ["core", "isotretinoin"]
        rules = ["rules"]
        select = ["overclaim", "dosing"]
        severity = { ISO-PERMANENT-CURE = "minor", overclaim = "off" }
        exclude = ["drafts/**"]
        text-field = "body"

        [[overrides]]
        files = ["drugs/**"]
        fail-on = "minor"
        severity = { dosing = "critical" }
    """))
    settings = config.settings_for(tmp_path / "content" / "drugs" / "a.md",
                                   {"min-severity": "major", "respect-gitignore": False})
    assert describe(settings) == textwrap.dedent("""\
        # configuration file: content/claimcheck.toml
        packs = ["core", "isotretinoin"]  # from content/claimcheck.toml
        rules = ["rules"]  # from content/claimcheck.toml
        select = ["dosing", "overclaim"]  # from content/claimcheck.toml
        ignore = []  # from default
        severity = { ISO-PERMANENT-CURE = "minor", dosing = "critical", overclaim = "off" }  # from content/claimcheck.toml, content/claimcheck.toml overrides[0]
        fail-on = "minor"  # from content/claimcheck.toml overrides[0]
        min-severity = "major"  # from command line
        exclude = ["drafts/**"]  # from content/claimcheck.toml
        respect-gitignore = false  # from command line
        html-mode = "main"  # from default
        # encoding = (a byte-order mark, else UTF-8)  # from default
        encoding-errors = "strict"  # from default
        text-field = "body"  # from content/claimcheck.toml
        # id-field = ("id", else "url")  # from default""")


def test_describe_without_a_file(tmp_path):
    lines = describe(Config.load(None).settings_for(None, {"select": ["dosing"]})).splitlines()
    assert lines[0] == "# no configuration file found; defaults"
    assert lines[1] == "# packs = (all bundled packs)  # from default"
    assert 'select = ["dosing"]  # from command line' in lines
    assert 'severity = {}  # from default' in lines
