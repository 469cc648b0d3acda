"""The campaign report's files are a job the worker runs: asked for in the workspace, answered at once, the file
made whole in the job's folder (or none), and a job finished is not made again."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse

from docket.errors import DocketError
from docket.requests.actions import Actor
from docket.worker import jobs, rounds
from docket.worker.jobs import make_report_file, result_folder, result_path, write_report
from docket.worker.models import BulkJob
from tests.web.conftest import person

pytestmark = pytest.mark.django_db
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)  # the worker's round closes old connections, as between tasks
def test_asking_for_the_report_answers_at_once_and_the_worker_makes_the_file(client, example, settings):
    settings.TASKS = DATABASE_TASKS
    client.force_login(person("viewer@office.example", "viewer", example))
    response = client.post(reverse("web:campaign_report_file", args=[example.slug]), {"format": "docx"})
    job = BulkJob.objects.get()
    assert response["Location"] == reverse("web:job", args=[job.pk])
    assert (job.kind, job.state, job.total, job.done) == ("report", "waiting", jobs.REPORT_STEPS, 0)
    assert result_path(job) is None  # nothing made in the request

    rounds.run_queued_tasks("test-worker")
    job.refresh_from_db()
    assert (job.state, job.done) == ("done", jobs.REPORT_STEPS)
    assert job.result_name.endswith(".docx")
    assert sorted(p.name for p in result_folder(job).iterdir()) == [job.result_name]  # no partial file left
    download = client.get(reverse("web:job_result", args=[job.pk]))
    document = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert "word/document.xml" in document.namelist()
    assert b"Who was asked for what, and when" in document.read("word/document.xml")


def test_the_web_page_of_the_report_is_one_file_with_its_charts_inside(example):
    job = make_report_file(example, Actor("test"), "html")  # the tests' task backend runs it at once
    path = result_path(job)
    assert path is not None
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert 'src="data:image/' in page  # the charts travel with the page
    assert example.title in page


def test_a_finished_job_is_not_made_again_and_an_unknown_format_is_refused_in_words(example):
    job = make_report_file(example, Actor("test"), "pdf")
    made = result_path(job)
    assert made is not None
    before = made.stat().st_mtime_ns
    assert write_report.call(job.pk) == {"files": 0}  # run again (a task delivered twice): nothing done
    assert made.stat().st_mtime_ns == before
    with pytest.raises(DocketError, match="The report is made as pdf, docx, html, not 'odt'"):
        make_report_file(example, Actor("test"), "odt")
    assert BulkJob.objects.count() == 1
