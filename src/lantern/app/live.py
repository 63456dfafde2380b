"""The store generation the app serves, and the move to a new one without a restart.

`lantern run` writes a new generation of the store beside the one the app reads and switches
the store's link to it when it commits (`lantern.store.generations`). `LiveStore` holds the
generation the app has open; `refresh` (every few seconds, from a thread `watch` starts) looks
at the link and, when it points somewhere new, opens that generation read-only, syncs the
alerts from it, and serves it to every request that starts afterwards.

A request reads one generation from start to finish: `PinGeneration` (ASGI middleware) pins
the generation current when the request starts, and `AppState.analytics` answers with the
pinned one. A generation nobody is reading any more is closed, so that a later run can remove
its file.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import threading
from collections.abc import Callable
from pathlib import Path

from starlette.types import ASGIApp, Receive, Scope, Send

from lantern.app.store_reader import Analytics
from lantern.store import generations

log = logging.getLogger("lantern.app.live")

REFRESH_SECONDS = 2.0  # how often the app looks at the store's link

# The generation the current request reads (None outside a request: the current one).
pinned: contextvars.ContextVar[Analytics | None] = contextvars.ContextVar(
    "lantern_generation", default=None
)


def _pointer(store: Path) -> tuple[str, int, int] | None:
    """What identifies the generation the link names now: its file, inode and change time."""
    path = generations.current(store)
    if path is None:
        return None
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return (str(path), stat.st_ino, stat.st_mtime_ns)


class LiveStore:
    """The generation the app serves, and the one each request reads."""

    def __init__(
        self,
        store: Path,
        open_analytics: Callable[[Path], Analytics],
        on_switch: Callable[[Analytics], None] | None = None,
    ) -> None:
        self.store = Path(store)
        self._open = open_analytics
        self.on_switch = on_switch  # set once the operational store is ready (alerts sync)
        self.after_switch: Callable[[], None] | None = None  # `serve --warm`: warm it up
        self._lock = threading.Lock()
        self._pointer = _pointer(self.store)
        path = generations.current(self.store) or self.store
        self._current = open_analytics(path)
        self._readers: dict[int, int] = {}  # id(analytics) -> requests reading it
        self._retired: dict[int, Analytics] = {}  # replaced, closed when nobody reads them

    @property
    def current(self) -> Analytics:
        return self._current

    def replace(self, analytics: Analytics) -> None:
        """Serve `analytics` from now on (tests, and `refresh`)."""
        with self._lock:
            old, self._current = self._current, analytics
            if old is not analytics:
                self._retire(old)

    def _retire(self, old: Analytics) -> None:
        if self._readers.get(id(old)):
            self._retired[id(old)] = old
        else:
            old.close()

    def refresh(self) -> bool:
        """Move to the generation the store's link names, if it is a new one; True if moved.
        A generation that cannot be opened (removed as we looked) is tried again next time."""
        pointer = _pointer(self.store)
        if pointer is None or pointer == self._pointer:
            return False
        try:
            fresh = self._open(Path(pointer[0]))
        except Exception:
            log.warning("store generation %s could not be opened; trying again", pointer[0])
            return False
        if self.on_switch is not None:
            try:
                self.on_switch(fresh)
            except Exception:  # another worker synced the same alerts first: serve it anyway
                log.exception("alerts sync after the switch to %s failed", pointer[0])
        self._pointer = pointer
        self.replace(fresh)
        log.info("now serving %s", pointer[0])
        if self.after_switch is not None:
            self.after_switch()
        return True

    def pin(self) -> Analytics:
        with self._lock:
            analytics = self._current
            self._readers[id(analytics)] = self._readers.get(id(analytics), 0) + 1
            return analytics

    def unpin(self, analytics: Analytics) -> None:
        with self._lock:
            left = self._readers.get(id(analytics), 1) - 1
            if left > 0:
                self._readers[id(analytics)] = left
                return
            self._readers.pop(id(analytics), None)
            retired = self._retired.pop(id(analytics), None)
        if retired is not None:
            retired.close()

    def close(self) -> None:
        with self._lock:
            for old in self._retired.values():
                old.close()
            self._retired.clear()
            self._current.close()

    def watch(self, stop: threading.Event, every: float = REFRESH_SECONDS) -> threading.Thread:
        """Refresh every `every` seconds until `stop` is set, in a daemon thread."""

        def loop() -> None:
            while not stop.wait(every):
                with contextlib.suppress(Exception):
                    self.refresh()

        thread = threading.Thread(target=loop, name="lantern-generation-watch", daemon=True)
        thread.start()
        return thread


class PinGeneration:
    """ASGI middleware: each request reads the generation current when it started."""

    def __init__(self, app: ASGIApp, live: Callable[[], LiveStore]) -> None:
        self.app = app
        self.live = live

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        live = self.live()
        analytics = live.pin()
        token = pinned.set(analytics)
        try:
            await self.app(scope, receive, send)
        finally:
            pinned.reset(token)
            live.unpin(analytics)
