"""The studio's pages and actions over one project: board, provenance, run, screening room and script.

Pages are rendered on the server (Jinja2, autoescaped); the small script in
``static/`` only adds keyboard shortcuts, live run progress and the dubbed
sound. Every action goes through the public production API
(:func:`~clapboard.run.production.review`, :func:`~clapboard.run.production.replace_take`,
:func:`~clapboard.run.production.make`, :func:`~clapboard.run.production.dry_run`);
files are served only from the store, by key, or from the few exported files
the screening room plays, by fixed name.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import re
import secrets
import threading
import time
from collections import OrderedDict
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup
from starlette.datastructures import UploadFile
from starlette.responses import StreamingResponse

from clapboard.errors import ClapboardError, ScriptError, StoreError
from clapboard.project import CONFIG_NAME, Project
from clapboard.run import production
from clapboard.studio import access, ledger, screening
from clapboard.studio.board import VERDICTS, Board, read_board, standing_of
from clapboard.studio.shoot import Shoot
from clapboard.studio.uploads import UploadRefused, frame_from_upload, recording_from_upload, sniff

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from starlette.datastructures import FormData

    from clapboard.store import Store, Take

#: A take's key (and a blob's name): 64 lower-case hex digits.
KEY = re.compile(r"[0-9a-f]{64}")
#: A frame's name inside a scene's bundle: the shot's slate number and ``.png``.
FRAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}\.png")
#: Seconds the board is read from the store at most once; actions and finished runs refresh it at once.
BOARD_FRESH = 1.0
#: Bytes of stored outputs kept in memory for serving, newest used last out.
OUTPUT_CACHE = 64 * 1024 * 1024
#: Scenes' frame bundles kept unpacked for serving their frames.
BUNDLES = 32
#: Seconds one event stream stays open; the browser reconnects by itself.
STREAM_SECONDS = 60.0
#: Steps listed by name on the run and script pages before the rest are only counted.
LISTED = 40

_IMMUTABLE = "private, max-age=31536000, immutable"
_PREVIEWS = {
    "scene-frames": "frames",
    "concept-frame": "image",
    "speech": "audio",
    "dub-speech": "audio",
    "scene-cue": "audio",
    "film": "video",
    "scene-reel": "video",
    "title-reel": "video",
}
_SAID = {
    "accept": "Approved.",
    "reject": "Rejected: the next run makes a new take.",
    "pin": "Pinned: this take stays, whatever changes upstream.",
    "unpin": "Unpinned.",
    "replace": "Replaced with your file: human-made, approved and pinned.",
}


def create_app(project_root: str | Path, *, token: str | None = None, reviewer: str | None = None) -> FastAPI:
    """The studio for the project in ``project_root``; with ``token``, every request must carry it."""
    project = Project.open(project_root)
    studio = _Studio(project, reviewer or getpass.getuser())

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            studio.shoot.stop()
            studio.store.close()

    app = FastAPI(title="Clapboard studio", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.studio = studio
    here = Path(__file__).parent
    app.mount("/static", StaticFiles(directory=here / "static"), name="static")
    _routes(app, studio)
    app.add_middleware(access.Door, token=token, secret=secrets.token_bytes(32))
    return app


class _Studio:
    """What the routes share: the project, one store for reading, the run, the templates and two caches."""

    def __init__(self, project: Project, reviewer: str) -> None:
        self.root = project.root
        self.reviewer = reviewer
        self.store = project.open_store()
        self.shoot = Shoot(project.root, self.store, wrapped=self.changed)
        self._project = project
        self._settings_stamp = self._stamp()
        self.templates = Environment(
            loader=PackageLoader("clapboard.studio", "templates"),
            autoescape=True,
            undefined=StrictUndefined,
            auto_reload=False,  # the package's templates do not change while it runs
        )
        self._guard = threading.Lock()
        # The rows are rendered once per reading with a stand-in where each session's CSRF token goes.
        self._stand_in = secrets.token_hex(32)
        self._board: tuple[float, Board, str] | None = None
        self._outputs: OrderedDict[str, bytes] = OrderedDict()
        self._bundles: OrderedDict[str, dict[str, bytes]] = OrderedDict()
        self._held = 0

    @property
    def project(self) -> Project:
        """The project with its settings as ``clapboard.toml`` says now: read again whenever the file changes."""
        stamp = self._stamp()
        with self._guard:
            if stamp != self._settings_stamp:
                self._project = Project.open(self.root)
                self._settings_stamp = stamp
            return self._project

    def _stamp(self) -> int:
        try:
            return (self.root / CONFIG_NAME).stat().st_mtime_ns
        except OSError:
            return 0

    def fresh(self) -> bool:
        """Whether the board read last is recent enough to show again."""
        with self._guard:
            return self._board is not None and time.monotonic() - self._board[0] < BOARD_FRESH

    def board(self) -> Board:
        """The board, read from the store at most once a second."""
        return self._desk()[1]

    def rows(self, request: Request) -> Markup:
        """The board's rows as HTML, with the CSRF token of ``request``'s session in its forms."""
        return Markup(self._desk()[2].replace(self._stand_in, access.csrf_token(request)))

    def _desk(self) -> tuple[float, Board, str]:
        with self._guard:
            if self._board is not None and time.monotonic() - self._board[0] < BOARD_FRESH:
                return self._board
        board = read_board(self.store)
        rows = self.templates.get_template("rows.html").render(board=board, csrf=self._stand_in, verdicts=VERDICTS)
        with self._guard:
            self._board = (time.monotonic(), board, rows)
            return self._board

    def changed(self) -> None:
        """Forget the board: an action or a run just changed the store."""
        with self._guard:
            self._board = None

    def cached(self, take: Take) -> bytes | None:
        """The bytes of a take if they are in memory already."""
        with self._guard:
            data = self._outputs.get(take.key)
            if data is not None:
                self._outputs.move_to_end(take.key)
            return data

    def output(self, take: Take) -> bytes:
        """The bytes of a take, kept in memory while there is room (a key's bytes never change)."""
        data = self.cached(take)
        if data is not None:
            return data
        data = self.store.output(take.key)
        with self._guard:
            if len(data) <= OUTPUT_CACHE // 4 and take.key not in self._outputs:
                self._outputs[take.key] = data
                self._held += len(data)
                while self._held > OUTPUT_CACHE:
                    _, dropped = self._outputs.popitem(last=False)
                    self._held -= len(dropped)
        return data

    def members(self, take: Take) -> dict[str, bytes]:
        """The files of a bundled take (a scene's frames), the last few kept unpacked."""
        from clapboard.plan.soundtrack import unbundle

        with self._guard:
            found = self._bundles.get(take.key)
        if found is not None:
            return found
        found = unbundle(self.output(take))
        with self._guard:
            self._bundles[take.key] = found
            if len(self._bundles) > BUNDLES:
                self._bundles.popitem(last=False)
        return found

    def page(self, request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        """A page rendered with what every page needs: the CSRF token, the project and the run's state."""
        html = self.templates.get_template(template).render(
            csrf=access.csrf_token(request),
            title=self.project.settings.title or self.board().title or self.project.root.name,
            progress=self.shoot.progress(),
            **context,
        )
        return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})


