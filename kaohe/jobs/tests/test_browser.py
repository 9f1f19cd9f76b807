"""In a real browser: the job page follows a queued compute to its end by htmx, under the strict CSP."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from kaohe.accounts.models import Role, User
from kaohe.jobs.actions import job_start
from kaohe.jobs.models import Job, JobKind, JobStatus
from kaohe.plans.models import AssessmentCycle
from kaohe.results.tasks import compute_job

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_job_page_shows_the_end_of_a_job_without_a_reload(page, live_server, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    organiser = User.objects.create_user(username="organiser", password=PASSWORD, role=Role.ORGANISER)
    cycle = AssessmentCycle.objects.create(year=2025, name="2025年度考核")
    job = job_start(actor=organiser, kind=JobKind.COMPUTE, task=compute_job, cycle=cycle)

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "organiser")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}{job.get_absolute_url()}")
    expect(page.locator("#job-status")).to_have_text("排队中")

    # What the worker would record: the page, still open, picks it up on its next poll.
    Job.objects.filter(pk=job.pk).update(status=JobStatus.DONE, outcome={"version": 1})
    expect(page.locator("#compute-done")).to_contain_text("已完成第1次计算。", timeout=10_000)
    expect(page.locator("#job-status")).to_have_text("已完成")
    assert page.url.endswith(job.get_absolute_url())
