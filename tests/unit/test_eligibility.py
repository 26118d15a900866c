"""Eligibility rules as applicants meet them: codes, outcomes and the next open term."""

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from membership_forms.eligibility import (
    DONATION_RULES,
    EFFECTS,
    INTERNSHIP_RULES,
    MEMBERSHIP_RULES,
    MESSAGES,
    SUPPORTER_RULES,
    Category,
    Code,
    DocumentCheck,
    DonationApplication,
    Effect,
    InternshipApplication,
    NetworkAffiliationRule,
    OrganisationApplication,
    Outcome,
    Reason,
    RegistrationRule,
    Result,
    evaluate,
    import_rules,
)
from membership_forms.terms import (
    add_months,
    next_open_term,
    open_terms,
    parse_term,
    term_deadline,
)

RECEIVED = date(2027, 3, 10)


# The rules each form kind declares (membership_forms/kinds/<kind>.py).
RULES = {
    "membership": MEMBERSHIP_RULES,
    "supporter": SUPPORTER_RULES,
    "internship": INTERNSHIP_RULES,
    "donation": DONATION_RULES,
    "newsletter": (),
}


def screen(application: Any, kind: str, received_on: date = RECEIVED) -> Result:
    """Evaluate with the rules the kind declares, as the worker does."""
    return evaluate(application, import_rules(RULES[kind]), received_on)


# An NGO in Kenya with an active RtoP programme: the model applicant.
KENYAN_NGO = OrganisationApplication(
    kind=Category.MEMBERSHIP,
    organisation_type="ngo",
    legally_registered=True,
    government_controlled=False,
    independent=True,
    endorses_common_understanding=True,
    has_rtop_programme=True,
    willing_to_commit=True,
)

# The same NGO as a Supporter, without a programme of its own (no membership suggestion).
KENYAN_SUPPORTER = replace(KENYAN_NGO, kind=Category.SUPPORTER, has_rtop_programme=False)
BY_KIND = {Category.MEMBERSHIP: KENYAN_NGO, Category.SUPPORTER: KENYAN_SUPPORTER}

GOOD_DOCUMENTS = (
    DocumentCheck("cover_letter", present=True, valid=True, pages=1),
    DocumentCheck("resume", present=True, valid=True, pages=2),
    DocumentCheck("writing_sample", present=True, valid=True, pages=4),
)

# A graduate student applying in time for Summer 2027, for three months.
STUDENT = InternshipApplication(
    term="summer-2027",
    start_date=date(2027, 6, 1),
    end_date=date(2027, 9, 1),
    study_level="graduate",
    english_proficiency="fluent",
    documents=GOOD_DOCUMENTS,
)


def with_sample(**changes: Any) -> InternshipApplication:
    sample = replace(GOOD_DOCUMENTS[2], **changes)
    return replace(STUDENT, documents=(*GOOD_DOCUMENTS[:2], sample))


# --- Organisations -----------------------------------------------------------------------


def test_kenyan_ngo_with_rtop_programme_is_eligible_as_member() -> None:
    result = screen(KENYAN_NGO, Category.MEMBERSHIP)
    assert result.outcome == Outcome.ELIGIBLE
    assert result.reasons == ()


@pytest.mark.parametrize("kind", [Category.MEMBERSHIP, Category.SUPPORTER])
@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"government_controlled": True}, Code.GOVERNMENT_CONTROLLED),
        ({"independent": False}, Code.NOT_INDEPENDENT),
        ({"organisation_type": "individual"}, Code.INDIVIDUAL_APPLICANT),
        ({"organisation_type": "private_company"}, Code.FOR_PROFIT),
        ({"endorses_common_understanding": False}, Code.NO_ENDORSEMENT),
    ],
)
def test_organisation_bars_apply_to_members_and_supporters(
    kind: Category, changes: dict[str, Any], code: Code
) -> None:
    result = screen(replace(BY_KIND[kind], **changes), kind)
    assert result.codes == (code,)
    assert result.outcome == Outcome.INELIGIBLE


@pytest.mark.parametrize("organisation_type", ["academic", "private_nonprofit", "ngo"])
def test_accepted_organisation_types_pass(organisation_type: str) -> None:
    result = screen(replace(KENYAN_NGO, organisation_type=organisation_type), Category.MEMBERSHIP)
    assert result.outcome == Outcome.ELIGIBLE