def _routes(app: FastAPI, studio: _Studio) -> None:
    @app.exception_handler(HTTPException)
    async def refused(request: Request, exc: HTTPException) -> Response:
        return PlainTextResponse(str(exc.detail), status_code=exc.status_code, headers={"Cache-Control": "no-store"})

    @app.exception_handler(ClapboardError)
    async def failed(request: Request, exc: ClapboardError) -> Response:
        # A project that cannot be read or planned right now (a broken clapboard.toml, say) is the user's to fix.
        return PlainTextResponse(exc.one_line(), status_code=409, headers={"Cache-Control": "no-store"})

    @app.get("/")
    async def home() -> Response:
        return RedirectResponse("/board", status_code=303)

    # --- the board --------------------------------------------------------------------------------

    @app.get("/board")
    async def board_page(request: Request, said: str = "") -> Response:
        if not studio.fresh():
            await anyio.to_thread.run_sync(studio.board)
        return studio.page(request, "board.html", rows=studio.rows(request), said=_SAID.get(said, ""))

    @app.get("/board/rows")
    async def board_rows(request: Request) -> Response:
        if not studio.fresh():
            await anyio.to_thread.run_sync(studio.board)
        return HTMLResponse(studio.rows(request), headers={"Cache-Control": "no-store"})

    @app.post("/review")
    async def review(request: Request) -> Response:
        form = await _form(request)
        name, shown = _field(form, "name"), _field(form, "key")
        verdict = next((v for v in VERDICTS if v == _field(form, "verdict")), None)
        if verdict is None:
            raise HTTPException(400, f"a verdict is one of {', '.join(VERDICTS)}")
        await anyio.to_thread.run_sync(_current, studio.store, name, shown)
        try:
            await anyio.to_thread.run_sync(
                lambda: production.review(studio.project, name, verdict, studio.reviewer, _field(form, "note"))
            )
        except StoreError as exc:
            raise HTTPException(404, exc.one_line()) from None
        studio.changed()
        return _back(form, verdict)

    @app.post("/replace")
    async def replace(request: Request) -> Response:
        form = await _form(request)
        name, shown, member = _field(form, "name"), _field(form, "key"), _field(form, "member")
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise HTTPException(400, "choose a file to upload")
        data = await upload.read(access.BODY_LIMIT + 1)
        current = await anyio.to_thread.run_sync(_current, studio.store, name, shown)
        try:
            if current.provenance.kind == "scene-frames":
                replacement = await anyio.to_thread.run_sync(_new_frames, studio, current, member, data)
            elif current.provenance.kind == "speech":
                replacement = recording_from_upload(data, access.BODY_LIMIT)
            else:
                raise HTTPException(400, f"{name} is not a frame or a recording; only those are replaced by upload")
        except UploadRefused as exc:
            raise HTTPException(exc.status, exc.one_line()) from None
        await anyio.to_thread.run_sync(
            lambda: production.replace_take(
                studio.project, name, replacement, studio.reviewer, _field(form, "note") or "uploaded in the studio"
            )
        )
        studio.changed()
        return _back(form, "replace")

    # --- takes: provenance, blobs and frames --------------------------------------------------------

    @app.get("/take/{key}")
    def take_page(request: Request, key: str, panel: bool = False) -> Response:
        found = ledger.entry(studio.store, key) if KEY.fullmatch(key) else None
        if found is None:
            raise HTTPException(404, "no such take in this project's store")
        standing = standing_of(found.take, studio.store.pins(), studio.store.rejections())
        return studio.page(
            request,
            "take.html",
            entry=found,
            standing=standing,
            panel=panel,
            verdicts=VERDICTS,
            reviews=studio.store.reviews(key=found.take.key),
            replaceable=found.take.provenance.kind in ("speech", "scene-frames"),
            media=_media_kind(found.take),
        )

    @app.get("/blob/{key}")
    async def blob(request: Request, key: str) -> Response:
        take = _stored(studio.store, key)
        data = studio.cached(take) or await anyio.to_thread.run_sync(studio.output, take)
        kind = sniff(data)
        headers = {"Cache-Control": _IMMUTABLE, "ETag": f'"{key}"'}
        if not kind.startswith(("image/", "audio/", "video/", "text/plain", "application/pdf")):
            headers["Content-Disposition"] = f'attachment; filename="{key[:16]}.bin"'
        return _bytes(request, data, kind, headers)

    @app.get("/frame/{key}/{member}")
    async def frame(request: Request, key: str, member: str) -> Response:
        take = _stored(studio.store, key)
        if take.provenance.kind != "scene-frames" or not FRAME.fullmatch(member):
            raise HTTPException(404, "no such frame")
        data = (await anyio.to_thread.run_sync(studio.members, take)).get(member)
        if data is None:
            raise HTTPException(404, "no such frame")
        return _bytes(request, data, sniff(data), {"Cache-Control": _IMMUTABLE, "ETag": f'"{key}/{member}"'})

    # --- the run ----------------------------------------------------------------------------------

    @app.get("/run")
    def run_page(request: Request) -> Response:
        try:
            verdicts = production.dry_run(studio.project)
            problem = ""
        except ClapboardError as exc:
            verdicts, problem = [], exc.one_line()
        stale = [v for v in verdicts if v.action == "run"]
        stages = list(dict.fromkeys(v.step.stage for v in verdicts))
        return studio.page(
            request,
            "run.html",
            stale=stale[:LISTED],
            unlisted=max(0, len(stale) - LISTED),
            stale_count=len(stale),
            planned=len(verdicts),
            stages=stages,
            problem=problem,
            history=production.history(studio.project, 10),
        )

    @app.post("/run")
    async def run_start(request: Request) -> Response:
        form = await _form(request)
        until = _field(form, "until") or None
        if until is not None and not re.fullmatch(r"[a-z][a-z0-9-]{0,40}", until):
            raise HTTPException(400, "no such stage")
        if not studio.shoot.start(until):
            raise HTTPException(409, "a run is already rolling; wait for it or stop it")
        if "application/json" in request.headers.get("accept", ""):
            return Response(json.dumps(studio.shoot.progress().as_dict()), 202, media_type="application/json")
        return RedirectResponse("/run", status_code=303)

    @app.post("/run/stop")
    async def run_stop(request: Request) -> Response:
        await _form(request)
        studio.shoot.stop()
        return RedirectResponse("/run", status_code=303)

    @app.get("/run/progress")
    def run_progress() -> Response:
        return Response(json.dumps(studio.shoot.progress().as_dict()), media_type="application/json")

    @app.get("/run/events")
    async def run_events(request: Request) -> Response:
        async def events() -> AsyncIterator[str]:
            yield "retry: 1000\n\n"
            sent, quiet = "", 0.0
            ends = time.monotonic() + STREAM_SECONDS
            while time.monotonic() < ends and not await request.is_disconnected():
                progress = await anyio.to_thread.run_sync(studio.shoot.progress)
                said = json.dumps(progress.as_dict())
                if said != sent:
                    yield f"event: progress\ndata: {said}\n\n"
                    sent, quiet = said, time.monotonic()
                elif time.monotonic() - quiet > 15:
                    yield ": still here\n\n"
                    quiet = time.monotonic()
                await anyio.sleep(0.5 if progress.rolling else 1.0)

        return StreamingResponse(
            events(), media_type="text/event-stream", headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        )

    # --- the screening room -----------------------------------------------------------------------

    @app.get("/screening")
    def screening_page(request: Request) -> Response:
        return studio.page(request, "screening.html", room=screening.screening(studio.project.out_path))

    @app.get("/film.mp4")
    def film() -> Response:
        path = studio.project.out_path / "film.mp4"
        if not path.is_file():
            raise HTTPException(404, "no film yet: run make")
        return FileResponse(path, media_type="video/mp4", headers={"Cache-Control": "no-cache"})

    @app.get("/subtitles/{language}.vtt")
    def subtitles(language: str) -> Response:
        path = screening.subtitle_file(studio.project.out_path, language)
        if path is None:
            raise HTTPException(404, "no subtitles in that language")
        return FileResponse(path, media_type="text/vtt; charset=utf-8", headers={"Cache-Control": "no-cache"})

    @app.get("/dub/{language}.wav")
    def dub(language: str) -> Response:
        path = screening.dub_file(studio.project.out_path, language)
        if path is None:
            raise HTTPException(404, "no dub in that language")
        return FileResponse(path, media_type="audio/wav", headers={"Cache-Control": "no-cache"})

    @app.get("/chapters.vtt")
    def chapters() -> Response:
        room = screening.screening(studio.project.out_path)
        return Response(screening.chapters_vtt(room.chapters), media_type="text/vtt; charset=utf-8")

    # --- the script -------------------------------------------------------------------------------

    # --- preferences: what the reviews taught the planner ---------------------------------------------

    @app.get("/preferences")
    def preferences_page(request: Request, said: str = "") -> Response:
        learned = production.learned(studio.store)
        return studio.page(request, "preferences.html", learned=learned, said=said == "reset")

    @app.post("/preferences/reset")
    async def preferences_reset(request: Request) -> Response:
        await _form(request)  # the door checked its CSRF token; nothing else in it is read
        await anyio.to_thread.run_sync(lambda: production.reset_preferences(studio.project, studio.reviewer))
        studio.changed()
        return RedirectResponse("/preferences?said=reset", status_code=303)

    @app.get("/script")
    def script_page(request: Request) -> Response:
        path = studio.project.script_path
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        return studio.page(request, "script.html", **_script_context(studio, text, _digest(text)))

    @app.post("/script")
    async def script_save(request: Request) -> Response:
        form = await _form(request)
        text = _field(form, "text", strip=False).replace("\r\n", "\n").replace("\r", "\n")
        path = studio.project.script_path
        if path.suffix.lower() != ".fountain":
            raise HTTPException(400, f"{path.name} is not Fountain; edit it in the program that wrote it")
        on_disk = path.read_text(encoding="utf-8") if path.is_file() else ""
        if _field(form, "base") != _digest(on_disk):
            context = _script_context(studio, text, _digest(on_disk))
            context["problem"] = "The script changed on disk since you opened it; your text is below, not saved."
            return studio.page(request, "script.html", status=409, **context)
        from clapboard.screenplay.formats import write_atomic
        from clapboard.screenplay.fountain import parse

        try:
            parse(text, str(path))
        except ScriptError as exc:
            context = _script_context(studio, text, _digest(on_disk))
            context["problem"] = exc.one_line()
            return studio.page(request, "script.html", status=422, **context)
        await anyio.to_thread.run_sync(write_atomic, path, text.encode("utf-8"))
        try:
            verdicts = await anyio.to_thread.run_sync(production.dry_run, studio.project)
        except ClapboardError as exc:
            context = _script_context(studio, text, _digest(text))
            context["problem"] = f"Saved, but the project cannot be planned: {exc.one_line()}"
            return studio.page(request, "script.html", status=200, **context)
        stale = [v for v in verdicts if v.action == "run"]
        context = _script_context(studio, text, _digest(text))
        context.update(saved=True, stale=stale[:LISTED], unlisted=max(0, len(stale) - LISTED), stale_count=len(stale))
        return studio.page(request, "script.html", **context)


