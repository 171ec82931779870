"""The HTML reader: what a user sees when claimcheck lints a web page.

Positions must point into the HTML as written (entities, tags inside a sentence, indented
paragraphs); main mode keeps the article and drops navigation, related links, cookie banners
and comments; text the extractor produced but the page does not contain gets no position
rather than a wrong one; bad input is a one-line DocumentError, never a crash.
"""
from __future__ import annotations

import gzip
import html as htmllib
import re
import socket

import pytest

from conftest import SHARED, needs_shared

from claimcheck.documents import DocumentError
from claimcheck.documents import html as html_reader
from claimcheck.documents.encoding import Decoding
from claimcheck.documents.html import HTML_MODES, decode_html, html_document

BENCHMARK = SHARED / "corpus" / "extraction-benchmark"

OVERCLAIM = "overclaim-permanent-effect"
NO_PRESCRIPTION = "sourcing-no-prescription"

ARTICLE_TEXT = """
  <p>Isotretinoin is a prescription medicine for severe nodular acne that has not responded to
  other treatments. It works by shrinking the oil glands of the skin and changing how skin
  cells shed, and a course usually lasts four to six months.</p>
  <p>Dry lips, dry skin and nosebleeds are common during treatment. Because the drug causes
  severe birth defects, patients who can become pregnant must use two forms of contraception
  and take regular pregnancy tests. Mood changes should be reported to the doctor at once.</p>
"""


def line_col(source: str, offset: int) -> tuple[int, int]:
    """1-based line and column of an offset, computed here, independently of the reader."""
    line_start = source.rfind("\n", 0, offset) + 1
    return source.count("\n", 0, offset) + 1, offset - line_start + 1


def at_char(source: str, offset: int, ch: str) -> bool:
    """Does the source hold ``ch`` at ``offset``, as itself or as the entity that spells it?"""
    if source[offset] == ch:
        return True
    if source[offset] != "&":
        return False
    end = source.find(";", offset, offset + 40)
    return end != -1 and htmllib.unescape(source[offset:end + 1]).startswith(ch)


def findings_by_rule(findings, rule: str):
    return [f for f in findings if f.rule == rule]


# --------------------------------------------------------------------------- positions

ENTITY_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Accutane permanently cures acne</title>
  <script>var teaser = "Accutane permanently cures acne.";</script>
</head>
<body>
  <article>
    <h1>Acne &amp; isotretinoin: a patient&#8217;s guide</h1>
""" + ARTICLE_TEXT + """
    <p>
      Many forums repeat that
      Accutane <b>permanently
        cures</b> acne&nbsp;&#8212; the evidence says otherwise.
    </p>
    <p>It&#8217;s an ad: <a href="/shop">Buy <em>isotretinoin</em>
       online</a> without a&nbsp;prescription &amp; save 20%.</p>
  </article>
