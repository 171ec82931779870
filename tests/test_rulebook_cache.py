"""The cache of compiled objects on disk (claimcheck/nlp/disk_cache.py), driven through real
`claimcheck lint` processes: a second process reads the entry and finds the same; an edited
pack, a damaged entry, an unwritable or switched-off cache all still give the right findings."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from claimcheck.nlp import disk_cache

from conftest import ROOT

PACK = ("pack: extra\nrules:\n  - id: sunburn-word\n    category: sensational\n    severity: minor\n"
        "    message: {message}\n    match: [sunburn]\n"
        "    examples: {{fire: [Sunburn hurts.], no_fire: [Shade helps.]}}\n")
OLD = 1_000_000_000  # a modification time long past (2001), in seconds


@pytest.fixture
def work(tmp_path):
    (tmp_path / "draft.txt").write_text("A sunburn is no miracle.\n", encoding="utf-8")
    (tmp_path / "pack.yaml").write_text(PACK.format(message="Says sunburn."), encoding="utf-8")
    (tmp_path / "cache").mkdir()
    return tmp_path


def lint(work, *args, cache=None):
    env = {**os.environ, "CLAIMCHECK_CACHE_DIR": str(work / "cache") if cache is None else cache}
    proc = subprocess.run([sys.executable, "-m", "claimcheck", "lint", "--format", "json", *args],
                          capture_output=True, text=True, env=env, cwd=work)
    assert proc.returncode in (0, 1), proc.stderr
    return [(f["rule"], f["message"], f["line"], f["column"]) for f in json.loads(proc.stdout)["files"][0]["findings"]]


def entries(work, kind="rulebook"):
    """The cache's entries of one kind (the context cues have one too)."""
    return sorted((work / "cache").glob(f"{kind}-*{disk_cache.SUFFIX}"))


def small(work, *args, **kw):
    return lint(work, "draft.txt", "--no-default-rules", "--rules", "pack.yaml", *args, **kw)


def test_a_second_process_reads_the_entry_and_finds_the_same(work):
    first = small(work)
    assert first == [("sunburn-word", "Says sunburn.", 1, 3)]
    (entry,) = entries(work)
    os.utime(entry, (OLD, OLD))
    assert small(work) == first
    assert entry.stat().st_mtime == OLD  # read, not compiled and written again
    assert entries(work) == [entry]


def test_the_bundled_rulebook_gives_the_same_findings_from_the_cache(work):
    corpus = sorted(str(p) for p in (ROOT / "corpus").glob("*.txt"))[:6]
    compiled = lint(work, *corpus)
    (entry,), (cues,) = entries(work), entries(work, "context")
    os.utime(entry, (OLD, OLD))
    os.utime(cues, (OLD, OLD))
    assert lint(work, *corpus) == compiled and compiled
    assert entry.stat().st_mtime == OLD and cues.stat().st_mtime == OLD


def test_an_edited_pack_is_compiled_again(work):
    assert small(work)[0][1] == "Says sunburn."
    (work / "pack.yaml").write_text(PACK.format(message="Says sunburn!"), encoding="utf-8")
    assert small(work)[0][1] == "Says sunburn!"
    assert len(entries(work)) == 2


def test_a_damaged_entry_is_compiled_again_and_replaced(work):
    first = small(work)
    (entry,) = entries(work)
    entry.write_bytes(b"not a pickle")
    assert small(work) == first
    assert entry.read_bytes() != b"not a pickle"
    assert small(work) == first


@pytest.mark.parametrize("cache", ["off", "file"])
def test_a_cache_switched_off_or_unwritable_is_left_alone(work, cache):
    if cache == "file":
        (work / "not-a-dir").write_text("x", encoding="utf-8")
        cache = str(work / "not-a-dir" / "cache")
    assert small(work, cache=cache) == [("sunburn-word", "Says sunburn.", 1, 3)]
    assert list((work / "cache").iterdir()) == []
    assert sorted(p.name for p in work.iterdir()) == sorted(
        ["cache", "draft.txt", "pack.yaml"] + (["not-a-dir"] if cache != "off" else []))
    if cache != "off":
        assert (work / "not-a-dir").read_text(encoding="utf-8") == "x"


