"""A list item inherits the subject of its lead-in (lists.py, kinds/together.py)."""
import pytest

from claimcheck import build_linter, text_document
from claimcheck.documents.markdown import markdown_document
from claimcheck.lists import list_leads

SHOP = ("Order Accutane today:\n\n- no prescription needed\n- fast delivery\n\n"
        "Why choose our pharmacy for your Accutane:\n\n- cheap online ordering\n- friendly staff\n")


def test_items_and_their_lead_in():
    leads = list_leads(SHOP)
    lines = {SHOP[k:SHOP.index("\n", k)]: SHOP[a:b] for k, (a, b) in leads.items()}
    assert lines == {
        "- no prescription needed": "Order Accutane today:",
        "- fast delivery": "Order Accutane today:",
        "- cheap online ordering": "Why choose our pharmacy for your Accutane:",
        "- friendly staff": "Why choose our pharmacy for your Accutane:",
    }


def test_a_paragraph_ends_the_list():
    text = "Benefits:\n- clear skin\nThis is a full sentence of prose.\n- stray dash line\n"
    assert [text[k:text.index("\n", k)] for k in list_leads(text)] == ["- clear skin"]


@pytest.mark.parametrize("prefilter", [True, False])
def test_an_item_is_an_offer_under_an_offering_lead_in(prefilter):
    linter = build_linter().configured(prefilter=prefilter)
    found = [(f.rule, f.text, f.position.line) for f in linter.lint(text_document(SHOP, "shop.txt"))]
    assert ("sourcing-no-prescription", "no prescription", 3) in found
    assert ("isotretinoin-buy-online", "cheap online", 8) in found
    assert not any(line in (4, 9) for _, _, line in found)  # the other items say nothing


def test_markdown_lists_have_lead_ins_too(linter):
    text = "# Order Accutane today\n\n- no prescription needed\n- fast delivery\n"
    found = [(f.rule, f.position.line) for f in linter.lint(markdown_document(text, "shop.md"))]
    assert ("sourcing-no-prescription", 3) in found


def test_a_warning_lead_in_governs_its_items(lint_text):
    text = ("Isotretinoin can cause birth defects and depression.\n"
            "Never order Accutane from sites that promise:\n\n- no prescription needed\n- cheap online ordering\n")
    assert [f.rule for f in lint_text(text) if f.category == "unsafe-sourcing"] == []


def test_an_item_without_a_lead_in_stands_alone(lint_text):
    text = "Isotretinoin can cause birth defects and depression. Accutane clears skin.\n\n- no prescription needed\n"
    assert "sourcing-no-prescription" not in {f.rule for f in lint_text(text)}