</body>
</html>
"""


@pytest.mark.parametrize("mode", HTML_MODES)
def test_finding_positions_point_at_the_words_in_the_markup(linter, mode):
    findings = linter.lint(html_document(ENTITY_PAGE, "guide.html", mode))
    sentence_findings = [f for f in findings if f.scope == "sentence"]
    assert {f.rule for f in sentence_findings} >= {OVERCLAIM, NO_PRESCRIPTION}
    for f in sentence_findings:
        pos = f.position
        first, last = f.text.split()[0], f.text.split()[-1]
        assert ENTITY_PAGE[pos.start:].startswith(first), (f.rule, ENTITY_PAGE[pos.start:pos.start + 30])
        assert ENTITY_PAGE[:pos.end].endswith(last), (f.rule, ENTITY_PAGE[pos.end - 30:pos.end])
        assert (pos.line, pos.column) == line_col(ENTITY_PAGE, pos.start)
        assert (pos.end_line, pos.end_column) == line_col(ENTITY_PAGE, pos.end)


def test_tags_inside_a_sentence_keep_the_column_of_the_word(linter):
    [finding] = findings_by_rule(linter.lint(html_document(ENTITY_PAGE, "guide.html")), OVERCLAIM)
    assert finding.text == "permanently cures"
    line = ENTITY_PAGE.split("\n")[finding.position.line - 1]
    assert line == "      Accutane <b>permanently"
    assert finding.position.column == line.index("permanently") + 1
    # the match runs on to "cures" on the next line, inside the <b>
    assert ENTITY_PAGE[finding.position.start:finding.position.end] == "permanently\n        cures"


def test_every_prose_character_maps_to_itself_or_its_entity():
    for mode in HTML_MODES:
        document = html_document(ENTITY_PAGE, "guide.html", mode)
        assert "a patient’s guide" in document.text
        assert "without a prescription & save" in document.text  # &nbsp; and &amp; decoded
        for i, ch in enumerate(document.text):
            if ch.isspace():
                continue
            at = document.source_offset(i)
            assert at is not None and at_char(ENTITY_PAGE, at, ch), (mode, i, ch, at)


def test_prose_is_one_line_per_block_and_headings_start_sections():
    page = """<html><body><article>
      <h1>Isotretinoin basics</h1>""" + ARTICLE_TEXT + """
      <h2>Common side effects</h2>
      <ul><li>Dry lips and skin</li><li>Nosebleeds</li></ul>
      <table><tr><th>Drug</th><th>Usual dose</th></tr><tr><td>Isotretinoin</td><td>0.5 mg/kg</td></tr></table>
    </article></body></html>"""
    for mode in HTML_MODES:
        document = html_document(page, "basics.html", mode)
        lines = document.text.split("\n")
        for expected in ("Isotretinoin basics", "Common side effects", "Dry lips and skin", "Nosebleeds",
                         "Drug", "Usual dose", "Isotretinoin", "0.5 mg/kg"):
            assert expected in lines, (mode, expected, lines)
        assert not any(line.startswith(("- ", "|")) for line in lines)  # extractor formatting undone
        headings = [document.text[i:].split("\n")[0] for i in document.section_starts]
        assert headings == ["Isotretinoin basics", "Common side effects"], mode


# --------------------------------------------------------------------------- boilerplate

BOILERPLATE_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Isotretinoin: what patients should know | Health News</title></head>
<body>
<div id="cookie-banner" class="cookie-consent">
  <p>We use cookies. Buy isotretinoin online without a prescription at our partner shop!</p>
  <button>Accept all cookies</button>
</div>
<header><nav class="menu"><ul><li><a href="/">Home</a></li><li><a href="/health">Health</a></li></ul></nav></header>
<main>
<article>
  <h1>Isotretinoin: what patients should know</h1>
  <div class="meta">By Jane Doe · <span class="views">12,345 views</span></div>
  <div class="share"><a href="#">Share on Facebook</a> <a href="#">Tweet</a> <a href="#">Email</a></div>
""" + ARTICLE_TEXT + """
  <p>Some marketing copy goes much further than the evidence. One clinic's page states that
  Accutane permanently cures acne. Dermatologists describe long remissions for many patients,
  but relapses happen, and a second course is sometimes needed.</p>
</article>
<aside class="related">
  <h3>Related News</h3>
  <ul>
    <li><a href="/a">Buy isotretinoin online without a prescription here</a></li>
    <li><a href="/b">Five foods for clear skin</a></li>
  </ul>
</aside>
<section id="comments" class="comments">
  <h3>2 Comments</h3>
  <div class="comment"><p class="author">skinfan99</p><p>Great article! I buy isotretinoin online without a prescription and it works.</p></div>
  <div class="comment"><p class="author">marta</p><p>Thanks for explaining the pregnancy tests.</p></div>
  <form><textarea>Leave a comment</textarea><button>Post comment</button></form>
</section>
</main>
<footer><p>&copy; 2024 Health News. All rights reserved.</p><a href="/privacy">Privacy</a></footer>
</body>
</html>
"""


def _line_of(snippet: str) -> int:
    return BOILERPLATE_PAGE[:BOILERPLATE_PAGE.index(snippet)].count("\n") + 1


def test_main_mode_keeps_the_article_and_drops_boilerplate(linter):
    document = html_document(BOILERPLATE_PAGE, "news.html")
    for gone in ("cookies", "Home", "Related News", "Share on Facebook", "Tweet", "views",
                 "Comments", "Great article", "Leave a comment", "All rights reserved"):
        assert gone not in document.text, gone
    findings = linter.lint(document)
    assert [(f.rule, f.position.line) for f in findings_by_rule(findings, OVERCLAIM)] == [
        (OVERCLAIM, _line_of("Accutane permanently cures acne."))]
    assert findings_by_rule(findings, NO_PRESCRIPTION) == []


def test_all_mode_finds_the_claims_in_boilerplate_too(linter):
    findings = linter.lint(html_document(BOILERPLATE_PAGE, "news.html", mode="all"))
    assert [f.position.line for f in findings_by_rule(findings, OVERCLAIM)] == [
        _line_of("Accutane permanently cures acne.")]
    assert [f.position.line for f in findings_by_rule(findings, NO_PRESCRIPTION)] == [
        _line_of("We use cookies."), _line_of("without a prescription here"), _line_of("Great article!")]