def test_only_the_newest_entries_are_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAIMCHECK_CACHE_DIR", str(tmp_path))
    for n in range(disk_cache.KEEP + 3):
        assert disk_cache.save(f"k{n}", {"n": n})
        os.utime(tmp_path / f"k{n}{disk_cache.SUFFIX}", (OLD + n, OLD + n))
    kept = sorted(p.name for p in tmp_path.glob(f"*{disk_cache.SUFFIX}"))
    assert kept == sorted(f"k{n}{disk_cache.SUFFIX}" for n in range(3, disk_cache.KEEP + 3))


def test_an_entry_name_changes_with_claimcheck_own_files_and_what_it_depends_on(tmp_path, monkeypatch):
    """Never stale: an edited source file of claimcheck (its size or modification time), other
    pack bytes or another path shown give another entry."""
    package = tmp_path / "package"
    package.mkdir()
    source = package / "engine.py"
    source.write_text("x = 1\n", encoding="utf-8")
    pack = tmp_path / "pack.yaml"
    pack.write_text(PACK.format(message="Says sunburn."), encoding="utf-8")
    monkeypatch.setattr(disk_cache, "PACKAGE", package)
    names = []

    def name(*parts):
        disk_cache._code.cache_clear()
        names.append(disk_cache.entry_key("rulebook", *parts, files=[pack]))

    try:
        name(True, ["pack.yaml"])
        name(True, ["pack.yaml"])
        os.utime(source, (OLD, OLD))
        name(True, ["pack.yaml"])
        source.write_text("x = 22\n", encoding="utf-8")
        name(True, ["pack.yaml"])
        pack.write_text(PACK.format(message="Says sunburn!"), encoding="utf-8")
        name(True, ["pack.yaml"])
        name(True, [str(pack)])
    finally:
        disk_cache._code.cache_clear()
    assert names[0] == names[1] and len(set(names)) == 5


def test_a_drug_packs_matcher_is_read_from_the_entry_only_when_a_page_names_the_drug(tmp_path, monkeypatch):
    """The scoped matchers stay pickled in a loaded entry (disk_cache.Deferred) until a document
    mentions their scope, and then find what the freshly compiled rulebook finds."""
    from claimcheck import text_document
    from claimcheck.api import _compile, rule_paths
    from claimcheck.nlp import get_nlp

    monkeypatch.setenv("CLAIMCHECK_CACHE_DIR", str(tmp_path))
    compiled = _compile(rule_paths(), True, False)  # compiles, and writes the entry
    loaded = _compile(rule_paths(), True, False)  # reads it
    assert loaded.compiled is not compiled.compiled
    pending = [d for _, d in loaded.compiled.scoped if d._data is not None]
    assert pending and len(pending) == len(loaded.compiled.scoped)  # none read yet
    assert loaded.lint(text_document("Sunscreen lowers the risk of sunburn.\n", "a.txt")) == []
    assert all(d._data is not None for d in pending)  # a page naming no drug read none of them
    spam = "Buy Accutane online without a prescription. It gives permanent remission.\n"
    found = [(f.rule, f.position.column) for f in loaded.lint(text_document(spam, "b.txt"))]
    assert found == [(f.rule, f.position.column) for f in compiled.lint(text_document(spam, "b.txt"))]
    assert any(rule.startswith("isotretinoin-") for rule, _ in found)
    assert any(d._data is None for d in pending)  # the isotretinoin pack's matcher was read
    assert get_nlp().vocab is loaded.nlp.vocab


