"""Jobs in fresh forked processes: every result comes back; a failure is an error, not a wait;
stopping kills what still runs."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time

import pytest

from studypack import forked
from studypack.errors import Stopped
from tests.conftest import ROOT


def test_every_job_runs_in_a_process_of_its_own() -> None:
    results = dict(forked.each(lambda i: (i * i, os.getpid()), range(6), processes=2))
    assert sorted(results) == list(range(6))
    assert [results[i][0] for i in sorted(results)] == [i * i for i in range(6)]
    pids = {pid for _, pid in results.values()}
    assert len(pids) == 6 and os.getpid() not in pids


def test_a_job_that_raises_names_itself_and_the_error() -> None:
    def work(i: int) -> int:
        if i == 3:
            raise ValueError("bad page")
        return i

    with pytest.raises(forked.JobFailed, match=r"(?s)job 3 failed.*ValueError: bad page"):
        list(forked.each(work, range(5), processes=2))


def test_a_process_that_dies_is_an_error_not_a_build_that_waits() -> None:
    def work(i: int) -> int:
        if i == 1:
            os._exit(9)  # as if killed for memory
        return i

    with pytest.raises(forked.JobFailed, match="job 1: its process ended with exit code 9"):
        list(forked.each(work, range(3), processes=2))


def test_many_small_jobs_come_back_in_order_from_a_few_processes() -> None:
    finished: list[int] = []
    squares = forked.in_chunks(lambda n: (n * n, os.getpid()), list(range(50)), processes=2,
                               done=lambda: finished.append(1))
    assert [square for square, _ in squares] == [n * n for n in range(50)]
    assert len(finished) == 50
    pids = {pid for _, pid in squares}
    assert os.getpid() not in pids and len(pids) <= 2 * forked.CHUNKS_PER_PROCESS


def test_stop_kills_the_jobs_still_running() -> None:
    started = time.monotonic()
    with pytest.raises(Stopped):
        for _ in forked.each(lambda i: time.sleep(60 * i), range(4), processes=2,
                             stop=lambda: time.monotonic() - started > 0.3):
            pass
    assert multiprocessing.active_children() == []
    assert time.monotonic() - started < 10


def test_ctrl_c_while_a_process_starts_is_not_lost() -> None:
    # Python runs the handler inside fork's callbacks, where a KeyboardInterrupt is dropped.
    script = (
        "import os, signal, time, multiprocessing\n"
        "from studypack import forked\n"
        "sent = []\n"
        "def press():\n"
        "    if not sent:\n"
        "        sent.append(1)\n"
        "        os.kill(os.getpid(), signal.SIGINT)\n"
        "os.register_at_fork(after_in_parent=press)\n"
        "try:\n"
        "    list(forked.each(lambda i: time.sleep(60), range(2), processes=2))\n"
        "except KeyboardInterrupt:\n"
        "    print('stopped', multiprocessing.active_children())\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=30, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.stdout == "stopped []\n", result.stderr