def test_all_mode_is_the_visible_text_only():
    page = """<html><head><title>Tab title</title><style>p { color: red }</style></head><body>
      <script>document.write("script text")</script>
      <noscript>Enable JavaScript</noscript><template><p>Template text</p></template>
      <svg><text>Drawing text</text></svg>
      <div>First   block
           continues</div><p>Second<br>third <i>in</i>line</p><table><tr><td>cell one</td><td>cell two</td></tr></table>
    </body></html>"""
    document = html_document(page, "page.html", mode="all")
    assert document.text == "First block continues\nSecond\nthird inline\ncell one\ncell two"


# --------------------------------------------------------------------------- unlocated text

def test_text_the_page_does_not_contain_gets_no_position(linter, monkeypatch):
    """An extractor may output text that is not in the markup as such; a finding there says
    it has no position (and why) instead of pointing at a wrong line."""
    page = "<html><body><article><p>Buy isotretinoin online without a prescription.</p></article></body></html>"
    monkeypatch.setattr(html_reader, "extract_main",
                        lambda html: "Buy isotretinoin online without a prescription.\nAccutane permanently cures acne.")
    document = html_document(page, "rewritten.html")
    assert document.text == "Buy isotretinoin online without a prescription.\nAccutane permanently cures acne."
    unplaced = document.text.index("Accutane")
    assert all(document.source_offset(i) is None for i in range(unplaced, len(document.text)))

    findings = linter.lint(document)
    [located] = findings_by_rule(findings, NO_PRESCRIPTION)
    assert (located.position.line, located.position.column) == (1, page.index("Buy") + 1)
    [unlocated] = findings_by_rule(findings, OVERCLAIM)
    assert unlocated.position.line is None and unlocated.position.column is None
    assert unlocated.position.start is None
    assert unlocated.position.unlocated and unlocated.position.unlocated.endswith(")")
    assert "could not be located" in unlocated.position.unlocated


def test_partly_rewritten_line_keeps_the_parts_it_can_place(monkeypatch):
    page = "<html><body><p>Kan reported on Wednesday.</p><p>The stabbing occurred during a talk.</p></body></html>"
    # the extractor glued two paragraphs and lost the space between them
    monkeypatch.setattr(html_reader, "extract_main",
                        lambda html: "Kan reported on Wednesday.The stabbing occurred during a talk.")
    document = html_document(page, "glued.html")
    the = document.text.index("The stabbing")
    assert page[document.source_offset(the):].startswith("The stabbing")
    assert page[document.source_offset(0):].startswith("Kan reported")


# --------------------------------------------------------------------------- a real page

def test_real_page_positions_land_on_the_same_words():
    """A page of the extraction benchmark with many entities (&#8217;, &amp;, &nbsp;)."""
    needs_shared(BENCHMARK)
    [path] = (BENCHMARK / "html").glob("9da36ae4*.html.gz")
    page = decode_html(gzip.decompress(path.read_bytes()), path.name)
    document = html_document(page, path.name)

    words = [(m.start(), m.group()) for m in re.finditer(r"\S+", document.text)]
    assert len(words) > 300
    located = [w for w in words if document.source_offset(w[0]) is not None]
    assert len(located) >= 0.99 * len(words)
    entities = 0
    for start, word in words[::3]:
        for i, ch in enumerate(word):
            at = document.source_offset(start + i)
            assert at is not None and at_char(page, at, ch), (word, page[at:at + 40] if at else None)
            entities += page[at] == "&"
    assert entities > 5  # the sample did cross entities


# --------------------------------------------------------------------------- directives

def test_directives_in_html_comments():
    page = ("<html><body><article>\n" + ARTICLE_TEXT +
            "<!-- claimcheck-disable-next-line overclaim -- quoted to debunk it -->\n"
            "<p>Accutane permanently cures acne, some say.</p>\n"
            "<!-- an ordinary comment -->\n"
            "</article></body></html>")
    document = html_document(page, "d.html")
    [directive] = document.directives
    assert directive.action == "disable-next-line"
    assert directive.names == frozenset({"overclaim"})
    assert directive.reason == "quoted to debunk it"
    assert directive.line == page[:page.index("<!-- claimcheck")].count("\n") + 1
    assert directive.column == 1
    assert "claimcheck-disable" not in document.text


# --------------------------------------------------------------------------- bad input

MALFORMED = [
    "<html><body><div><p>Accutane permanently cures acne. <b>unclosed <i>tags everywhere",
    "</div></div></p><p>Stray closing tags before text. Accutane permanently cures acne.</span>",
    "<p>Attributes <a href='x>y' title=\"a<b\">gone wrong</a> and <<>> brackets & ampersands &#xZZ; &#;</p>",
    "<!-- unterminated comment <p>text</p>",
    "<script>never closed <p>text</p>",
    "<p>garbage \ufffd\ufffd bytes \x00 and controls \x07</p><![CDATA[ x ]]><?php echo 1; ?>",
    "<svg><p>unclosed svg",
    "",
    "<<<<>>>>&&&&;;;;",
]


