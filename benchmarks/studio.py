"""Load on the studio while a run is in progress: the board page and blob serving, requests a second on loopback.

The studio runs as ``clapboard studio`` would (one uvicorn process on
127.0.0.1); a two-scene project is made first unless ``--project`` names a
made one. Then, for at most 30 seconds in all, a pool of clients asks for the
board, then for stored takes by key, while the studio keeps a ``make`` rolling
(each time a run ends, the benchmark rejects a scene's frames and starts the
next). Prints lines such as:

    board page: 412 req/s, 0 errors, p50 17 ms, p95 41 ms (a run rolling 100% of the time)

and exits non-zero if any request failed.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from clapboard.project import Project, new_project
from clapboard.run import make

#: The rate the studio must hold on each route while a run is in progress.
TARGET = 200.0
#: The whole measurement's bound, in seconds (both routes together).
LIMIT = 30.0

SCRIPT = """\
Title: Load Test

INT. KITCHEN - DAY

ANNA cuts bread. BEN waits by the door.

ANNA
You're late.

BEN
The bus was late.

EXT. GARDEN - NIGHT

Ben looks at the stars.

BEN
Every one of them is older than us.
"""

QUICK = """
[backends]
image = "sketch"
speech = "stand-in"
music = "stand-in"

[picture]
width = 160
height = 90
"""


def small_project(folder: Path) -> Project:
    """A made two-scene project: sketched frames, stand-in sound, a 160x90 picture."""
    source = folder / "load-test.fountain"
    source.write_text(SCRIPT, encoding="utf-8")
    project = new_project(folder / "film", source)
    head, _, _ = project.config_path.read_text(encoding="utf-8").partition("[backends]")
    project.config_path.write_text(head + QUICK, encoding="utf-8")
    project = Project.open(project.root)
    make(project)
    return project


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_studio(root: Path, port: int) -> subprocess.Popen[bytes]:
    """The studio in a process of its own, as the ``clapboard studio`` command serves it."""
    code = (
        "import sys, uvicorn; from clapboard.studio import create_app; "
        f"uvicorn.run(create_app(sys.argv[1]), host='127.0.0.1', port={port}, log_level='warning')"
    )
    return subprocess.Popen([sys.executable, "-c", code, str(root)])


class Producer:
    """Keeps a run rolling in the studio: when one ends, reject a scene's frames and start the next."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.csrf = ""
        self.samples = 0
        self.rolling = 0
        self.started = 0

    async def prepare(self) -> None:
        page = await self.client.get("/board")
        self.csrf = re.search(r'<meta name="csrf-token" content="([0-9a-f]{64})">', page.text)[1]

    async def keep_rolling(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            progress = (await self.client.get("/run/progress")).json()
            self.samples += 1
            self.rolling += progress["rolling"]
            if not progress["rolling"]:
                await self.reject_and_run()
            await asyncio.sleep(0.25)

    async def reject_and_run(self) -> None:
        board = (await self.client.get("/board")).text
        found = re.search(r'name="name" value="([^"]+/frames)">\s*<input type="hidden" name="key" value="(\w+)"', board)
        if found:
            form = {"csrf": self.csrf, "name": found[1], "key": found[2], "verdict": "reject"}
            await self.client.post("/review", data=form)
        answer = await self.client.post("/run", data={"csrf": self.csrf}, headers={"Accept": "application/json"})
        self.started += answer.status_code == 202


async def hammer(port: int, paths: list[str], seconds: float, workers: int) -> tuple[int, int, list[float]]:
    """Ask for ``paths`` in turn over ``workers`` kept-alive connections for ``seconds``.

    A bare HTTP/1.1 client, so that the measurement is of the studio and not of the client's own parsing.
    Returns requests made, failures (anything but a whole 200 answer) and latencies.
    """
    done = failed = 0
    latencies: list[float] = []
    ends = time.monotonic() + seconds

    async def worker(offset: int) -> None:
        nonlocal done, failed
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        turn = offset
        try:
            while time.monotonic() < ends:
                path = paths[turn % len(paths)]
                turn += 1
                began = time.perf_counter()
                writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                    status = int(head.split(b" ", 2)[1])
                    length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
                    body = await reader.readexactly(int(length[1])) if length else b""
                    ok = status == 200 and len(body) > 0
                except (asyncio.IncompleteReadError, ConnectionError, ValueError, IndexError):
                    ok = False
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                latencies.append(time.perf_counter() - began)
                done += 1
                failed += not ok
        finally:
            writer.close()

    await asyncio.gather(*(worker(i) for i in range(workers)))
    return done, failed, latencies


async def measure(port: int, blob_paths: list[str], seconds: float, workers: int) -> bool:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as control:
        producer = Producer(control)
        await producer.prepare()
        stop = asyncio.Event()
        rolling = asyncio.create_task(producer.keep_rolling(stop))
        await asyncio.sleep(1.0)  # let the first run get going
        clean = True
        for label, paths in (("board page", ["/board"]), ("blob serving", blob_paths)):
            before = (producer.samples, producer.rolling)
            done, failed, latencies = await hammer(port, paths, seconds, workers)
            samples, busy = producer.samples - before[0], producer.rolling - before[1]
            share = 100 * busy / samples if samples else 0
            rate = done / seconds
            p50 = statistics.median(latencies) * 1000 if latencies else 0
            p95 = statistics.quantiles(latencies, n=20)[-1] * 1000 if len(latencies) > 20 else p50
            verdict = "meets" if rate >= TARGET and not failed else "below"
            print(
                f"{label}: {rate:.0f} req/s, {failed} errors, p50 {p50:.0f} ms, p95 {p95:.0f} ms "
                f"(a run rolling {share:.0f}% of the time; {verdict} the {TARGET:.0f} req/s target)"
            )
            clean = clean and not failed
        stop.set()
        await rolling
        await control.post("/run/stop", data={"csrf": producer.csrf})
        print(f"runs started during the measurement: {producer.started}")
        return clean


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, help="A made project to serve (default: make a small one).")
    parser.add_argument("--seconds", type=float, default=12.0, help="Seconds per route (at most 14).")
    parser.add_argument("--workers", type=int, default=8, help="Clients asking at once.")
    args = parser.parse_args()
    seconds = min(args.seconds, (LIMIT - 2) / 2)
    scratch = Path(tempfile.mkdtemp(prefix="clapboard-studio-bench-"))
    try:
        if args.project is not None:
            root = scratch / "film"
            shutil.copytree(args.project, root)  # the benchmark rejects frames: never in the original
            project = Project.open(root)
        else:
            print("making a small project first (not measured)…", flush=True)
            project = small_project(scratch)
        with project.open_store() as store:
            latest = store.latest()
        blob_paths = [f"/blob/{t.key}" for t in latest.values() if t.provenance.kind in ("concept-frame", "speech")]
        blob_paths = blob_paths or [f"/blob/{t.key}" for t in latest.values()]
        port = free_port()
        server = start_studio(project.root, port)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(200):
                try:
                    httpx.get(f"{base}/run/progress", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
            clean = asyncio.run(measure(port, blob_paths, seconds, args.workers))
        finally:
            server.terminate()
            server.wait(timeout=20)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    sys.exit(0 if clean else 1)


if __name__ == "__main__":
    main()