def test_individual_is_pointed_to_the_newsletter() -> None:
    result = screen(replace(KENYAN_NGO, organisation_type="individual"), Category.SUPPORTER)
    assert "newsletter" in result.reasons[0].text


@pytest.mark.parametrize("kind", [Category.MEMBERSHIP, Category.SUPPORTER])
def test_unregistered_organisation_is_reviewed_not_refused(kind: Category) -> None:
    result = screen(replace(BY_KIND[kind], legally_registered=False), kind)
    assert result.codes == (Code.NOT_REGISTERED,)
    assert result.outcome == Outcome.NEEDS_REVIEW


@pytest.mark.parametrize("changes", [{"has_rtop_programme": False}, {"willing_to_commit": False}])
def test_member_without_rtop_programme_or_commitment_is_sent_to_supporter(
    changes: dict[str, Any],
) -> None:
    result = screen(replace(KENYAN_NGO, **changes), Category.MEMBERSHIP)
    assert result.codes == (Code.NO_RTOP_PROGRAMME,)
    assert result.outcome == Outcome.INELIGIBLE
    assert "NGO Supporter" in result.reasons[0].text


def test_supporter_needs_no_rtop_programme() -> None:
    result = screen(replace(KENYAN_SUPPORTER, willing_to_commit=False), Category.SUPPORTER)
    assert result.reasons == ()
    assert result.outcome == Outcome.ELIGIBLE


def test_committed_supporter_is_told_about_membership_without_changing_outcome() -> None:
    result = screen(replace(KENYAN_NGO, kind=Category.SUPPORTER), Category.SUPPORTER)
    assert result.codes == (Code.SUGGEST_MEMBERSHIP,)
    assert result.reasons[0].effect == Effect.INFO
    assert result.outcome == Outcome.ELIGIBLE


def test_supporter_with_programme_but_no_commitment_gets_no_suggestion() -> None:
    supporter = replace(KENYAN_NGO, kind=Category.SUPPORTER, willing_to_commit=False)
    assert screen(supporter, Category.SUPPORTER).reasons == ()


def test_regional_network_in_west_africa_waits_for_the_secretariat() -> None:
    network = replace(KENYAN_NGO, organisation_type="network", network_scope="regional")
    result = screen(network, Category.MEMBERSHIP)
    assert result.codes == (Code.NETWORK_AFFILIATION,)
    assert result.outcome == Outcome.NEEDS_REVIEW


def test_ngo_declaring_a_national_scope_is_treated_as_a_network() -> None:
    result = screen(replace(KENYAN_NGO, network_scope="national"), Category.MEMBERSHIP)
    assert result.codes == (Code.NETWORK_AFFILIATION,)


def test_network_joining_as_supporter_needs_no_affiliation_approval() -> None:
    network = replace(
        KENYAN_NGO, kind=Category.SUPPORTER, organisation_type="network", network_scope="regional"
    )
    assert list(NetworkAffiliationRule().check(network, RECEIVED)) == []
    assert Code.NETWORK_AFFILIATION not in screen(network, Category.SUPPORTER).codes


def test_for_profit_company_hears_every_reason_at_once() -> None:
    company = replace(
        KENYAN_NGO,
        organisation_type="private_company",
        legally_registered=False,
        endorses_common_understanding=False,
        has_rtop_programme=False,
    )
    result = screen(company, Category.MEMBERSHIP)
    assert result.codes == (
        Code.FOR_PROFIT,
        Code.NO_ENDORSEMENT,
        Code.NOT_REGISTERED,
        Code.NO_RTOP_PROGRAMME,
    )
    assert result.outcome == Outcome.INELIGIBLE


# --- Internship terms and deadlines ------------------------------------------------------


@pytest.mark.parametrize(
    ("term", "deadline"),
    [
        ("summer-2027", date(2027, 4, 1)),
        ("fall-2027", date(2027, 8, 1)),
        ("spring-2028", date(2027, 12, 1)),
    ],
)
def test_term_deadlines(term: str, deadline: date) -> None:
    assert term_deadline(term) == deadline


def test_parse_term() -> None:
    assert parse_term("fall-2027") == ("fall", 2027)


