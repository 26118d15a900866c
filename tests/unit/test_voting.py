"""The committee's counting rule: quorum, majority, early decisions, the deadline."""

from membership_forms.voting import Majority, Result, Tally, decide


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
