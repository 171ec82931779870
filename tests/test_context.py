"""Context decides: every line of "Context decides" in product.md, as a test."""
import json

import pytest

from claimcheck import Severity

PREFIX = "Isotretinoin can cause birth defects and depression. "  # keeps document rules quiet


def sentence_findings(lint_text, sentence):
    text = PREFIX + sentence
    return [f for f in lint_text(text) if f.position.start >= len(PREFIX)]


def test_claim_is_a_finding(lint_text):
    found = sentence_findings(lint_text, "Isotretinoin permanently cures acne.")
    assert [(f.rule, f.text, str(f.severity)) for f in found] == [
        ("overclaim-permanent-effect", "permanently cures", "major")
    ]


@pytest.mark.parametrize("sentence", [
    "Isotretinoin does not permanently cure acne.",  # negated
    "Is isotretinoin a permanent cure? Not for everyone.",  # question
    "Some sites claim you can buy it online without a prescription; that is illegal.",  # reported, refuted
    "Never buy isotretinoin online without a prescription.",  # a warning, not an offer
    "It can lead to long-term remission for many people.",  # hedged
])
def test_context_means_no_finding(lint_text, sentence):
    assert sentence_findings(lint_text, sentence) == []


def test_the_same_words_without_context_are_findings(lint_text):
    offer = sentence_findings(lint_text, "You can buy isotretinoin online without a prescription.")
    assert {f.rule for f in offer} == {"isotretinoin-buy-online", "sourcing-no-prescription"}
    assert all(str(f.severity) == "critical" for f in offer)
    cure = sentence_findings(lint_text, "Isotretinoin is a permanent cure.")
    assert [f.rule for f in cure] == ["overclaim-permanent-effect"]


def test_citation_in_the_sentence_removes_unsupported_evidence(lint_text):
    assert [f.rule for f in sentence_findings(lint_text, "Studies show that relapse is rare.")] == [
        "unsupported-studies-show"
    ]
    for cited in ("Studies show [1] that relapse is rare.",
                  "Studies show that relapse is rare (https://example.org/study).",
                  "Studies show that relapse is rare (Smith et al., 2019).",
                  "Studies show that relapse is rare (doi:10.1001/jama.2019.1234)."):
        assert sentence_findings(lint_text, cited) == [], cited


def test_hedge_lowers_a_permanence_claim_and_says_why(lint_text):
    (f,) = sentence_findings(lint_text, "It can lead to permanent remission.")
    assert f.rule == "overclaim-permanent-remission"
    assert str(f.severity) == "minor"
    assert [(c.type, c.cue, str(c.from_severity)) for c in f.context] == [("hedged", "can", "major")]


def test_reported_speech_lowers_one_grade(lint_text):
    (f,) = sentence_findings(lint_text, "Some sellers claim that isotretinoin kills bacteria.")
    assert (f.rule, str(f.severity)) == ("isotretinoin-antibacterial", "minor")
    assert f.context[0].type == "reported"


def test_pseudo_negation_does_not_negate(lint_text):
    found = sentence_findings(lint_text, "It is not only safe but completely safe for everyone.")
    assert [f.text for f in found] == ["completely safe"]


def test_negation_stops_at_a_terminator(lint_text):
    found = sentence_findings(lint_text, "It is not cheap, but it is completely safe.")
    assert [f.text for f in found] == ["completely safe"]


def test_refutation_in_the_next_sentence(lint_text):
    assert sentence_findings(lint_text, "Isotretinoin is completely safe. That is not true.") == []


def test_hype_in_a_question_is_still_hype(lint_text):
    found = sentence_findings(lint_text, "Ever wondered about the magic behind it?")
    assert [(f.rule, f.text) for f in found] == [("sensational-hype", "magic")]


@pytest.mark.parametrize("text", [
    "Up to 90% of patients improved. See https://example.org/trial for the data.",
    "Studies show that relapse is rare. The largest was published in 2019 (doi:10.1001/jama.2019.1234).",
    "Up to 90% reduction in acne lesions. (Source: Smith et al., 2019)",
    "Studies show that relapse is rare. [2]",
])
def test_citation_in_the_next_sentence_removes_unsupported_evidence(lint_text, text):
    assert sentence_findings(lint_text, text) == []


def test_citation_two_sentences_later_does_not_count(lint_text):
    found = sentence_findings(lint_text, "Studies show that relapse is rare. It is common to worry. See [3].")
    assert [f.rule for f in found] == ["unsupported-studies-show"]


def test_reported_claim_refuted_by_the_next_sentence(lint_text):
    text = ("A common claim is that isotretinoin kills acne-causing bacteria. "
            "Isotretinoin does not kill bacteria; it shrinks oil glands.")
    assert sentence_findings(lint_text, text) == []
    # Followed by an unrelated statement, the reported claim is only lowered.
    (f,) = sentence_findings(lint_text, "Some say isotretinoin kills bacteria. It clears skin.")
    assert (f.rule, str(f.severity), f.context[0].type) == ("isotretinoin-antibacterial", "minor", "reported")


@pytest.mark.parametrize("sentence", [
    "The FDA warns against buying isotretinoin online without a prescription.",  # a warning
    "So-called miracle sellers say it is completely safe.",  # reported ...
    "It was marketed as completely safe for everyone. It is not.",  # ... and refuted next
])
def test_warnings_and_reported_labels(lint_text, sentence):
    assert [f for f in sentence_findings(lint_text, sentence) if f.severity >= Severity.MAJOR] == []


