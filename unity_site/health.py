"""/healthz for the load balancer: is the database reachable, and is email going out?"""

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Min, Q
from django.http import HttpRequest, JsonResponse
from django.tasks.base import TaskResultStatus
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_tasks_db.models import DBTaskResult, get_date_max

from bookings.tasks import EMAIL_TASK_PATHS

logger = logging.getLogger(__name__)


def oldest_unsent_email_age(now) -> float | None:
    """Seconds the oldest due, unsent email has been waiting; None when none waits.

    An email is due from when it was enqueued, or from its `run_after` time when it waits to be
    retried: an email waiting for its retry time is not late, one a worker has not picked up is.
    A task still marked running is unsent too: a worker killed while sending leaves it so.
    """
    unsent = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
        task_path__in=EMAIL_TASK_PATHS,
    )
    oldest = unsent.aggregate(
        enqueued=Min("enqueued_at", filter=Q(run_after=get_date_max())),
        scheduled=Min("run_after", filter=Q(run_after__lte=now)),
    )
    due_since = [moment for moment in oldest.values() if moment is not None]
    if not due_since:
        return None
    return max(0.0, (now - min(due_since)).total_seconds())


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
        age = oldest_unsent_email_age(now)
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

    limit = settings.HEALTHZ_MAX_EMAIL_AGE_SECONDS
    checks["oldest_unsent_email_seconds"] = None if age is None else round(age)
    checks["max_email_age_seconds"] = limit
    if limit and age is not None and age > limit:
        reason = f"oldest unsent email has waited {round(age)} s (limit {limit} s)"
        logger.warning("Health check: %s", reason)
        return JsonResponse(
            {"status": "unavailable", "reason": reason, "checks": checks}, status=503
        )
    return JsonResponse({"status": "ok", "checks": checks})
