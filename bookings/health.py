"""The bookings app's checks for /healthz: an email left unsent for too long, or daily
housekeeping that has stopped, makes the site unhealthy (docs/operations.md, "Health check")."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Min, Q
from django.tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from unity_site.health import CheckResult

from .models import ConsultationRequest
from .tasks import EMAIL_TASK_PATHS

# How late the daily housekeeping may be before /healthz says so.
HOUSEKEEPING_GRACE = timedelta(days=2)


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


def housekeeping_check(now: datetime) -> CheckResult:
    """Judged by its effect: personal data past its retention period, or task results past
    theirs, that are still there two days later mean `manage.py housekeeping` has stopped."""
    days = timedelta(days=1)
    overdue_requests = ConsultationRequest.objects.due_for_anonymising(
        finished_before=now - settings.BOOKINGS_RETENTION_DAYS * days - HOUSEKEEPING_GRACE,
        open_before=now - settings.BOOKINGS_OPEN_RETENTION_DAYS * days - HOUSEKEEPING_GRACE,
    ).exists()
    overdue_results = (
        DBTaskResult.objects.finished()
        .filter(
            finished_at__lt=now - settings.TASK_RESULTS_RETENTION_DAYS * days - HOUSEKEEPING_GRACE
        )
        .exists()
    )
    failures = []
    if overdue_requests:
        failures.append("requests past their retention period are still kept")
    if overdue_results:
        failures.append("old task results are not being pruned")
    details = {"housekeeping": "late" if failures else "ok"}
    if failures:
        return CheckResult(
            details=details, failure="housekeeping has stopped: " + ", ".join(failures)
        )
    return CheckResult(details=details)