def test_negation_stops_at_a_comma(lint_text):
    found = sentence_findings(lint_text, "If it is not working, simply double the dose.")
    assert [f.rule for f in found] == ["dosing-double-dose"]


def test_refutation_must_open_the_next_sentence(lint_text):
    assert sentence_findings(lint_text, "It is completely safe. But that is simply not true.") == []
    found = sentence_findings(lint_text, "It is completely safe. Ask anyone, and they will say that is not true.")
    assert [f.rule for f in found] == ["risk-no-side-effects"]


def test_unsafe_refutes_a_reported_claim(lint_text):
    assert sentence_findings(lint_text, "Some forums say you should double the dose; that is unsafe.") == []


def test_a_cue_inside_a_gap_counts_a_cue_the_pattern_spells_does_not(lint_text):
    # "(existing|old|deep) scars ...4 (disappear|...)": the gap swallowed "will not".
    assert sentence_findings(lint_text, "Existing scars will not disappear on their own.") == []
    assert [f.rule for f in sentence_findings(lint_text, "Existing scars will all disappear.")] == [
        "overclaim-erases-scars"]
    # "no" is spelled by the pattern: a claim, not a negation.
    assert [f.text for f in sentence_findings(lint_text, "A cream with no side effects.")] == ["no side effects"]


def test_curly_apostrophe_negates(lint_text):
    assert sentence_findings(lint_text, "But it doesn’t work for everyone.") == []


def test_said_goodbye_is_not_reported_speech_and_a_late_never_does_not_refute(lint_text):
    (f,) = sentence_findings(lint_text, "Say goodbye to spots because isotretinoin permanently cures acne.")
    assert (f.rule, str(f.severity)) == ("overclaim-permanent-effect", "major")
    text = ("I tell my friends it is the holy grail. "
            "It even cleared my back, which my doctor said would never happen.")
    assert "sensational-hype" in [f.rule for f in sentence_findings(lint_text, text)]


def test_a_question_answered_no_is_refuted(lint_text):
    assert sentence_findings(lint_text, "Is zinc a miracle cure for colds? No. It may shorten them a little.") == []


def test_added_that_reports_speech(lint_text):
    """A reassurance in someone else's words is information for the reader to weigh (the
    risk-minimization policy lowers reported speech to info); in the page's own voice it is
    major, and hearsay of a benefit that names no one ('is said to help') is the page's own."""
    (f,) = sentence_findings(lint_text, "Dr Smith added that the side effects are negligible.")
    assert str(f.severity) == "info" and f.context[0].type == "reported"
    (f,) = sentence_findings(lint_text, "The side effects are negligible.")
    assert str(f.severity) == "major" and not f.context
    found = [(f.rule, str(f.severity)) for f in sentence_findings(
        lint_text, "CBD is said to help with pain without leaving any side effects.")]
    assert ("risk-no-side-effects", "major") in found


# --- context across sentences and sections (issue 14) ----------------------------------------

def markdown_findings(linter, text):
    from claimcheck.documents.markdown import markdown_document

    return [(f.rule, f.position.line) for f in linter.lint(markdown_document(text, "page.md"))]


@pytest.mark.parametrize("heading", [
    "Risks of buying isotretinoin online",
    "Why you should never order Accutane from unlicensed sites",
    "How to spot fake online pharmacies",
    "What to avoid",
    "Beware of cheap acne pills",
])
def test_a_heading_that_frames_a_warning_governs_its_section(linter, heading):
    text = (f"# {heading}\n\nSome sites sell Accutane without a prescription and promise discreet shipping.\n\n"
            "Buy isotretinoin online from them and you may get fake pills.\n\n"
            "# Our shop\n\nBuy isotretinoin online today.\n")
    found = markdown_findings(linter, text)
    sourcing = [line for rule, line in found if rule in ("isotretinoin-buy-online", "sourcing-no-prescription")]
    assert sourcing == [9]  # only the next section's own offer


@pytest.mark.parametrize("heading", ["Myths about weight-loss pills", "The truth behind miracle pills",
                                     "Five myths about diet pills", "Debunking diet pill claims"])
def test_a_heading_that_frames_myths_refutes_its_section(linter, heading):
    text = f"# {heading}\n\nThis miracle pill melts fat away.\n\nIt is a secret weapon against belly fat.\n"
    assert markdown_findings(linter, text) == []


def test_a_frame_cue_counts_only_in_a_heading(linter, lint_text):
    """Not in a sentence of prose, and not when the heading is about something else."""
    found = sentence_findings(lint_text, "Beware of slow shops. Buy isotretinoin online without a prescription.")
    assert {f.rule for f in found} >= {"isotretinoin-buy-online", "sourcing-no-prescription"}
    text = "# Lower your risk of heart disease\n\nStudies show it works for everyone.\n"
    assert "unsupported-studies-show" in {r for r, _ in markdown_findings(linter, text)}


@pytest.mark.parametrize("sentence", [
    "A study published in JAMA found that 60% of patients improved.",
    "Researchers at Stanford University said the drug cut pain by half.",
    "Her previous research has shown that the drug works.",
    "According to the CDC, 40% of adults improved with the program.",
])
def test_evidence_attributed_to_a_named_source_is_not_unsupported(lint_text, sentence):
    assert [f for f in sentence_findings(lint_text, sentence) if f.category == "unsupported-evidence"] == []


def test_unattributed_evidence_still_is(lint_text):
    found = sentence_findings(lint_text, "Studies show that 60% of patients improved.")
    assert {f.category for f in found} == {"unsupported-evidence"}


