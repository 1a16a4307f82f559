"""/healthz for the load balancer: is the database reachable, and do the apps' own checks pass?

Apps add checks with `register_check` from their AppConfig.ready(); docs/operations.md says
what each one watches.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckResult:
    """What one check saw (`details`, shown under "checks"), and why it failed ("" if not)."""

    details: dict = field(default_factory=dict)
    failure: str = ""


HealthCheck = Callable[[datetime], CheckResult]
_checks: list[HealthCheck] = []


def register_check(check: HealthCheck) -> None:
    """`check(now)` runs on every /healthz call, after the database answered; it may query it."""
    _checks.append(check)


@never_cache
@require_http_methods(["GET", "HEAD"])
def healthz(request: HttpRequest) -> JsonResponse:
    """200 {"status": "ok", ...} when healthy; 503 {"status": "unavailable", "reason": ...}.

    It reads no session and sets no cookie, so a load balancer can call it as often as it likes.
    """
    now = timezone.now()
    checks: dict = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
        results = [check(now) for check in _checks]
    except DatabaseError as error:
        logger.error("Health check: database unreachable: %s", type(error).__name__)
        return JsonResponse(
            {
                "status": "unavailable",
                "reason": "database unreachable",
                "checks": {"database": "unreachable"},
            },
            status=503,
        )

    for result in results:
        checks.update(result.details)
    failures = [result.failure for result in results if result.failure]
    if failures:
        reason = "; ".join(failures)
        logger.warning("Health check: %s", reason)
        return JsonResponse(
            {"status": "unavailable", "reason": reason, "checks": checks}, status=503
        )
    return JsonResponse({"status": "ok", "checks": checks})