async def _form(request: Request) -> FormData:
    """The posted form, refused with 403 unless it carries the session's CSRF token."""
    form = await request.form(max_files=1, max_fields=8, max_part_size=4 * 1024 * 1024)
    offered = request.headers.get(access.CSRF_HEADER) or form.get(access.CSRF_FIELD)
    if not access.csrf_ok(request, offered if isinstance(offered, str) else None):
        raise HTTPException(403, "this form has expired or did not come from the studio; reload the page")
    return form


def _field(form: FormData, name: str, *, strip: bool = True) -> str:
    value = form.get(name, "")
    if not isinstance(value, str):
        return ""
    return value.strip() if strip else value


def _current(store: Store, name: str, shown: str) -> Take:
    """The take ``name`` last produced, which must be the one the page showed (``shown``)."""
    take = store.latest().get(name)
    if take is None:
        raise HTTPException(404, f"no step named {name!r} has made anything yet")
    if shown and shown != take.key:
        raise HTTPException(409, f"{name} has a newer take than the one you saw; reload the page")
    return take


def _stored(store: Store, key: str) -> Take:
    """The take under ``key``: 64 hex digits that the catalog knows, nothing else."""
    take = store.take(key) if KEY.fullmatch(key) else None
    if take is None:
        raise HTTPException(404, "no such take in this project's store")
    return take