@pytest.mark.parametrize("sentence", [
    "Buying isotretinoin online requires great care.",  # a caution frame
    "Ordering isotretinoin online without a prescription is dangerous.",
    "We cannot ship isotretinoin without your prescription.",  # a negated offer
    "Accutane gives permanent remission. Not true — here is why: acne often returns.",
    "Accutane gives permanent remission. False: acne often returns.",
    "Myth: Accutane gives permanent remission.\nFact: acne can come back.",
])
def test_cautions_negated_offers_and_answered_claims_are_no_findings(lint_text, sentence):
    assert sentence_findings(lint_text, sentence) == []


# --- more context on real pages: teasers, quoted phrases, third parties, cautions ---------------

@pytest.mark.parametrize("sentence", [
    "Related: This miracle pill melts fat away.",  # a teaser for another page
    "Read more: The secret weapon doctors don't want you to know about.",
    'A search for "buy isotretinoin online" returns dozens of pharmacies.',  # a phrase mentioned
    "Late one night, he mentioned finding websites offering isotretinoin, no questions asked.",
    "The company was sued for allegedly selling isotretinoin without a prescription.",
    "Patients can easily buy isotretinoin online without a prescription, dermatologists warn.",
    "A survey it sponsored found that one in three men would consider buying isotretinoin online.",
    "Doctors need to be aware that isotretinoin is sold online without a prescription.",
    "Buying isotretinoin online is a disturbing trend.",
    "Few people know the dangers of buying isotretinoin online.",
    "Teenagers buy isotretinoin from dodgy online sellers.",
    "Patients should purchase isotretinoin only through licensed pharmacies.",
    "Is this pill a fountain of youth, or just marketing hype?",
])
def test_teasers_mentions_third_parties_and_cautions_are_no_findings(lint_text, sentence):
    assert sentence_findings(lint_text, sentence) == []


def test_the_same_offers_in_the_pages_own_voice_are_findings(lint_text):
    for sentence in ["Buy isotretinoin online today.", "You can buy isotretinoin online without a prescription.",
                     "This miracle pill melts fat away."]:
        assert sentence_findings(lint_text, sentence), sentence


def test_a_quoted_sentence_keeps_its_grade_a_quoted_phrase_is_lowered(lint_text):
    """A customer's whole sentence quoted by a shop is still the shop's claim; a nickname in
    quotation marks is mentioned, not used."""
    said = sentence_findings(lint_text, '"Accutane cured my acne for good, it is a miracle pill." - Anna, Leeds')
    assert {str(f.severity) for f in said if f.category == "overclaim"} == {"major"}
    named = sentence_findings(lint_text, 'It is a "miracle pill" on this shop.')
    plain = sentence_findings(lint_text, 'It is a miracle pill on this shop.')
    assert [str(f.severity) for f in plain if f.rule == "sensational-hype"] == ["minor"]
    assert [f for f in named if f.rule == "sensational-hype" and f.severity >= Severity.MINOR] == []


def test_a_nickname_dubbed_is_reported_whichever_side_it_is_on(lint_text):
    for sentence in ["Berberine, dubbed nature's Ozempic, is a plant extract.",
                     "Nature's Ozempic-dubbed berberine is a plant extract.",
                     "Berberine has even been referred to as nature's Ozempic.",
                     "Online, berberine is often referred to as nature's Ozempic."]:
        found = [f for f in sentence_findings(lint_text, sentence) if f.rule == "glp1-natural-ozempic"]
        assert [str(f.severity) for f in found] == ["minor"], sentence


@pytest.mark.parametrize("title", ["Top 5 false weight loss claims", "Debunking weight loss pill claims",
                                   "Too good to be true: diet pill promises"])
def test_a_frame_in_the_title_governs_the_whole_page(lint_text, title):
    text = (f"{title}\n\nThe following claims are made by pill sellers.\n\n"
            "Common claims\n\nThis miracle pill melts fat away overnight.\n\n"
            "More claims\n\nLose 20 pounds in 20 days without diet or exercise.\n")
    assert lint_text(text) == []


def test_a_heading_that_names_the_claims_reports_them(linter):
    text = "# Common weight loss pill claims\n\nThis miracle pill melts fat away.\n"
    found = linter.lint(__import__("claimcheck.documents.markdown", fromlist=["x"]).markdown_document(text, "p.md"))
    assert found and all(f.context and f.context[0].type == "reported" for f in found)


def test_a_title_frame_needs_the_title(lint_text):
    """The same words in the page's second paragraph frame nothing."""
    text = ("Weight loss pills\n\nThe following claims are made by pill sellers.\n\n"
            "Debunking weight loss pill claims is our job.\n\nThis miracle pill melts fat away.\n")
    assert "sensational-hype" in {f.rule for f in lint_text(text)}


NEWS_LEDE = ("Research shows coffee protects the liver\n\n"
             "Studies show that two cups a day cut the risk of liver disease, researchers report.\n\n"
             "The study was published in the Journal of Hepatology. {later}\n")


def test_a_news_headline_and_lede_report_the_study_the_story_names(lint_text):
    """'Research shows' above a story that names its journal is the story's study, cited; the
    body is still judged sentence by sentence."""
    found = [(f.rule, f.position.line) for f in lint_text(NEWS_LEDE.format(later="Studies show that tea helps too."))]
    assert found == [("unsupported-studies-show", 5)]


