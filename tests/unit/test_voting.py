"""The committee's counting rule: quorum, majority, early decisions, the deadline."""

from membership_forms.voting import Majority, Result, Tally, decide, passes


def t(a, d, ab=0, n=5):
    return Tally(approve=a, decline=d, abstain=ab, electorate=n)


def test_two_votes_leave_it_open():
    assert decide(t(2, 0), quorum=3, majority=Majority.SIMPLE) is None


def test_three_of_five_approve():
    assert decide(t(3, 0), quorum=3, majority=Majority.SIMPLE) == Result.APPROVED


def test_split_vote_waits_for_the_others():
    assert decide(t(2, 1), quorum=3, majority=Majority.SIMPLE) is None


def test_three_of_five_against():
    assert decide(t(0, 3), quorum=3, majority=Majority.SIMPLE) == Result.DECLINED


def test_deadline_without_quorum():
    assert decide(t(2, 0), quorum=3, majority=Majority.SIMPLE, closing=True) == Result.NO_QUORUM


def test_deadline_with_quorum_decides_on_the_votes_cast():
    assert decide(t(2, 1), quorum=3, majority=Majority.SIMPLE, closing=True) == Result.APPROVED
    assert decide(t(1, 1, ab=1), quorum=3, majority=Majority.SIMPLE, closing=True) == (
        Result.DECLINED
    )


def test_two_thirds_needs_four_of_five_early():
    assert decide(t(3, 0), quorum=3, majority=Majority.TWO_THIRDS) is None
    assert decide(t(4, 0), quorum=3, majority=Majority.TWO_THIRDS) == Result.APPROVED


def test_abstentions_count_for_quorum_not_majority():
    assert decide(t(2, 1, ab=2), quorum=3, majority=Majority.SIMPLE) == Result.APPROVED


def test_everyone_voted_closes_the_vote():
    assert decide(t(1, 1, ab=1, n=3), quorum=3, majority=Majority.SIMPLE) == Result.DECLINED


def test_all_abstain_is_declined():
    assert decide(t(0, 0, ab=5), quorum=3, majority=Majority.SIMPLE) == Result.DECLINED


# --- The majority rule at its boundaries ----------------------------------------------------


def test_a_tie_is_not_a_simple_majority():
    assert not passes(2, 2, Majority.SIMPLE)
    assert passes(3, 2, Majority.SIMPLE)


def test_exactly_two_thirds_is_enough_and_just_below_is_not():
    assert passes(2, 1, Majority.TWO_THIRDS)
    assert passes(4, 2, Majority.TWO_THIRDS)
    assert not passes(3, 2, Majority.TWO_THIRDS)  # 60 %
    assert not passes(66, 34, Majority.TWO_THIRDS)  # 66 %, not two thirds


def test_no_vote_for_or_against_passes_nothing():
    assert not passes(0, 0, Majority.SIMPLE)
    assert not passes(0, 0, Majority.TWO_THIRDS)


def test_a_tie_at_the_deadline_is_declined():
    assert decide(t(2, 2, n=7), quorum=3, majority=Majority.SIMPLE, closing=True) == (
        Result.DECLINED
    )


def test_more_votes_than_the_electorate_close_the_vote():
    """The electorate is fixed when the vote opens; a member added later who votes must
    not leave the vote waiting for votes that will never come."""
    tally = t(3, 1, n=3)
    assert tally.remaining == 0
    assert decide(tally, quorum=3, majority=Majority.SIMPLE) == Result.APPROVED


def test_early_decline_when_the_rest_cannot_make_two_thirds():
    # 2 for, 2 against, 1 to come: at best 3 of 5 = 60 %, under two thirds.
    assert decide(t(2, 2), quorum=3, majority=Majority.TWO_THIRDS) == Result.DECLINED
    # 2 for, 1 against, 2 to come: 4 of 5 still possible, so it waits.
    assert decide(t(2, 1), quorum=3, majority=Majority.TWO_THIRDS) is None