@pytest.mark.parametrize(
    "junk",
    [
        "winter-2027",
        "Summer-2027",
        "summer-27",
        "summer 2027",
        "summer-2027x",
        "fall-0999",
        "",
        None,
    ],
)
def test_junk_terms_are_refused(junk: Any) -> None:
    with pytest.raises(ValueError, match="Not an internship term"):
        parse_term(junk)
    with pytest.raises(ValueError, match="Not an internship term"):
        replace(STUDENT, term=junk)


@pytest.mark.parametrize(
    ("today", "terms"),
    [
        (date(2027, 1, 15), ["summer-2027", "fall-2027", "spring-2028"]),
        (date(2027, 4, 1), ["summer-2027", "fall-2027", "spring-2028"]),
        (date(2027, 4, 2), ["fall-2027", "spring-2028", "summer-2028"]),
        (date(2027, 8, 2), ["spring-2028", "summer-2028", "fall-2028"]),
        (date(2027, 12, 1), ["spring-2028", "summer-2028", "fall-2028"]),
        (date(2027, 12, 2), ["summer-2028", "fall-2028", "spring-2029"]),
    ],
)
def test_open_terms_on_and_after_deadline_days(today: date, terms: list[str]) -> None:
    assert open_terms(today) == terms


def test_open_terms_count() -> None:
    assert open_terms(date(2027, 4, 2), count=1) == ["fall-2027"]
    assert open_terms(date(2027, 4, 2), count=0) == []
    assert len(open_terms(date(2027, 4, 2), count=7)) == 7


def test_next_open_term_after_fall_deadline_is_spring_of_next_year() -> None:
    assert next_open_term(date(2027, 8, 2)) == "spring-2028"


# --- Internship applications -------------------------------------------------------------


def test_complete_application_in_time_is_eligible() -> None:
    result = screen(STUDENT, "internship")
    assert result.reasons == ()
    assert result.outcome == Outcome.ELIGIBLE


def test_summer_application_on_deadline_day_is_in_time() -> None:
    result = screen(STUDENT, "internship", received_on=date(2027, 4, 1))
    assert Code.LATE_APPLICATION not in result.codes


def test_student_applying_late_for_summer_is_offered_fall() -> None:
    result = screen(STUDENT, "internship", received_on=date(2027, 4, 2))
    assert result.codes == (Code.LATE_APPLICATION,)
    assert result.outcome == Outcome.INELIGIBLE
    late = result.reasons[0]
    assert late.params == {
        "term": "summer-2027",
        "deadline": "2027-04-01",
        "next_term": "fall-2027",
    }
    assert late.text == (
        "Applications for the summer-2027 internship closed on 2027-04-01. "
        "The next open term is fall-2027."
    )


def test_spring_deadline_falls_in_the_previous_year() -> None:
    spring = replace(
        STUDENT, term="spring-2028", start_date=date(2028, 1, 10), end_date=date(2028, 4, 10)
    )
    on_time = screen(spring, "internship", received_on=date(2027, 12, 1))
    late = screen(spring, "internship", received_on=date(2027, 12, 2))
    assert on_time.outcome == Outcome.ELIGIBLE
    assert late.codes == (Code.LATE_APPLICATION,)
    assert late.reasons[0].params["next_term"] == "summer-2028"


def test_missing_and_unreadable_documents_are_named() -> None:
    documents = (
        DocumentCheck("cover_letter", present=True, valid=False),
        GOOD_DOCUMENTS[2],
    )
    result = screen(replace(STUDENT, documents=documents), "internship")
    assert result.codes == (Code.MISSING_DOCUMENT,)
    assert result.outcome == Outcome.INELIGIBLE
    assert result.reasons[0].params == {"documents": "cover_letter, resume"}
    assert "cover_letter, resume" in result.reasons[0].text


def test_absent_file_counts_as_missing() -> None:
    result = screen(with_sample(present=False, valid=False), "internship")
    assert result.reasons[0].params == {"documents": "writing_sample"}


def test_unreadable_writing_sample_is_not_also_judged_on_length() -> None:
    result = screen(with_sample(valid=False, pages=12), "internship")
    assert result.codes == (Code.MISSING_DOCUMENT,)


@pytest.mark.parametrize(
    ("pages", "code"),
    [(6, Code.WRITING_SAMPLE_TOO_LONG), (2, Code.WRITING_SAMPLE_TOO_SHORT)],
)
def test_writing_sample_outside_three_to_five_pages_is_reviewed(pages: int, code: Code) -> None:
    result = screen(with_sample(pages=pages), "internship")
    assert result.codes == (code,)
    assert result.outcome == Outcome.NEEDS_REVIEW
    assert f"has {pages} pages" in result.reasons[0].text