@pytest.mark.parametrize("text", [
    NEWS_LEDE.replace("published in the Journal of Hepatology", "good news").format(later=""),  # no study named
    "Helps the liver: research shows coffee protects the liver.\n\nStudies show two cups a day help.\n\n"
    "A study published in a journal agrees.\n",  # no headline: a list of benefits
])
def test_without_a_named_study_or_a_headline_the_lede_is_judged_as_it_is(lint_text, text):
    assert [f.position.line for f in lint_text(text) if f.rule == "unsupported-studies-show"][:2] == [1, 3]


# --- news: quotations a speaker is named for, background research, criticised hype ----------

def test_a_quotation_attributed_to_a_speaker_is_reported_however_long(lint_text):
    """A researcher's 'game changer' two sentences into a quotation that ', said Dr Lee' names
    is reported speech, lowered as 'said' in its sentence would lower it; the same sentence
    quoted with only a name under it (a shop's customer) keeps its grade."""
    quoted = ('"We watched patients who had been in hospital every winter stay at home for the whole '
              'season, and their doctors saw it too," said Dr Ann Lee, who led the work at the clinic. '
              '"We had hoped for a small change in the numbers. This is a game changer."')
    (f,) = [f for f in sentence_findings(lint_text, quoted) if f.rule == "sensational-hype"]
    assert (f.text, str(f.severity), f.context[0].type, f.context[0].cue) == (
        "game changer", "info", "reported", "said")
    alone = '"We had hoped for a small change in the numbers. This is a game changer." - Ann, Leeds'
    assert [str(f.severity) for f in sentence_findings(lint_text, alone) if f.rule == "sensational-hype"] == ["minor"]


@pytest.mark.parametrize("sentence", [
    "Research has shown that babies born by caesarean section are more likely to develop asthma.",
    "Studies have found that runners are injured more often than walkers.",
    "Experts agree that the disease is hard to spot in its early stages.",
    "Previous separate studies have shown that the diet lowers blood pressure.",
    "Recent clinical trials have shown the tablet to be safe and effective.",
])
def test_background_research_in_a_story_is_no_unsupported_appeal(lint_text, sentence):
    """What research found about a disease, a risk or a mechanism is a story's background;
    the story's own or earlier named studies are its sources."""
    assert [f for f in sentence_findings(lint_text, sentence) if f.category == "unsupported-evidence"] == []


@pytest.mark.parametrize("sentence", [
    "Studies have shown that green tea helps you burn fat.",
    "Research shows that the cream clears acne in weeks.",
    "Experts agree that ashwagandha is a natural way to calm the mind.",
    "Studies show it is safe for children.",
])
def test_an_appeal_to_research_for_a_benefit_still_is(lint_text, sentence):
    assert {f.rule for f in sentence_findings(lint_text, sentence)} >= {"unsupported-studies-show"}


@pytest.mark.parametrize("sentence", [
    "Clinics were criticised for making claims about quick cures and miraculous improvements.",
    "The drug was hailed as a miracle for treating depression.",
    "The claim: the injections permanently remove pockets of fat.",
    "The article recounted how some patients seemed to make miraculous recoveries.",
])
def test_claims_others_are_said_to_make_are_reported(lint_text, sentence):
    found = [f for f in sentence_findings(lint_text, sentence) if f.severity >= Severity.MINOR]
    assert found == [] or all(f.context and f.context[0].type == "reported" for f in found)
    assert all(f.severity < Severity.MAJOR for f in found)


def test_a_byline_under_the_headline_does_not_end_the_lede(lint_text):
    """'By ...', 'Staff Reporter' and a language link between headline and lede are header."""
    text = ("Nasal spray eases migraines\n\nEn Español\n\nBy A. Writer\n\nHealth Reporter\n\n"
            "MONDAY (News) -- A nasal spray cuts migraine pain, preliminary research indicates "
            "and studies show that it works within an hour.\n\n"
            "The study was published in the journal Headache. Studies show that tea helps too.\n")
    assert [(f.rule, f.position.line) for f in lint_text(text) if f.rule == "unsupported-studies-show"] == [
        ("unsupported-studies-show", 11)]


def test_hype_described_by_someone_is_reported(lint_text):
    (f,) = [f for f in sentence_findings(lint_text, "The trial is described by the lead researcher as a game changer.")
            if f.rule == "sensational-hype"]
    assert str(f.severity) == "info" and f.context[0].type == "reported"


@pytest.mark.parametrize("sentence", [
    "It would be overreaching to say that we are curing cancer with this.",
    "It is too early to say the vaccine cures the disease.",
    "The drugs are still hopeful if they have no unwanted side effects.",
])
def test_a_claim_declined_or_a_condition_is_no_claim(lint_text, sentence):
    assert [f for f in sentence_findings(lint_text, sentence) if f.severity >= Severity.MINOR] == []


def test_a_quotation_that_runs_on_over_paragraphs_is_one_quotation(lint_text):
    """Each paragraph of a long quotation opens it again; only the last closes it."""
    text = ('The patient said: "I knew at once that I had been given the drug.\n\n'
            '"For me it felt like a wonder drug, and I cannot wait for it to be sold."\n\n'
            '"This wonder drug changed my life." - Jo, 54\n')
    found = [(f.position.line, str(f.severity)) for f in lint_text(text) if f.rule == "sensational-hype"]
    assert found == [(3, "info"), (5, "minor")]


