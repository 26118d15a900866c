"""API tokens' scopes: made with each token, read on every request that carries one.

Wagtail's `APIToken` says who a request is; `ApiTokenScope` narrows what that user may
do through it. A token without a scope (one made before the scopes, if the migration
missed it) is treated as expired: refusing is the safe side.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import APIToken

from .. import kinds
from ..conf import get_setting
from ..models import ApiTokenScope, ReviewQueue, Submission
from .reviews import can_see_submission

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def default_expiry(start: datetime | None = None) -> datetime:
    return (start or timezone.now()) + timedelta(days=get_setting("API_TOKEN_DAYS"))


def give_default_scope(token: APIToken) -> ApiTokenScope:
    """Read only, every queue its user sees, API_TOKEN_DAYS from its creation."""
    scope, _created = ApiTokenScope.objects.get_or_create(
        token=token, defaults={"expires_at": default_expiry(token.created)}
    )
    return scope


@transaction.atomic
def set_scope(
    token: APIToken, *, read_only: bool, queues: list[str], expires_at: datetime
) -> ApiTokenScope:
    """Change what `token` may do; queues are kept in the queues' own order."""
    scope, _created = ApiTokenScope.objects.update_or_create(
        token=token,
        defaults={
            "read_only": read_only,
            "queues": [queue for queue in ReviewQueue.values if queue in queues],
            "expires_at": expires_at,
        },
    )
    return scope


def _active_token(key: str) -> APIToken | None:
    tokens = APIToken.objects.select_related("scope").filter(
        key_hash__in=APIToken.candidate_key_hashes(key), revoked_at__isnull=True
    )
    return tokens.first()


def refusal(key: str, method: str) -> tuple[int, str] | None:
    """Why a request bearing `key` must be refused before its route runs, as
    (status, message): 401 for an expired token, 403 for a read-only token's write.
    None for a token within its scope, and for an unknown or revoked one, which the
    route's own authentication answers (401 too)."""
    token = _active_token(key)
    if token is None:
        return None
    scope = getattr(token, "scope", None)
    if scope is None or scope.expires_at <= timezone.now():
        return 401, _("This API token has expired.")
    if scope.read_only and method not in SAFE_METHODS:
        return 403, _("This API token is read-only.")
    return None


def may_read(user, token: APIToken | None, submission: Submission) -> bool:
    """The user's queues (see `visible_kinds`), narrowed to the token's queues, if any."""
    if not can_see_submission(user, submission):
        return False
    if token is None:
        return True
    scope = getattr(token, "scope", None)
    if scope is None:
        return False
    return not scope.queues or kinds.get(submission.kind).queue in scope.queues


def audit_data(token: APIToken | None) -> dict[str, Any]:
    """What an audit entry says about how a read was made: which token, or a session."""
    if token is None:
        return {"session": True}
    return {"token": token.pk, "token_name": token.name, "token_prefix": token.prefix}