def test_a_keys_spacy_matcher_is_read_only_for_a_document_holding_its_anchors(tmp_path, monkeypatch):
    """A key whose patterns only spaCy's Matcher can run keeps that Matcher pickled in a loaded
    entry until a document holds one of the key's anchor words; its matches then read back as
    the key, though only the keys, not the matcher's internal names, went back into the
    vocabulary's strings."""
    import spacy

    from claimcheck.nlp import disk_cache as dc
    from claimcheck.nlp.matching import TokenMatcher

    monkeypatch.setenv("CLAIMCHECK_CACHE_DIR", str(tmp_path))
    nlp = spacy.blank("en")
    matcher = TokenMatcher(nlp.vocab)
    # a class between words: neither a phrase nor a simple sequence, so spaCy's Matcher runs it
    matcher.add("wordy-sunburn", [[{"LOWER": "sunburn"}, {"IS_ALPHA": True, "OP": "+"}, {"LOWER": "hurts"}]])
    # gapped: its pieces get names of their own, used by hash alone
    matcher.add("gapped-sunburn", [[{"LOWER": "severe"}, {"OP": "{0,3}"}, {"LOWER": "sunburn"}]])
    assert len(matcher.general) == 1
    assert dc.save("matcher-test", matcher)

    fresh = spacy.blank("en")  # another process's vocabulary: none of the names above
    loaded = dc.load("matcher-test", fresh)
    (_, _, deferred, _), = loaded.general
    assert "wordy-sunburn" in fresh.vocab.strings and "gapped-sunburn" in fresh.vocab.strings
    assert not any("\x1e" in s or "\x1f" in s for s in fresh.vocab.strings)  # no internal names
    assert loaded(fresh("Shade helps a lot.")) == []
    assert deferred._data is not None  # no anchor: never unpickled
    doc = fresh("A severe, red sunburn really hurts.")
    got = sorted((fresh.vocab.strings[m], s, e) for m, s, e in loaded(doc))
    assert deferred._data is None
    assert got == sorted((nlp.vocab.strings[m], s, e) for m, s, e in matcher(nlp(doc.text)))
    assert ("wordy-sunburn", 4, 7) in got and ("gapped-sunburn", 1, 5) in got


def test_a_loaded_entry_builds_a_prefilter_for_another_selection_as_a_compiled_one_does(tmp_path, monkeypatch):
    """What only building a prefilter needs stays out of the loaded rulebook's way: the
    matcher's sequences stay pickled until a prefilter for another rule selection is built,
    and the entry's prefilter holds none of its building tables; findings are the same."""
    from claimcheck import text_document
    from claimcheck.api import _compile, rule_paths
    from claimcheck.engine import Selection
    from claimcheck.prefilter.core import Prefilter

    monkeypatch.setenv("CLAIMCHECK_CACHE_DIR", str(tmp_path))
    compiled = _compile(rule_paths(), True, False)
    loaded = _compile(rule_paths(), True, False)
    assert isinstance(loaded.compiled.matcher._sequences, disk_cache.Deferred)
    (prefilter,) = loaded.compiled.prefilters.values()
    assert not set(Prefilter.BUILDING) & set(vars(prefilter))
    text = ("Accutane permanently cures acne, a miracle! Buy it online without a prescription.\n"
            "Studies show that 95% of users see clearer skin.\n")
    document = text_document(text, "a.txt")
    assert loaded.lint(document) == compiled.lint(document)
    assert isinstance(loaded.compiled.matcher._sequences, disk_cache.Deferred)  # not needed yet
    categories = sorted({r.category for r in compiled.compiled.rules})
    for selection in (Selection(ignore=frozenset(categories[:1])), Selection(select=frozenset(categories[1:3]))):
        ours, theirs = loaded.configured(selection), compiled.configured(selection)
        assert [f.to_dict() for f in ours.lint(document)] == [f.to_dict() for f in theirs.lint(document)]
    assert isinstance(loaded.compiled.matcher._sequences, dict)  # read to build the new prefilters