def test_a_paragraph_quotes_one_speaker(lint_text):
    """A quotation after an attributed one in the same paragraph is the same person's; in the
    next paragraph it is not, unless that paragraph ends by introducing it ('..., said:')."""
    text = ('"Heart failure is an epidemic that fills our wards every winter, and we have long '
            'looked for a way to act sooner," says Dr. Heather Ross, scientific lead at the heart '
            'centre. "The sensor lets us act before the symptoms. This is a big game-changer."\n\n'
            'The trial lead, Professor Kim of the cancer institute, said:\n\n'
            '"The drug could be a real game-changer for patients with this cancer."\n\n'
            'Readers wrote in.\n\n"This drug is a game-changer for my family."\n')
    found = [(f.position.line, str(f.severity), f.context[0].cue if f.context else None)
             for f in lint_text(text) if f.rule == "sensational-hype"]
    assert found == [(1, "info", "says"), (5, "info", "said"), (9, "minor", None)]


def test_a_reply_is_attributed(lint_text):
    text = ('Asked what had changed, they replied, "Our son is still with us, and so is his sister." '
            '"That is the miracle."\n')
    (f,) = [f for f in lint_text(text) if f.rule == "sensational-hype"]
    assert (str(f.severity), f.context[0].type) == ("info", "reported")


@pytest.mark.parametrize("signed", [
    '"This new drug could be a game changer for the treatment of asthma" - Professor Chris Bright, '
    'Senior Fellow at the University',
    '"This blood test could be a game changer. The earlier the diagnosis, the earlier we act." '
    'M. Wade Shrader, MD, Chief of the Cerebral Palsy Centre',
])
def test_a_quotation_signed_with_a_title_or_degree_is_attributed(lint_text, signed):
    """A pull quote signed by a professor or a doctor is that person's; a quotation signed
    with a bare name (a shop's customer) is not (test above)."""
    (f,) = [f for f in sentence_findings(lint_text, signed) if f.rule == "sensational-hype"]
    assert (str(f.severity), f.context[0].type) == ("info", "reported")


def test_a_paragraph_names_its_speaker_once(lint_text):
    """News attributes a paragraph once ('..., Tamborlane said.'): its other sentences are
    the speaker's paraphrase. A speaker that is no person ('many researchers said', 'the box
    says'), the idiom 'That said', another paragraph, or a paragraph too long to be one
    speaker's (a text on one line) does not spread."""
    def grades(text):
        return [(f.position.line, str(f.severity)) for f in lint_text(text) if f.rule == "unsupported-studies-show"]

    assert grades("Studies have shown that adults who used the monitor were able to reduce their blood "
                  "sugar. However, teenagers did not see a benefit, Tamborlane said.\n\n"
                  "Studies show that the monitor helps.\n") == [(1, "info"), (3, "minor")]
    assert grades("For instance, studies have shown that the compound can help slow the virus. But he "
                  "cautions that supplements differ, says Dr. Seeff.\n") == [(1, "info")]
    assert grades("Many researchers said CBD calms the mind. Studies show it helps with sleep.\n") == [(1, "minor")] * 2
    assert grades("That said, studies show that the cream clears acne.\n") == [(1, "minor")]
    long = "Studies show that the pill helps. " + "Patients came back every week. " * 40 + "Lee said so.\n"
    assert grades(long) == [(1, "minor")]


@pytest.mark.parametrize("text, fires", [
    # the negation reaches the claim's words: it negates the claim (and without it, a claim)
    ("Acne is not caused by dirty skin, whatever you heard before starting isotretinoin.", False),
    ("Acne is caused by dirty skin, whatever you heard before starting isotretinoin.", True),
    # it ends at "because" with "ideal": the claim after it stands
    ("Flu vaccines are far from ideal because their efficacy and safety are in doubt.", True),
])
def test_a_negation_inside_a_gap_counts_only_when_it_reaches_the_claim(lint_text, text, fires):
    rules = {f.rule for f in lint_text(text)}
    claims = {"acne-hygiene-diet-myth", "misinformation-flu-vaccine-useless"}
    assert bool(rules & claims) == fires, rules


PULL_QUOTE = ("Heart pumps help more patients\n\nDoctors implant more pumps every year.\n\n{heading}\n\n"
              "“The Holy Grail is for a sick patient to get a pump, which immediately helps,” said Dr. Ann Lee.\n\n"
              "Pumps need power packs.\n")


@pytest.mark.parametrize("heading, graded", [
    ("HOLY GRAIL", ["info"]),  # the cardiologist's words, quoted just below: reported
    ("THE HOLY GRAIL OF HEART CARE", ["minor"]),  # more than the quotation says: the page's own
    ("MIRACLE CURE", ["minor"]),  # words no quotation below says
])
def test_a_heading_that_repeats_a_quotation_below_is_the_speakers(lint_text, heading, graded):
    found = [f for f in lint_text(PULL_QUOTE.format(heading=heading), "story.txt")
             if f.rule == "sensational-hype" and f.position.line == 5]
    assert [str(f.severity) for f in found] == graded


def test_a_quoted_heading_repeating_reassurance_below_is_the_speakers(lint_text):
    """The FakeHealth case: "No side effects" in quotation marks over a podiatrist's "plus,
    there's no side effects," he says."""
    text = ("Lasers for nail fungus\n\nThe laser is new.\n\n‘No side effects’\n\n"
            "Compared with pills, he says, “the odds are better with the laser; plus, there’s no side effects.”\n")
    found = {(f.position.line, str(f.severity)) for f in lint_text(text, "story.txt") if f.rule == "risk-no-side-effects"}
    assert (5, "info") in found and not {s for line, s in found if line == 5} - {"info"}