@pytest.mark.parametrize("pages", [3, 5, None])
def test_writing_sample_of_three_to_five_or_unknown_pages_passes(pages: int | None) -> None:
    assert screen(with_sample(pages=pages), "internship").reasons == ()


def test_student_below_advanced_level_is_reviewed() -> None:
    result = screen(replace(STUDENT, study_level="other"), "internship")
    assert result.codes == (Code.NOT_ADVANCED_STUDENT,)
    assert result.outcome == Outcome.NEEDS_REVIEW


def test_advanced_undergraduate_passes() -> None:
    result = screen(replace(STUDENT, study_level="advanced_undergraduate"), "internship")
    assert result.outcome == Outcome.ELIGIBLE


@pytest.mark.parametrize(
    ("english", "codes"),
    [("limited", (Code.NO_ENGLISH,)), ("none", (Code.NO_ENGLISH,)), ("working", ())],
)
def test_english_is_required(english: str, codes: tuple[Code, ...]) -> None:
    assert screen(replace(STUDENT, english_proficiency=english), "internship").codes == codes


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (date(2027, 6, 1), date(2027, 6, 1)),
        (date(2027, 6, 1), date(2027, 3, 1)),
        (None, date(2027, 9, 1)),
        (date(2027, 6, 1), None),
    ],
)
def test_impossible_dates_are_invalid_without_a_duration_complaint(
    start: date | None, end: date | None
) -> None:
    result = screen(replace(STUDENT, start_date=start, end_date=end), "internship")
    assert result.codes == (Code.DATES_INVALID,)
    assert result.outcome == Outcome.INELIGIBLE


def test_start_date_already_passed_is_invalid() -> None:
    application = replace(STUDENT, start_date=date(2027, 3, 9), end_date=date(2027, 6, 9))
    assert screen(application, "internship").codes == (Code.DATES_INVALID,)


def test_start_on_the_day_received_is_fine() -> None:
    application = replace(STUDENT, start_date=RECEIVED, end_date=date(2027, 6, 10))
    assert screen(application, "internship").reasons == ()


def test_past_start_and_overlong_stay_are_both_reported() -> None:
    application = replace(STUDENT, start_date=date(2027, 3, 1), end_date=date(2027, 12, 1))
    result = screen(application, "internship")
    assert result.codes == (Code.DATES_INVALID, Code.DURATION_OUT_OF_RANGE)


@pytest.mark.parametrize(
    ("end", "flagged"),
    [
        (date(2027, 8, 30), True),  # one day short of 3 months
        (date(2027, 8, 31), False),  # exactly 3 months: 1 June to 31 August
        (date(2027, 9, 30), False),  # exactly 4 months
        (date(2027, 10, 1), True),  # one day over 4 months
    ],
)
def test_three_to_four_calendar_months(end: date, flagged: bool) -> None:
    result = screen(replace(STUDENT, end_date=end), "internship")
    if flagged:
        assert result.codes == (Code.DURATION_OUT_OF_RANGE,)
        assert result.outcome == Outcome.NEEDS_REVIEW
        assert "3 to 4 months" in result.reasons[0].text
        assert result.reasons[0].params["end_date"] == end.isoformat()
    else:
        assert result.reasons == ()


