"""Jobs: the long work a page hands to the task queue (``kaohe db_worker``), and what became of it.

A ``Job`` is the user's side of one task: who started it, what it is about, its status and, once done, its
outcome as JSON for the job page (the run's version, the import summary, or every refusal). The queue's own
rows (``django_tasks_db``) say how the task ran; this row says what the user sees, and it is checked by
``selectors.get_job`` like anything else scoped.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A province's compute or import takes a few minutes: a job still unfinished after this was lost (its
# worker killed), and no longer holds back a new compute of its cycle.
STALE_AFTER = timedelta(hours=2)


class JobKind(models.TextChoices):
    COMPUTE = "compute", _("计算考核结果")
    CYCLE_IMPORT = "cycle_import", _("导入考核数据工作簿")
    ROSTER_IMPORT = "roster_import", _("导入名册")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)


class JobQuerySet(models.QuerySet["Job"]):
    def active(self) -> "JobQuerySet":
        return self.filter(status__in=ACTIVE)

    def expire_stale(self) -> int:
        return (
            self.active()
            .filter(created_at__lt=timezone.now() - STALE_AFTER)
            .update(status=JobStatus.FAILED, outcome={"failure": "stale"}, finished_at=timezone.now())
        )


def upload_path(job: "Job", file_name: str) -> str:
    # Named by the job, never by the uploader: the original name is kept in ``file_name``.
    return f"imports/{job.pk}.xlsx"


class Job(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("任务"), max_length=16, choices=JobKind.choices)
    status = models.CharField(_("状态"), max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True, on_delete=models.SET_NULL
    )
    cycle = models.ForeignKey(
        "plans.AssessmentCycle", verbose_name=_("年度考核"), null=True, blank=True, on_delete=models.CASCADE
    )
    note = models.CharField(_("说明"), max_length=500, blank=True)
    # The upload, kept through the storage API for the worker and deleted when the job ends.
    file = models.FileField(upload_to=upload_path, blank=True, max_length=200)
    file_name = models.CharField(_("文件名"), max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.JSONField(default=dict, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("后台任务")
        ordering = ["-created_at"]
        constraints = [
            # Two computes of one cycle would race for the next version: the second is refused.
            models.UniqueConstraint(
                fields=["cycle"],
                condition=Q(kind="compute", status__in=["queued", "running"]),
                name="jobs_one_active_compute_per_cycle",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("jobs:detail", args=[self.pk])

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    @property
    def stale(self) -> bool:
        return self.active and self.created_at < timezone.now() - STALE_AFTER