def test_a_markdown_heading_repeating_a_quotation_is_the_speakers():
    """Read as Markdown (the heading is one the format marks, its "##" not in the prose)."""
    import claimcheck

    text = PULL_QUOTE.format(heading="## Holy grail").replace("Heart pumps", "# Heart pumps", 1)
    result = claimcheck.lint_text(text, filename="story.md", isolated=True)
    found = [f for f in result.findings if f.rule == "sensational-hype" and f.position.line == 5]
    assert [(str(f.severity), f.position.column) for f in found] == [("info", 4)]


# --- news is not marketing: label sections, clauses, embedded questions (issue 14) -----------

LABEL_PAGE = """Acme Pharma reports results of the NOVA trial

The NOVA trial of Fictazole met its main goal, the company said today.

IMPORTANT SAFETY INFORMATION

Fictazole can cause serious bleeding. Call your doctor if you bleed easily.

How should I take Fictazole?

Take Fictazole exactly as your doctor tells you. If you miss a dose, take it as soon as you remember. You may take 2 doses at the same time to make up for the missed dose.

About Acme Pharma

Acme Pharma makes medicines for the heart.
"""


@pytest.mark.parametrize("heading", [
    "How should I take Fictazole?", "Dosage and Administration", "MEDICATION GUIDE",
    "What if I miss a dose?", "Important Safety Information"])
def test_a_label_heading_makes_its_section_the_labels_dosing(lint_text, heading):
    """A drug's own labelling copied into a page (a press release's safety information) gives
    the label's dosing, not the page's advice to change a dose; outside the section, and in
    prose, the same words are a finding."""
    text = LABEL_PAGE.replace("How should I take Fictazole?", heading)
    assert [f.rule for f in lint_text(text) if f.category == "dosing"] == []
    own = LABEL_PAGE.replace("How should I take Fictazole?", "Our tips for busy people")
    doubled = [(f.rule, f.position.line) for f in lint_text(own) if f.category == "dosing"]
    assert doubled == [("dosing-double-dose", 11)]
    # the frame ends at the next heading: the same advice under "About Acme Pharma" is a finding
    later = LABEL_PAGE.replace("Acme Pharma makes medicines for the heart.",
                               "You may take 2 doses at the same time to make up for a missed dose.")
    assert [(f.rule, f.position.line) for f in lint_text(later) if f.category == "dosing"] == [
        ("dosing-double-dose", 15)]


@pytest.mark.parametrize("sentence", [
    # the benefit is another clause's: what the studies show is a limitation, a harm, a prevalence
    "While it is safer and has fewer side effects, studies have found that its protective effects wane within a year.",
    "Fatigue has been found to lower quality of life, and studies have shown that 60 to 90 percent of patients report it.",
    "Research has shown that even short-term use can lead to dependence — partly from its effectiveness at relieving pain.",
])
def test_studies_show_needs_a_benefit_in_its_own_clause(lint_text, sentence):
    assert [f.rule for f in sentence_findings(lint_text, sentence)] == []


@pytest.mark.parametrize("sentence", [
    "Although it is not approved for weight loss, studies show that it lowers blood pressure.",
    "Every 10 percent drop, research shows, reduces complications by a third.",
    "Walking lowers the risk of stroke, studies have found.",
    "Studies show: the tea melts belly fat in a week.",
])
def test_studies_show_with_a_benefit_in_its_clause_is_a_finding(lint_text, sentence):
    assert "unsupported-studies-show" in [f.rule for f in sentence_findings(lint_text, sentence)]


@pytest.mark.parametrize("sentence", [
    "The next step is a longer trial to see if the cream can truly provide a permanent cure.",
    "Doctors wonder whether the drug is a permanent cure.",
    "It remains to be seen whether the effect is permanent remission.",
])
def test_a_question_inside_a_sentence_is_not_claimed(lint_text, sentence):
    assert [f.rule for f in sentence_findings(lint_text, sentence)] == []


def test_what_someone_heard_is_reported(lint_text):
    heard = sentence_findings(lint_text, "She soon heard that studies show the tea eases joint pain.")
    assert [(f.rule, str(f.severity), [c.cue for c in f.context]) for f in heard] == [
        ("unsupported-studies-show", "info", ["heard that"])]
    own = sentence_findings(lint_text, "Studies show the tea eases joint pain.")
    assert [(f.rule, str(f.severity)) for f in own] == [("unsupported-studies-show", "minor")]


def test_a_bracketed_footnote_after_a_word_is_a_citation(lint_text):
    assert sentence_findings(lint_text, "Studies show that 94% of users improved within a week.[12] It comes in a pen.") == []
    assert sentence_findings(lint_text, "Studies show that relapse is rare[3,4] in most patients.") == []


@pytest.mark.parametrize("naming", [
    "Jane Roe was lead author of the study, published Aug. 8 in the online edition of Nature.",
    "The study is being presented during the Annual Meeting of the Urology Society.",
])
def test_a_lede_whose_story_names_the_study_is_cited(lint_text, naming):
    text = ("Studies Show Fruit Extract Dissolves Kidney Stones\n\n"
            f"Researchers have found that a fruit extract dissolves kidney stones in a week.\n\n{naming}\n")
    assert [f.rule for f in lint_text(text) if f.category == "unsupported-evidence"] == []


def test_that_before_studies_is_a_conjunction_not_that_study(lint_text):
    """'said that studies show' reports studies in general; 'that study' is one study (a lemma
    pattern "that (study)" once took the plural for it and dropped the claim altogether)."""
    found = {(f.rule, str(f.severity)) for f in sentence_findings(
        lint_text, "He said that studies show the oil kills cancer cells.")}
    assert found >= {("unsupported-studies-show", "info"), ("overclaim-anticancer-product", "minor")}
    assert sentence_findings(lint_text, "That study showed the oil kills cancer cells in mice.") == []


