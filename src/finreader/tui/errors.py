"""Provides ReportsWorkerErrors: the one handler that turns a failed worker into a notification.

Every worker runs with exit_on_error=False so one bad feed or a locked database never ends the
app. Worker.StateChanged does not bubble (it goes only to the node that started the worker), so
the handler lives in this mixin, which the app, the main screen and the article list share.
"""

from __future__ import annotations

from textual import on
from textual.message_pump import MessagePump
from textual.worker import Worker, WorkerState

from finreader.text.sanitize import one_line


class ReportsWorkerErrors(MessagePump):
    """Mix in before the Textual base class: `class MainScreen(ReportsWorkerErrors, Screen)`."""

    @on(Worker.StateChanged)
    def _report_worker_error(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        worker = event.worker
        error = worker.error
        what = worker.description or worker.name or "background task"
        self.app.notify(
            one_line(f"{what} failed: {type(error).__name__}: {error}")[:400],
            title="Error",
            severity="error",
            timeout=8,
            markup=False,
        )