@pytest.mark.parametrize("page", MALFORMED)
@pytest.mark.parametrize("mode", HTML_MODES)
def test_malformed_html_never_crashes(page, mode):
    try:
        document = html_document(page, "bad.html", mode)
    except DocumentError as exc:
        assert str(exc).startswith("bad.html: ") and "\n" not in str(exc)
        return
    for i, ch in enumerate(document.text):
        at = document.source_offset(i)
        if at is not None and not ch.isspace():
            assert at_char(page, at, ch)


def test_garbage_bytes_read_with_replacement():
    data = b"<html><body><p>Accutane \x80\xfe permanently cures acne.</p></body></html>"
    page = decode_html(data, "garbage.html", Decoding(errors="replace"))
    document = html_document(page, "garbage.html", mode="all")
    assert "\ufffd" in document.text


def test_page_without_main_content():
    # a page rendered by JavaScript: the markup is an empty shell
    page = ("<html><head><title>Dashboard</title><script src='/app.js'></script></head>"
            "<body><div id='app'></div>"
            "<script>render(document.getElementById('app'))</script></body></html>")
    with pytest.raises(DocumentError) as exc:
        html_document(page, "app.html")
    assert str(exc.value) == "app.html: no main content found in the HTML page (try --html-mode all)"
    with pytest.raises(DocumentError) as exc:
        html_document("<html><body><script>x = 1</script></body></html>", "empty.html", mode="all")
    assert str(exc.value) == "empty.html: no text in the HTML page"


def test_noscript_text_the_extractor_returns_is_located():
    page = ("<html><body><div id='app'></div><noscript>Please enable JavaScript.</noscript>"
            "<script>render()</script></body></html>")
    document = html_document(page, "app.html")
    assert document.text == "Please enable JavaScript."
    assert page[document.source_offset(0):].startswith("Please enable")
    with pytest.raises(DocumentError):
        html_document(page, "app.html", mode="all")  # not visible text: that shows only without JavaScript


def test_a_bare_fragment_still_has_main_content():
    document = html_document("<p>Accutane permanently cures acne.</p>", "fragment.html")
    assert document.text == "Accutane permanently cures acne."
    assert document.source_offset(0) == 3


def test_unknown_mode_is_a_programming_error():
    with pytest.raises(ValueError):
        html_document("<p>x</p>", "x.html", mode="everything")


def test_invalid_bytes_are_a_document_error():
    with pytest.raises(DocumentError) as exc:
        decode_html(b"<html><body><p>caf\xe9</p></body></html>", "latin.html")
    assert str(exc.value).startswith("latin.html: not valid UTF-8")
    with pytest.raises(DocumentError):
        decode_html(b"<p>ok</p>", "x.html", Decoding(encoding="no-such-encoding"))
    with pytest.raises(DocumentError):
        decode_html(b"\x00\x01binary\x00", "x.html")


def test_meta_charset_windows_1252():
    text = '<html><head><meta charset="windows-1252"></head><body><p>It’s “café” – 5 €</p></body></html>'
    assert decode_html(text.encode("cp1252"), "w.html") == text
    http_equiv = text.replace('<meta charset="windows-1252">',
                              '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">')
    assert decode_html(http_equiv.encode("cp1252"), "w.html") == http_equiv


def test_charset_precedence():
    text = '<html><head><meta charset="windows-1252"></head><body><p>café</p></body></html>'
    utf8 = text.encode("utf-8")
    assert decode_html(utf8, "p.html", declared="utf-8") == text  # HTTP header beats <meta>
    assert decode_html(b"\xef\xbb\xbf" + utf8, "p.html", declared="windows-1252") == text  # BOM first
    assert decode_html(utf8, "p.html", Decoding(encoding="utf-8")) == text  # the user's choice
    assert decode_html(utf8, "p.html") != text  # the <meta> says windows-1252: mojibake, as declared
    assert decode_html(b"<meta charset=hex><p>ok</p>", "p.html") == "<meta charset=hex><p>ok</p>"


def test_reading_a_page_never_touches_the_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the HTML reader opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    page = ("<html><head><link rel=stylesheet href='https://example.com/a.css'>"
            "<script src='https://example.com/a.js'></script></head><body><article>"
            "<img src='https://example.com/a.png'><iframe src='https://example.com/'></iframe>"
            + ARTICLE_TEXT + "</article></body></html>")
    document = html_document(page, "p.html", url="https://example.com/article")
    assert document.url == "https://example.com/article"
    assert "Isotretinoin is a prescription medicine" in document.text
