"""Exports of indicators built in the background (django-tasks; see docs/taches.md and
docs/indicateurs-exports.md). The task claims its row with one conditional UPDATE (a task enqueued twice
never builds the file twice), saves its progress indicator family by family, and stores the file encrypted;
a failure leaves the row « en échec » with a French cause."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def build_export(export_id: str) -> str:
    return services.run_export(export_id)
