"""The studio: a web app where people review, steer and approve every take of a project.

``clapboard studio [PROJECT]`` calls :func:`serve`; tests and other programs
build the app with :func:`create_app` and serve it as they like. The studio
reads and writes the project's store through the public production API only.
"""

from __future__ import annotations

import os
import socket
from typing import TYPE_CHECKING
from urllib.parse import quote

from clapboard.studio.access import BODY_LIMIT, TOKEN_ENV, check_binding, is_loopback
from clapboard.studio.app import create_app

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["BODY_LIMIT", "TOKEN_ENV", "create_app", "serve"]


def serve(project: Path, host: str = "127.0.0.1", port: int = 8765, token: str | None = None) -> None:
    """Serve the studio for ``project`` on ``host``:``port`` until interrupted.

    Bound anywhere but loopback it needs a token (given, or from ``CLAPBOARD_STUDIO_TOKEN``), and refuses to
    start without one; the address it prints carries the token, so opening it once lets the browser in.
    """
    import uvicorn

    token = token or os.environ.get(TOKEN_ENV) or None
    check_binding(host, token)
    app = create_app(project, token=token)
    shown = socket.gethostname() if host in ("0.0.0.0", "::") else f"[{host}]" if ":" in host else host
    address = f"http://{shown}:{port}/board" + (f"?token={quote(token)}" if token else "")
    where = "this machine only" if is_loopback(host) else "the network, with its token"
    print(f"Clapboard studio for {app.state.studio.project.root} on {where}: {address}", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=3)
