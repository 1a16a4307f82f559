"""The email outbox's check for /healthz: an email left unsent for too long makes the site
unhealthy (docs/operations.md, "Health check")."""

from datetime import datetime

from django.conf import settings
from django.db.models import Min, Q
from django.tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from unity_site.health import CheckResult

from .tasks import EMAIL_TASK_PATHS


def oldest_unsent_email_age(now: datetime) -> float | None:
    """Seconds the oldest due, unsent email has been waiting; None when none waits.

    An email is due from when it was enqueued, or from its `run_after` time when it waits to be
    retried. A task still marked running is unsent too: a worker killed while sending leaves it so.
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


def email_outbox_check(now: datetime) -> CheckResult:
    age = oldest_unsent_email_age(now)
    limit = settings.HEALTHZ_MAX_EMAIL_AGE_SECONDS
    details = {
        "oldest_unsent_email_seconds": None if age is None else round(age),
        "max_email_age_seconds": limit,
    }
    if limit and age is not None and age > limit:
        failure = f"oldest unsent email has waited {round(age)} s (limit {limit} s)"
        return CheckResult(details=details, failure=failure)
    return CheckResult(details=details)
