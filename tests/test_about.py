"""A document rule applies to a document about the drug (requires ... about), not to one that
names it: texts written here, each beside the look-alike that is about the drug."""
import pytest

PREGNANCY = "finasteride-missing-pregnancy-warning"
THYROID = "glp1-missing-thyroid-warning"


def rules_of(lint_text, text):
    return {f.rule for f in lint_text(text)}


def test_a_strength_in_the_products_name_is_no_dose(lint_text):
    leaflet = ("Finasteride 5 mg Tablets\n\nFinasteride 5 mg Tablets shrink an enlarged prostate. "
               "Ask your doctor whether Finasteride 5 mg Tablets suit you. "
               "Finasteride 5 mg Tablets are not for children.\n")
    assert PREGNANCY not in rules_of(lint_text, leaflet)
    shop = leaflet.rstrip() + " Take one tablet a day with water. Order a three-month pack at a discount.\n"
    assert PREGNANCY in rules_of(lint_text, shop)


@pytest.mark.parametrize("text", [
    "Berberine is nature's Ozempic, fans say. Berberine is a plant extract sold as capsules.",
    "Some call berberine the \"natural Ozempic\". It is a plant extract; trials are small.",
])
def test_a_nickname_is_not_the_drug(lint_text, text):
    assert THYROID not in rules_of(lint_text, text)


def test_a_prescription_sold_online_makes_the_page_about_the_drug(lint_text):
    text = ("Mounjaro helps adults with type 2 diabetes. You may want a Mounjaro prescription online. "
            "Get your prescription online in minutes and start this week.\n")
    assert THYROID in rules_of(lint_text, text)


def test_a_search_term_in_quotation_marks_is_mentioned_not_offered(lint_text):
    news = ('A search for "buy Ozempic" lists dozens of sites. Regulators say many of them sell fakes '
            'of Ozempic. "Order Ozempic now" banners appear on social media.\n')
    assert THYROID not in rules_of(lint_text, news)
    shop = "Buy Ozempic online now. Ozempic pens ship free, from $199 per pen.\n"
    assert THYROID in rules_of(lint_text, shop)


def test_sellers_described_in_a_story_do_not_make_it_about_the_drug(lint_text):
    story = ("He mentioned finding websites offering tramadol, no questions asked. "
             "The company was sued for allegedly selling tramadol without a prescription.\n")
    assert not {r for r in rules_of(lint_text, story) if r.endswith("-warning")}


@pytest.mark.parametrize("yardstick", ["cheaper than Ozempic", "a natural alternative to Ozempic",
                                       "an Ozempic alternative", "as good as Ozempic"])
def test_a_drug_named_as_a_yardstick_is_not_the_subject(lint_text, yardstick):
    """A sentence that names X only to compare something with it does not make the page about
    X, even when it sells (the berberine); nor does a price of another product beside X's."""
    story = (f"Berberine is {yardstick}, and you can buy it online. "
             "Ozempic has a list price of $935 a month, and a bottle of berberine costs $30.\n")
    assert THYROID not in rules_of(lint_text, story)
    shop = ("Ozempic is a weekly injection, and you can buy it online. "
            "Ozempic has a list price of $935 a month, and a box of pen needles costs $30.\n")
    assert THYROID in rules_of(lint_text, shop)


def test_news_of_a_change_in_legal_status_is_no_offer(lint_text):
    news = ("Viagra: in the future without a prescription, but still from the pharmacy\n\n"
            "A committee will advise next week whether sildenafil should stay prescription only.\n")
    found = rules_of(lint_text, news)
    assert not {"pde5-no-prescription", "sourcing-no-prescription"} & found
    assert not {"pde5-missing-nitrate-warning", "pde5-missing-priapism-warning"} & found
    shop = "Viagra without a prescription, shipped in 24 hours. Take one 50 mg tablet an hour before sex.\n"
    found = rules_of(lint_text, shop)
    assert "sourcing-no-prescription" in found  # core's rule reports the drug named without one
    assert {"pde5-missing-nitrate-warning", "pde5-missing-priapism-warning"} <= found


def test_a_diary_of_ones_own_course_does_not_instruct(lint_text):
    """Doses in the first person, with no "you", tell of a course, not how to take the drug."""
    diary = ("Week one of my Accutane course. I have been prescribed 25 mg of Accutane a day, "
             "lower than my dermatologist's usual starting dose. I take it with dinner.\n")
    assert "isotretinoin-missing-pregnancy-warning" not in rules_of(lint_text, diary)
    advice = ("Week one of my Accutane course. I was prescribed 25 mg of Accutane a day; "
              "you should start on 25 mg too. Take it with dinner.\n")
    assert "isotretinoin-missing-pregnancy-warning" in rules_of(lint_text, advice)


def test_a_companys_business_is_no_offer(lint_text):
    """Sales figures and investors in a business story about a trial do not sell the drug."""
    story = ("Novo's top-selling diabetes drug Victoza cut heart risks by 13 percent in a trial. "
             "Investors had hoped for more. Victoza had sales of $2.7 billion last year.\n")
    assert THYROID not in rules_of(lint_text, story)
    shop = ("Victoza pens are in stock. Victoza costs $199 per pen with free shipping. "
            "Inject it once a day.\n")
    assert THYROID in rules_of(lint_text, shop)


@pytest.mark.parametrize("opening", [
    "Patient Leaflet Updated 01-Jan-2026\nAccutane 20 mg capsules\n",
    "Package leaflet: information for the user\n\nAccutane 20 mg capsules\n",
    "Medication Guide\nAccutane (isotretinoin) capsules\n",
    "Precautions\n\nDrug information provided by: a drug reference\n",
    "Highlights of prescribing information\nACCUTANE capsules, for oral use\n",
])
def test_a_drugs_reference_information_is_where_its_warnings_are(lint_text, opening):
    """A leaflet's page (often one section of it: "How to take", "Precautions") instructs about
    the drug without carrying every warning; the same body under a shop's title does not."""
    body = ("How to take Accutane. Take one 20 mg capsule twice a day with food. "
            "Swallow the capsules whole. Your doctor may change your dose after a month.\n")
    assert "isotretinoin-missing-pregnancy-warning" not in rules_of(lint_text, opening + body)
    shop = "Accutane 20 mg: fast delivery, discreet packaging\n" + body
    assert "isotretinoin-missing-pregnancy-warning" in rules_of(lint_text, shop)
    # a label line further down a shop's page is no reference document
    late = shop + "Some text.\n" * 40 + "Medication Guide\n"
    assert "isotretinoin-missing-pregnancy-warning" in rules_of(lint_text, late)