def _new_frames(studio: _Studio, current: Take, member: str, data: bytes) -> bytes:
    """The scene's frames bundle with one shot's frame swapped for an uploaded one."""
    from clapboard.plan.soundtrack import bundle

    frames = studio.members(current)
    if member not in frames:
        raise HTTPException(400, "no such shot in this scene's frames")
    return bundle({**frames, member: frame_from_upload(data, access.BODY_LIMIT)})


def _back(form: FormData, said: str) -> Response:
    """Back to the page the form was on: a take's panel, or the board at the scene."""
    back = _field(form, "back")
    if KEY.fullmatch(back):
        return RedirectResponse(f"/take/{back}", status_code=303)
    anchor = _field(form, "anchor")
    fragment = f"#{anchor}" if re.fullmatch(r"scene-[A-Za-z0-9-]{1,40}", anchor) else ""
    return RedirectResponse(f"/board?said={said}{fragment}", status_code=303)


def _bytes(request: Request, data: bytes, kind: str, headers: dict[str, str]) -> Response:
    """``data`` whole, or the one byte range asked for (players seek in recordings this way)."""
    etag = headers.get("ETag")
    if etag and request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    headers = {**headers, "Accept-Ranges": "bytes"}
    wanted = re.fullmatch(r"bytes=(\d*)-(\d*)", request.headers.get("range", ""))
    if wanted and (wanted[1] or wanted[2]):
        size = len(data)
        if wanted[1]:
            start = int(wanted[1])
            end = min(int(wanted[2]), size - 1) if wanted[2] else size - 1
        else:
            start, end = max(0, size - int(wanted[2])), size - 1
        if start >= size or start > end:
            return Response(status_code=416, headers={**headers, "Content-Range": f"bytes */{size}"})
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"
        return Response(data[start : end + 1], 206, headers=headers, media_type=kind)
    return Response(data, headers=headers, media_type=kind)


def _media_kind(take: Take) -> str:
    """How the panel previews a take: as an image, a sound, a video, a scene's frames, or not at all."""
    return _PREVIEWS.get(take.provenance.kind, "")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _script_context(studio: _Studio, text: str, base: str) -> dict[str, Any]:
    path = studio.project.script_path
    return {
        "text": text,
        "base": base,
        "script_name": path.name,
        "editable": path.suffix.lower() == ".fountain",
        "problem": "",
        "saved": False,
        "stale": [],
        "unlisted": 0,
        "stale_count": 0,
    }
