"""Score and grade, and the Finding's positions."""
from claimcheck.findings import Finding, Position, Severity, grade, score


def finding(rule: str, severity: Severity) -> Finding:
    return Finding(rule, "overclaim", severity, "m", Position(1, 1, 1, 2, 0, 1), "x", "x")


def test_score_subtracts_per_severity_and_caps_each_rule_at_three():
    assert score([]) == 100
    assert score([finding("a", Severity.CRITICAL)]) == 70
    assert score([finding("a", Severity.MAJOR), finding("b", Severity.MINOR), finding("c", Severity.INFO)]) == 85
    assert score([finding("a", Severity.MINOR)] * 10) == 88  # only three count
    assert score([finding(str(i), Severity.CRITICAL) for i in range(5)]) == 0


def test_grade_boundaries():
    assert [grade(s) for s in (100, 90, 89, 80, 79, 70, 69, 60, 59, 0)] == list("AABBCCDDFF")


def test_severity_lowering_stops_at_info():
    assert Severity.CRITICAL.lowered() == Severity.MAJOR
    assert Severity.INFO.lowered() == Severity.INFO


def test_multiline_positions(lint_text):
    text = "Isotretinoin can cause birth defects and depression.\nIt is a\npermanent remission? No.\n\nIt is a permanent\nremission for all."
    (f,) = lint_text(text)
    assert (f.position.line, f.position.column, f.position.end_line, f.position.end_column) == (5, 9, 6, 10)
    assert text[f.position.start:f.position.end] == "permanent\nremission"
