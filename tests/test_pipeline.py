"""The spaCy pipeline: blank English, our lemmas, structure-aware sentences."""
from claimcheck.documents import text_document
from claimcheck.nlp import get_nlp


def sentences(text: str) -> list[str]:
    """Sentences as a plain-text document gives them (the reader joins soft-wrapped lines)."""
    return [s.text.strip() for s in get_nlp()(text_document(text, "t.txt").text).sents]


def test_pipeline_is_blank_english_with_our_components():
    nlp = get_nlp()
    assert nlp.lang == "en"
    assert nlp.pipe_names == ["claimcheck_lemmas", "claimcheck_sentences", "claimcheck_context"]
    assert get_nlp() is nlp  # built once per process


def test_lemmas_are_lower_case_lookups():
    doc = get_nlp()("Cures cured curing Studies Kills")
    assert [t.lemma_ for t in doc] == ["cure", "cure", "cure", "study", "kill"]


def test_lemmas_remembered_per_pipeline_are_those_looked_up():
    """The lemma component remembers each word's lemma; the lemmas stay the table's when the
    words are remembered, and after its memory fills and starts again."""
    from claimcheck.nlp.lemmas import Lemmatizer, lemma_of

    nlp = get_nlp()
    lemmatizer = Lemmatizer()
    lemmatizer.MAX_REMEMBERED = 4
    texts = ["Cures cured curing Studies Kills", "Studies show it cures. Doctors studied cures.",
             "Kills kills KILLED, studies: cured!"]
    for text in texts + texts:
        doc = lemmatizer(nlp.make_doc(text))
        assert [t.lemma_ for t in doc] == [lemma_of(t.text) for t in doc], text
        assert len(lemmatizer._lemma_hashes) <= 4 + len(set(t.text for t in doc))
    assert [t.lemma_ for t in lemmatizer(nlp.make_doc("Cures Studies"))] == ["cure", "study"]


def test_list_lines_without_final_punctuation_are_sentences():
    text = "Common side effects:\nDry lips and skin\nDry eyes and nose\nNosebleeds\nIncreased sun sensitivity\n"
    assert sentences(text) == [
        "Common side effects:", "Dry lips and skin", "Dry eyes and nose", "Nosebleeds", "Increased sun sensitivity",
    ]


def test_question_and_answer_lines_are_sentences():
    assert sentences("Q: Is it safe\nA: Yes when prescribed\nQ: Can I drink?") == [
        "Q: Is it safe", "A: Yes when prescribed", "Q: Can I drink?",
    ]


def test_headings_paragraphs_and_punctuation():
    text = "What is Isotretinoin 20?\nIt is a retinoid. It comes from vitamin A. It works!\n\nSide Effects\nDry skin is common."
    assert sentences(text) == [
        "What is Isotretinoin 20?", "It is a retinoid.", "It comes from vitamin A.", "It works!",
        "Side Effects", "Dry skin is common.",
    ]


def test_hard_wrapped_prose_is_not_cut_at_line_ends():
    text = "Isotretinoin is a strong medicine that\nmost people take for four to six months.\n- A list item\n- Another"
    assert sentences(text) == [
        "Isotretinoin is a strong medicine that most people take for four to six months.",
        "- A list item", "- Another",
    ]


def test_abbreviations_do_not_end_sentences():
    assert sentences("It reduces P. acnes on the skin, e.g. on the face. Next one.") == [
        "It reduces P. acnes on the skin, e.g. on the face.", "Next one.",
    ]


def test_soft_wraps_are_joined_and_map_back_to_the_source():
    source = "It is a\r\n   permanent remission,\r\n  for all.\r\nNext line\r\n- item"
    doc = text_document(source, "t.txt")
    assert doc.text == "It is a permanent remission, for all.\nNext line\n- item"
    for word in ("permanent", "for all", "Next", "- item"):
        assert source[doc.source_offset(doc.text.index(word)):].startswith(word)