@pytest.mark.parametrize(
    ("end", "flagged"),
    [(date(2027, 2, 26), True), (date(2027, 2, 27), False)],
)
def test_internship_from_30_november_may_end_27_february(end: date, flagged: bool) -> None:
    application = replace(STUDENT, start_date=date(2026, 11, 30), end_date=end)
    result = screen(application, "internship", received_on=date(2026, 10, 1))
    assert (Code.DURATION_OUT_OF_RANGE in result.codes) is flagged


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2027, 11, 30), 3, date(2028, 2, 29)),
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2027, 10, 31), 4, date(2028, 2, 29)),
        (date(2027, 3, 31), 3, date(2027, 6, 30)),
        (date(2027, 12, 15), 12, date(2028, 12, 15)),
    ],
)
def test_add_months_clamps_to_month_end(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_student_with_several_problems_hears_all_of_them() -> None:
    application = replace(
        STUDENT,
        study_level="other",
        english_proficiency="limited",
        documents=GOOD_DOCUMENTS[:2],
        end_date=date(2027, 12, 1),
    )
    result = screen(application, "internship", received_on=date(2027, 4, 20))
    assert result.codes == (
        Code.LATE_APPLICATION,
        Code.MISSING_DOCUMENT,
        Code.NOT_ADVANCED_STUDENT,
        Code.NO_ENGLISH,
        Code.DURATION_OUT_OF_RANGE,
    )
    assert result.outcome == Outcome.INELIGIBLE
    assert all("%(" not in reason.text for reason in result.reasons)


def test_review_reasons_alone_mean_needs_review() -> None:
    application = replace(with_sample(pages=7), study_level="other")
    result = screen(application, "internship")
    assert result.codes == (Code.WRITING_SAMPLE_TOO_LONG, Code.NOT_ADVANCED_STUDENT)
    assert result.outcome == Outcome.NEEDS_REVIEW


# --- Donations and newsletter ------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "frequency", "threshold", "outcome"),
    [
        ("5000", "one_time", "1000", Outcome.NEEDS_REVIEW),
        ("1000", "one_time", "1000", Outcome.ELIGIBLE),
        ("5000", "monthly", "1000", Outcome.ELIGIBLE),
        ("5000", "one_time", None, Outcome.ELIGIBLE),
    ],
)
def test_large_single_gift_is_confirmed_by_a_person(
    amount: str, frequency: str, threshold: str | None, outcome: Outcome
) -> None:
    gift = DonationApplication(
        amount=Decimal(amount),
        frequency=frequency,
        review_threshold=None if threshold is None else Decimal(threshold),
    )
    result = screen(gift, "donation")
    assert result.outcome == outcome
    assert result.codes == ((Code.AMOUNT_REVIEW,) if outcome == Outcome.NEEDS_REVIEW else ())


def test_newsletter_has_no_rules() -> None:
    assert screen(object(), "newsletter").outcome == Outcome.ELIGIBLE


# --- Results, contract and rule loading --------------------------------------------------


def test_outcome_follows_the_strongest_effect_and_codes_are_listed_once() -> None:
    info = Reason.of(Code.SUGGEST_MEMBERSHIP)
    review = Reason.of(Code.NOT_REGISTERED)
    ineligible = Reason.of(Code.NO_ENDORSEMENT)
    assert Result().outcome == Outcome.ELIGIBLE
    assert Result((info,)).outcome == Outcome.ELIGIBLE
    assert Result((info, review)).outcome == Outcome.NEEDS_REVIEW
    assert Result((review, ineligible, info)).outcome == Outcome.INELIGIBLE
    assert Result((review, ineligible, review)).codes == (
        Code.NOT_REGISTERED,
        Code.NO_ENDORSEMENT,
    )


def test_every_code_has_an_effect_and_a_message() -> None:
    assert all(code.value == code.name for code in Code)
    assert set(EFFECTS) == set(MESSAGES) == set(Code)
    assert all(MESSAGES[code] for code in Code)


def test_reasons_are_hashable_and_comparable() -> None:
    reason = Reason.of(Code.MISSING_DOCUMENT, documents="resume")
    assert reason == Reason.of(Code.MISSING_DOCUMENT, documents="resume")
    assert len({reason, Reason.of(Code.MISSING_DOCUMENT, documents="resume")}) == 1


@pytest.mark.parametrize("kind", list(RULES))
def test_default_rules_load_for_every_kind(kind: str) -> None:
    rules = import_rules(RULES[kind])
    assert tuple(f"{type(r).__module__}.{type(r).__name__}" for r in rules) == RULES[kind]


def test_settings_can_replace_a_kinds_rule_list() -> None:
    # A site that only wants registration checked for its supporters.
    paths = ["membership_forms.eligibility.RegistrationRule"]
    rules = import_rules(paths)
    assert isinstance(rules[0], RegistrationRule)
    government_body = replace(
        KENYAN_NGO, kind=Category.SUPPORTER, government_controlled=True, legally_registered=False
    )
    assert evaluate(government_body, rules, RECEIVED).codes == (Code.NOT_REGISTERED,)


@pytest.mark.parametrize(
    "path",
    ["membership_forms.eligibility.NoSuchRule", "RegistrationRule", "no_such_package.Rule"],
)
def test_unknown_rule_paths_fail_loudly(path: str) -> None:
    with pytest.raises(ImportError):
        import_rules([path])