def test_a_truncated_entry_is_compiled_again_and_replaced(work):
    first = small(work)
    (entry,) = entries(work)
    data = entry.read_bytes()
    entry.write_bytes(data[:len(data) - 7])  # its last blob cut short
    assert disk_cache.load(entry.name[:-len(disk_cache.SUFFIX)], None) is None
    assert small(work) == first
    assert entry.read_bytes() != data[:len(data) - 7]  # written anew ...
    os.utime(entry, (OLD, OLD))
    assert small(work) == first
    assert entry.stat().st_mtime == OLD  # ... and read


def test_tables_are_read_by_buckets_and_blobs_outlive_their_file(tmp_path, monkeypatch):
    """A Buckets table reads only the buckets of the keys asked for, from the entry's file
    opened at load: the file deleted (or renamed over) meanwhile, they still read."""
    monkeypatch.setenv("CLAIMCHECK_CACHE_DIR", str(tmp_path))
    table = disk_cache.Buckets({n: f"v{n}" for n in range(1000)})
    words = disk_cache.Buckets({f"w{n}": n for n in range(1000)})
    assert disk_cache.save("tables", (table, words, disk_cache.Deferred({"big": list(range(100))})))
    loaded, loaded_words, deferred = disk_cache.load("tables", None)
    (tmp_path / f"tables{disk_cache.SUFFIX}").unlink()
    assert len(loaded) == 0 and loaded  # nothing read yet, yet not empty
    assert loaded[5] == "v5" and 5 + disk_cache.Buckets.COUNT in loaded and 6 not in loaded
    assert loaded.get(6) is None  # get sees what was read ...
    loaded.need([6, 7])  # ... once asked for
    assert loaded.get(6) == "v6" and loaded[7] == "v7"
    with pytest.raises(KeyError):
        loaded[5000]
    assert loaded_words["w17"] == 17 and len(loaded_words) < 1000
    assert deferred.get() == {"big": list(range(100))}
    assert dict(loaded.items()) != dict(table.items())
    assert all(loaded[n] == v for n, v in table.items()) and dict(loaded) == dict(table)


def test_context_yaml_is_parsed_once_and_read_back_after(work):
    """context.yaml, which every start needs, is kept parsed; a damaged entry is parsed anew."""
    first = small(work)
    (entry,) = entries(work, "yaml-context")
    os.utime(entry, (OLD, OLD))
    assert small(work) == first
    assert entry.stat().st_mtime == OLD
    entry.write_bytes(b"not a pickle")
    assert small(work) == first
    assert entry.read_bytes() != b"not a pickle"


def test_read_all_reads_every_deferred_part_and_finds_the_same(tmp_path, monkeypatch):
    """Linter.read_all (before many documents, or before forking workers) leaves nothing to
    read on first use, and changes no finding."""
    from claimcheck import text_document
    from claimcheck.api import _compile, rule_paths

    monkeypatch.setenv("CLAIMCHECK_CACHE_DIR", str(tmp_path))
    compiled = _compile(rule_paths(), True, False)
    loaded = _compile(rule_paths(), True, False)
    matcher = loaded.compiled.matcher
    assert matcher._simple_seqs._pending and matcher.phrases["LOWER"]._root._pending
    loaded.read_all()
    assert not matcher._simple_seqs._pending and not matcher.phrases["LOWER"]._root._pending
    tables = [*matcher.phrases.values(), *matcher.piece_phrases.values(), *matcher.headed.values()]
    assert not any(t._root._pending for t in tables) and not matcher._ids_by_key._pending
    assert all(d._data is None for _, d in loaded.compiled.scoped)
    assert all(d._data is None for _, _, d, _ in matcher.general)
    (prefilter,) = loaded.compiled.prefilters.values()
    assert not prefilter._anchor_keys._pending and not prefilter._mask_of._pending
    spam = "Buy Accutane online without a prescription. It gives permanent remission.\n"
    assert loaded.lint(text_document(spam, "b.txt")) == compiled.lint(text_document(spam, "b.txt"))
