"""One ``make`` at a time, started from the studio and watched through the store while it rolls.

A thread supervises each run; the run itself goes in a child process, so the
pages stay quick while steps draw and encode, and stopping it is the kill the
store is built to survive. Progress is read from the store: of the steps the
plan said would run, how many now have a take.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from clapboard.errors import ClapboardError

if TYPE_CHECKING:
    from collections.abc import Callable
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess
    from pathlib import Path

    from clapboard.store import Store

ShootState = Literal["idle", "planning", "rolling", "done", "failed", "stopped"]
#: Seconds a run has to stop after Ctrl-C before it is killed.
STOP_GRACE = 10.0


@dataclass(frozen=True)
class Progress:
    """Where the studio's run stands: its state, steps to make and made, and how it ended."""

    state: ShootState
    to_make: int
    made: int
    until: str | None
    seconds: float
    message: str
    serial: int

    @property
    def rolling(self) -> bool:
        return self.state in ("planning", "rolling")

    def as_dict(self) -> dict[str, object]:
        """The progress as the run's event stream sends it."""
        return {
            "state": self.state,
            "to_make": self.to_make,
            "made": self.made,
            "until": self.until,
            "seconds": round(self.seconds, 1),
            "message": self.message,
            "serial": self.serial,
            "rolling": self.rolling,
        }


class Shoot:
    """The studio's run of ``make``: at most one at a time, started, watched and stopped from the pages."""

    def __init__(self, root: Path, store: Store, *, wrapped: Callable[[], None] = lambda: None) -> None:
        self.root = root
        self.store = store
        self.wrapped = wrapped
        self._guard = threading.Lock()
        self._state: ShootState = "idle"
        self._keys: tuple[str, ...] = ()
        self._until: str | None = None
        self._started = 0.0
        self._ended = 0.0
        self._message = ""
        self._serial = 0
        self._process: BaseProcess | None = None

    def start(self, until: str | None = None) -> bool:
        """Start a run (up to stage ``until``); False when one is already rolling."""
        with self._guard:
            if self._state in ("planning", "rolling"):
                return False
            self._state, self._until, self._keys, self._message = "planning", until, (), ""
            self._started, self._ended = time.monotonic(), 0.0
        threading.Thread(target=self._supervise, args=(until,), name="clapboard-studio-run", daemon=True).start()
        return True

    def stop(self) -> bool:
        """Stop the rolling run as Ctrl-C would, killing it if it does not stop in time; False when none rolls."""
        with self._guard:
            process = self._process
        if process is None or not process.is_alive() or process.pid is None:
            return False
        os.kill(process.pid, signal.SIGINT)
        timer = threading.Timer(STOP_GRACE, _kill, args=(process,))
        timer.daemon = True
        timer.start()
        return True

    def progress(self) -> Progress:
        """The run as it stands now."""
        with self._guard:
            state, keys, until, message, serial = self._state, self._keys, self._until, self._message, self._serial
            started, ended = self._started, self._ended
        made = len(self.store.made(keys)) if keys else 0
        seconds = ((ended or time.monotonic()) - started) if started else 0.0
        return Progress(state, len(keys), made, until, seconds, message, serial)

    def _supervise(self, until: str | None) -> None:
        from clapboard.project import Project
        from clapboard.run import production

        state: ShootState = "failed"
        message = ""
        try:
            verdicts = production.dry_run(Project.open(self.root), until=until)
            keys = tuple({v.step.key for v in verdicts if v.action == "run"})
            context = multiprocessing.get_context("spawn")
            receiving, sending = context.Pipe(duplex=False)
            process = context.Process(
                target=roll, args=(str(self.root), until, sending), name="clapboard-make", daemon=True
            )
            with self._guard:
                self._keys, self._state, self._process = keys, "rolling", process
            process.start()
            sending.close()
            process.join()
            if receiving.poll():
                state, message = receiving.recv()
            else:
                message = f"the run failed (exit {process.exitcode}); its error went to the studio's console"
        except ClapboardError as exc:
            message = exc.one_line()
        except Exception as exc:  # the studio stays up and says what went wrong; the run is over either way
            message = f"{type(exc).__name__}: {exc}"
        finally:
            with self._guard:
                self._state, self._message, self._process = state, message, None
                self._ended = time.monotonic()
                self._serial += 1
            self.wrapped()


def roll(root: str, until: str | None, report: Connection) -> None:
    """Make the project in ``root`` (in the child process) and send back how it ended."""
    from clapboard.project import Project
    from clapboard.run import production

    try:
        made = production.make(Project.open(root), until=until)
        report.send(("done", f"made {made.ran}, reused {made.reused} in {made.seconds:.0f} s"))
    except ClapboardError as exc:
        report.send(("failed", exc.one_line()))
    except KeyboardInterrupt:
        report.send(("stopped", "stopped; the next run resumes where this one stopped"))
    finally:
        report.close()


def _kill(process: BaseProcess) -> None:
    if process.is_alive():
        process.kill()
