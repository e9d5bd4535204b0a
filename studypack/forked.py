"""Runs jobs in forked processes, a fresh one per job, and notices a process that dies.

A fresh process per job returns each job's memory when it ends (Python rarely gives memory
back, so a long-lived worker grows to its largest job and keeps it). Forked processes inherit
what the job needs instead of unpickling it, and a process that dies without answering (killed
for memory, say) is an error here, never a build that waits forever. No process outlives the
jobs: whatever ends them early (an error, Ctrl-C, the caller's `stop`) kills those still
running, and a process whose parent dies is killed with it.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar

from studypack.errors import Stopped

T = TypeVar("T")
R = TypeVar("R")
Handler = Any  # what signal.getsignal returns: a function, SIG_IGN, SIG_DFL or None
CHUNKS_PER_PROCESS = 4  # a few, so a slow chunk does not leave the other processes idle
# How often a caller's `stop` is asked while jobs run. Waiting never blocks for longer: a
# Ctrl-C that lands just before the wait begins would otherwise wait for a job to end.
POLL_SECONDS = 0.05
_PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent dies (Linux)


class JobFailed(RuntimeError):
    """A job raised in its process, or its process died; the message says which job and how."""


def each(work: Callable[[int], T], indexes: Iterable[int], processes: int,
         setup: Callable[[], None] = lambda: None,
         stop: Callable[[], bool] | None = None) -> Iterator[tuple[int, T]]:
    """(index, work(index)) for every index, at most `processes` at a time, as they finish.

    `setup` runs first in every process. `stop` is asked before each process starts and
    every few hundredths of a second while jobs run; once it says so, the running processes
    are killed and Stopped is raised. Closing the iterator early kills them too.
    """
    context = multiprocessing.get_context("fork")
    waiting = list(indexes)
    running: dict[Connection, tuple[multiprocessing.process.BaseProcess, int]] = {}
    parent = os.getpid()
    try:
        while waiting or running:
            while waiting and len(running) < processes:
                if stop is not None and stop():
                    raise Stopped
                index = waiting.pop(0)
                reader, writer = context.Pipe(duplex=False)
                with _interrupts_held() as interrupt:
                    process = context.Process(target=_child, args=(work, setup, index, writer,
                                                                   parent, interrupt))
                    process.start()
                    writer.close()
                    running[reader] = (process, index)  # before a held Ctrl-C acts: killed
            finished = wait(list(running), POLL_SECONDS)
            if stop is not None and stop():
                raise Stopped
            for reader in finished:
                process, index = running.pop(reader)
                try:
                    ok, value = reader.recv()
                except EOFError:
                    process.join()
                    raise JobFailed(f"job {index}: its process ended with exit code "
                                    f"{process.exitcode} before it finished") from None
                finally:
                    reader.close()
                process.join()
                if not ok:
                    raise JobFailed(f"job {index} failed in its process:\n{value}")
                yield index, value
    finally:
        for process, _ in running.values():
            process.kill()
            process.join()


def in_chunks(work: Callable[[T], R], items: Sequence[T], processes: int,
              done: Callable[[], None] = lambda: None) -> list[R]:
    """[work(item) for item in items], computed in chunks by `processes` forked processes.

    For many small jobs (files, cards): a process per chunk, not per item. `done` is called
    once per item as its chunk comes back.
    """
    size = max(1, -(-len(items) // (processes * CHUNKS_PER_PROCESS)))
    chunks = [items[start:start + size] for start in range(0, len(items), size)]
    results: dict[int, list[R]] = {}
    for index, values in each(lambda i: [work(item) for item in chunks[i]], range(len(chunks)),
                              processes):
        results[index] = values
        for _ in values:
            done()
    return [value for index in range(len(chunks)) for value in results[index]]


@contextmanager
def _interrupts_held() -> Iterator[Handler]:
    """Act on a Ctrl-C that comes while a process is forked only once the fork is done.

    Python may run the Ctrl-C handler inside the callbacks fork runs in this process, which
    drop the KeyboardInterrupt it raises: the build would go on as if nothing was pressed.
    Yields the handler the new process restores.
    """
    if threading.current_thread() is not threading.main_thread():  # handlers are main's
        yield signal.getsignal(signal.SIGINT)
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield previous
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        signal.raise_signal(signal.SIGINT)


def _child(work: Callable[[int], T], setup: Callable[[], None], index: int,
           writer: Connection, parent: int, interrupt: Handler) -> None:
    try:
        if interrupt is not None:
            signal.signal(signal.SIGINT, interrupt)
        die_with_parent(parent)
        setup()
        writer.send((True, work(index)))
    except BaseException:  # the build shows it; this process only reports
        writer.send((False, traceback.format_exc()))
    finally:
        writer.close()


def die_with_parent(parent: int) -> None:
    """Have this process killed when `parent` dies, even by SIGKILL (Linux; elsewhere a no-op).

    A build killed outright cannot stop its workers; without this they would go on rendering
    for nothing, and hold CPUs the next build needs.
    """
    try:
        prctl = ctypes.CDLL(None).prctl
    except (OSError, AttributeError):
        return
    prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it died before the request was made
        os._exit(1)