@pytest.mark.parametrize("text", ["", "one", "A line.\nAnother line.\n\n  Third \"quoted\" one.\n",
                                  "\n\nLeading breaks, then words.\n \nand a space line\n",
                                  "No break at all, just one paragraph of words."])
def test_paragraphs_found_from_arrays_are_those_walked_token_by_token(text):
    """context._Paragraphs bisects the Doc's line-break tokens: the same [lo, hi) as walking
    out from the tokens while no white space token holds a line break."""
    import spacy

    from claimcheck.nlp.context import _Paragraphs

    doc = spacy.blank("en")(text)

    def walked(first: int, last: int) -> tuple[int, int]:
        lo, hi = first, last + 1
        while lo > 0 and not (doc[lo - 1].is_space and "\n" in doc[lo - 1].text):
            lo -= 1
        while hi < len(doc) and not (doc[hi].is_space and "\n" in doc[hi].text):
            hi += 1
        return lo, hi

    paragraphs = _Paragraphs(doc)
    for first in range(len(doc)):
        for last in range(first, len(doc)):
            assert paragraphs.around(first, last) == walked(first, last)


@pytest.mark.parametrize("prefilter", [True, False])
def test_a_title_frame_holds_when_the_text_opens_with_blank_lines(linter, prefilter):
    """The blank lines above a title belong to its sentence: the frame still governs the page,
    with the prefilter (which leaves them out) and without it."""
    from claimcheck import text_document

    text = ("\n\nTop 5 false weight loss claims\n\nThis miracle pill melts fat away overnight.\n\n"
            "It is a secret weapon against belly fat.\n")
    assert linter.configured(prefilter=prefilter).lint(text_document(text, "page.txt")) == []
    untitled = text.replace("Top 5 false weight loss claims", "Our new range")
    assert linter.configured(prefilter=prefilter).lint(text_document(untitled, "page.txt")) != []


@pytest.mark.parametrize("sentence, severity", [
    ("Few patients get it yet, but Jongen is hopeful that cheaper machines will be the game changer.", "info"),
    ("Dr. Smith believes the new pill is a game changer.", "info"),
    ("We are hopeful that this pill is a game changer.", "minor"),  # the page's own voice
    ("Many doctors believe the new pill is a game changer.", "minor"),  # no one named
])
def test_a_named_persons_hope_or_belief_is_reported(lint_text, sentence, severity):
    (f,) = sentence_findings(lint_text, sentence)
    assert (f.rule, str(f.severity)) == ("sensational-hype", severity)


def test_a_named_study_opening_the_next_sentence_cites_the_appeal(lint_text):
    appeal = "Studies show that nasal rinsing seems to relieve sinus pain."
    assert [f.rule for f in sentence_findings(lint_text, appeal)] == ["unsupported-studies-show"]
    backed = appeal + " A 2009 review of research by the Cochrane Library found that rinsing helps."
    assert sentence_findings(lint_text, backed) == []
    # a study named later in the sentence, or one sentence further on, does not count
    later = appeal + " Rinsing is cheap. A 2009 review by the Cochrane Library agreed."
    assert [f.rule for f in sentence_findings(lint_text, later)] == ["unsupported-studies-show"]


