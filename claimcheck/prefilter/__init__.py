"""The prefilter: which lines of a document could any active rule match at all?

Most lines of real articles match no rule, and the pipeline (tokenizer, lemmas, sentences,
context, matchers) is many times slower than looking at words. So, before the pipeline runs,
each line's words are checked against the words the compiled rulebook cannot do without, and
only the lines where some rule could match (plus the lines their context needs) go through
the pipeline, as one shorter text: an ``Excerpt``. Findings are mapped back to the document,
and are exactly those the whole text would give:

* Units. The text is cut after each whitespace run holding a line break. Sentences never
  cross a line break (nlp/sentences.py), spaCy never puts a token across whitespace, and each
  unit keeps its own trailing whitespace, so a unit tokenizes the same way alone as in the
  document, and splits into the same sentences but for one thing the line before carries
  over: whether it ended a sentence, when the unit opens with a quote or bracket (taken as
  closing that sentence). So the line before such a kept line is kept too, or the lines
  before it down to one with another token (with_sentence_state). A long line (an article
  without line breaks) is also cut between sentences, where the pipeline starts a sentence
  whatever comes before (Scan.cuts); matches never cross a sentence start (engine.py).
  Where lines were cut, a kept line that does not open with a capital or a digit keeps the
  unit before it too: after a piece ending in a full stop, its first word would not start
  a sentence.
* Words. Each token pattern (one expansion of a rule's pattern) needs its literal tokens,
  in order: its requirement. A literal token stands for a group of lower-case forms: the
  word itself for LOWER/ORTH, every form the lookup table maps to the lemma for LEMMA. A
  unit's evidence (Unit) is a superset of its tokens' forms, with their exact spans: a
  form of letters a-z is a whole run of such letters (spaCy splits two letters apart only
  in a tokenizer exception: "can" of "cannot" is found through the exception's run), any
  other form a substring. A pattern matches in a unit only if each of its groups has a form
  there (checked as sets of group ids), at spans one after the other, consecutive pattern
  tokens with nothing or one space between (any other white space is a token of its own),
  and two with only a few optional ("?") tokens of plain words between them ("studies
  (clearly)? show") with nothing between but what those may spell (needs.Bridge).
* Anchors. A requirement is looked at only in the units holding a form of its anchor, the
  group of it likeliest to be rare (stop words, punctuation and short words are not). That
  only saves time.
* Matching. The engine runs each general token matcher only over the units where its key
  may match (a superset: the order of a requirement's groups is checked only where it
  decides which units are kept), and drops matches that cross a line break (in the whole
  text too): a match then never depends on which unit follows its own.
* Rules. A phrase rule needs its match (or regex) in a unit; a together rule needs every
  group in one unit, or in a list item's unit and its lead-in's (lists.py: both are kept); a requires rule needs its trigger ("when") somewhere, and then every
  unit that might satisfy it. A rule scoped to concepts (a drug pack) counts only if the
  document may mention them, and then every unit that may mention them is kept, so the
  engine's view of what the document mentions is exact.
* Context. A sentence's context comes from itself, and from the next sentence only through
  a "previous" cue or a refuting cue after a reported claim ("refuted in the next
  sentence"). The line after a matching line is kept only when it, or else the kept line
  after it (which would then come next in the excerpt), may make such a mark of a type the
  line's rules heed: a "previous" cue, at the line's start if the cue must be at a sentence
  start; a refuting cue in the first tokens, after a reported cue in the matching line;
  a #url or citation (what a URL-like token needs, what the citation regexes start with).
  And a "previous" cue makes no mark in a text's first sentence: if the first kept line may
  hold one, the line before it is kept too. Quotations and a paragraph's speaker reach over
  units (nlp/context.py): a line opening with a quotation mark continues the line before,
  and the pieces of a cut line that holds a quotation mark, or is short enough to be one
  speaker's paragraph, belong together; such runs are kept whole (Scan.context_runs).
* Regexes run over the whole document here, once, and only if the document holds the
  literal strings they cannot match without (read from the parsed pattern; nlp/matching.py),
  tried only where one of the strings they start with occurs (regex_matches): the same
  matches. The engine uses them, mapped into the excerpt, so look-arounds see the real
  neighbours.
* Sections (requires ... within: section): each section start maps to the first kept
  character at or after it, so two kept words share a section in the excerpt exactly when
  they share one in the document.

The package:

    core.py     Prefilter: what each active rule needs, as its kind declares it; the units kept
    scan.py     one pass over a text: units, their words, where each key's needs are met
    needs.py    what token patterns and regexes cannot match without
    excerpt.py  the kept text, mapped back to the document's offsets
"""
from .core import Prefilter
from .excerpt import Excerpt

__all__ = ["Excerpt", "Prefilter"]
