"""Builds the text pipeline's compiled caches when it is imported, for the forkserver.

The forkserver (the worker source of a process that already runs threads: the TUI) imports the
modules in pipeline.WORKER_PRELOAD once and forks every worker from itself; importing is the only
hook it offers. With this module in that list, the rules, figure and ticker patterns and the
company directory are built once in the server and shared by the workers it forks, instead of
each worker building its own copy on its first feed (~0.2 s of CPU and ~10 MB each).
"""

from __future__ import annotations

import contextlib

from finreader.pipeline import warm_up

# A failure here must not take the forkserver down (it would re-raise anything but an
# ImportError): the workers then warm up on their first feed, as before.
with contextlib.suppress(Exception):
    warm_up()