def test_with_in_is_checked_by_the_schema_and_clause_narrows_with(cli, tmp_path):
    """with_in: one of sentence, clause (a typo is a rulebook error naming file and line); with
    clause, the with pattern must be in the match's own clause."""
    pack = ("pack: tonic\nrules:\n  - id: tonic-study\n    category: unsupported-evidence\n"
            "    severity: minor\n    message: Appeals to studies.\n    match: [\"studies show\"]\n"
            "    with: [\"lowers\"]\n    with_in: {where}\n    examples:\n"
            "      fire: [\"Studies show the tonic lowers blood pressure.\"]\n"
            "      no_fire: [\"Studies show the tonic tastes of mint.\"]\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text(pack.format(where="paragraph"), encoding="utf-8")
    run = cli("rules", "list", "--no-default-rules", "--rules", str(bad))
    assert run.code == 2
    assert any("'with_in' must be one of: sentence, clause" in line and f"{bad}:" in line
               for line in run.err.splitlines()), run.err
    text = tmp_path / "t.txt"
    text.write_text("It lowers costs, but studies show the tonic fails.\n"
                    "Studies show the tonic lowers blood pressure.\n", encoding="utf-8")
    for where, lines in (("sentence", ["1", "2"]), ("clause", ["2"])):
        good = tmp_path / f"{where}.yaml"
        good.write_text(pack.format(where=where), encoding="utf-8")
        run = cli("lint", "--no-default-rules", "--rules", str(good), "--format", "json", str(text))
        found = [str(f["line"]) for f in json.loads(run.out)["files"][0]["findings"] if f["rule"] == "tonic-study"]
        assert found == lines, (where, run.out)


@pytest.mark.parametrize("sentence, severity", [
    ("To 62-year-old Hal Kaye, the injection of his own stem cells was a miracle cure.", "info"),
    ("To her, the cream was nothing short of a miracle.", "info"),
    ("In the eyes of his patients, the new pill is a miracle cure.", "info"),
    ("To 50 patients, the clinic gave a miracle cure.", "minor"),  # a number, not a person's age
    ("The injection of stem cells is a miracle cure.", "minor"),  # the page's own voice
])
def test_a_persons_point_of_view_set_before_the_claim_is_reported(lint_text, sentence, severity):
    (f,) = sentence_findings(lint_text, sentence)
    assert (f.rule, str(f.severity)) == ("sensational-hype", severity)


STORY = ('Implant helps people with sleep apnea\n\n'
         'The device stimulates a nerve at night, the surgeon, Dr. Alvarez, said. It is not for everyone.\n\n'
         '"It worked for me and my lifestyle," Northrup says. Her insurer paid for most of it.\n')
SHOP = ('Deep sleep gummies\n\n'
        '"It worked for me and my lifestyle," says Robert. "I sleep all night now," says Anna.\n\n'
        'Order now and get free shipping on every bottle.\n')


def test_an_experience_told_in_a_page_that_reports_is_information(lint_text):
    """Journalism names the people it quotes: on a page with named speakers and no call to buy,
    a testimonial is someone's experience reported, graded info, with its reason given."""
    (f,) = [f for f in lint_text(STORY) if f.rule == "testimonial-anecdotes"]
    assert (f.position.line, str(f.severity)) == (5, "info")
    assert [c.type for c in f.context] == ["reporting"]


def test_a_shop_quoting_its_customers_still_sells(lint_text):
    found = [(f.position.line, str(f.severity)) for f in lint_text(SHOP) if f.rule == "testimonial-anecdotes"]
    assert found == [(3, "minor")]


def test_one_named_speaker_does_not_make_a_report(lint_text):
    one = STORY.replace(", the surgeon, Dr. Alvarez, said", "")
    (f,) = [f for f in lint_text(one) if f.rule == "testimonial-anecdotes"]
    assert str(f.severity) == "minor"


def test_a_reporting_page_leaves_other_categories_alone(lint_text):
    text = STORY + "\nStudies show that the implant cures snoring for good.\n"
    graded = {f.rule: str(f.severity) for f in lint_text(text)}
    assert graded["unsupported-studies-show"] == "minor"


@pytest.mark.parametrize("paragraph", [
    # a speech verb beyond "said", with a named speaker, makes the paragraph his
    "Still, Mehta agreed that the implant could help. If they know a seizure is coming, they might take an extra dose of their medicine.",
    # a name with an inner capital is a name
    "“The drug helps while it is given,” DePaolo said. For some women, it may take an extra dose of their medicine.",
])
def test_a_named_speakers_paragraph_is_reported_whatever_the_verb_or_name(lint_text, paragraph):
    (f,) = [f for f in lint_text(paragraph) if f.rule == "dosing-exceed-label"]
    assert "reported" in [c.type for c in f.context]


def test_agreement_without_a_named_speaker_is_not_speech(lint_text):
    (f,) = [f for f in lint_text("Doctors agreed it was time. This miracle cream clears acne.")
            if f.rule == "sensational-hype"]
    assert str(f.severity) == "minor"


@pytest.mark.parametrize("text, reports", [
    ('"It helps," said Dr. Lee. "It is cheap," says Ann Northrup.', True),   # the name after the verb
    ('"It helps," says Robert. "It is cheap," says Anna.', False),   # first names: a shop's customers
    ("It helps, DePaolo said. It is cheap, she added.", True),            # before it; a pronoun
    ("It helps, DePaolo said. It is cheap.", False),                      # one speaker
    ("It helps, DePaolo said. It is cheap, she added. Order now!", False),  # a call to buy
    ("Aforesaid, Unsaid things. Studies said it helps. Research says so.", False),  # no person
])
def test_what_makes_a_page_one_that_reports(text, reports):
    from claimcheck.nlp.context import reporting_page
    assert (reporting_page(text) is not None) == reports


MECHANISM = "Metformin has been shown to switch on an enzyme that helps block the growth of tumours."


def test_a_mechanism_is_a_storys_background_on_a_page_that_reports(lint_text):
    """`background` (unsupported-studies-show): how a drug works at the level of molecules is
    background in a story with named speakers, and an appeal to evidence on any other page."""
    story = ("Drug slows lung tumours in mice\n\n"
             "The mice lived longer, Dr. Ruiz said. The trial in people starts next year, she added.\n\n"
             + MECHANISM + "\n")
    assert [f.rule for f in lint_text(story) if f.rule == "unsupported-studies-show"] == []
    assert [f.rule for f in lint_text(MECHANISM) if f.rule == "unsupported-studies-show"] == ["unsupported-studies-show"]
    # a benefit with no molecule in it stays an appeal in a story too
    claim = story.replace(MECHANISM, "Metformin has been shown to help people live longer.")
    assert [f.rule for f in lint_text(claim) if f.rule == "unsupported-studies-show"] == ["unsupported-studies-show"]


def test_background_belongs_to_phrase_rules(cli, tmp_path):
    """A together rule with background is a rulebook error naming the file and line."""
    pack = tmp_path / "pack.yaml"
    pack.write_text("pack: tonic\nrules:\n  - id: tonic-cure\n    category: overclaim\n"
                    "    severity: minor\n    message: Claims a cure.\n    together: [\"cure\", \"cancer\"]\n"
                    "    background: [\"enzyme\"]\n    examples:\n      fire: [\"A cure for cancer.\"]\n"
                    "      no_fire: [\"A cure.\"]\n", encoding="utf-8")
    run = cli("rules", "list", "--no-default-rules", "--rules", str(pack))
    assert run.code == 2
    assert any("background cannot be used in a together rule" in line and f"{pack}:" in line
               for line in run.err.splitlines()), run.err
