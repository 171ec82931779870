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
