"""A replica following the others: with the index on a server (PostgreSQL), other replicas write to it, so a
thread catches this process's BM25 arrays up from the chunks written since (qa.index.bm25.update), so that
searches find the new releases without waiting for a request to notice.

It is woken by the server: every write sends a notification when it commits (qa.index.pg_listen), so a
write through another replica is searchable here about as soon as it is acknowledged there. As the fallback
it also looks at the index's generation every settings.pg.follow_interval seconds, which is all it does
while its listening connection is down; it listens again at the next look. A database that cannot be reached
is tried again at the next look."""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

from qa.index.search import SharedIndex
from qa.index.storage_errors import StoreError
from qa.index.store import Store
from qa.settings import Settings, is_postgres

if TYPE_CHECKING:
    from qa.index.pg_listen import Listener

log = logging.getLogger(__name__)

# Longest sleep between looks at the stop flag, so stopping never waits a whole (long) poll interval.
_NAP = 0.5


class Follower:
    def __init__(self, settings: Settings, shared: SharedIndex) -> None:
        self.settings = settings
        self.shared = shared
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="qa-follower", daemon=True)

    @property
    def needed(self) -> bool:
        """Only a shared database has writers elsewhere; an SQLite file's are caught up at each search."""
        return is_postgres(self.settings.db)

    def start(self) -> None:
        if self.needed:
            self.thread.start()

    def stop(self) -> None:
        self.stopped.set()
        if self.thread.is_alive():
            self.thread.join(5)

    def _listen(self) -> Listener | None:
        from qa.index.pg_listen import Listener  # psycopg: only for a database

        try:
            listener = Listener(str(self.settings.db), self.settings.pg)
        except StoreError as err:
            log.debug("follower: not listening: %s", err)
            return None
        return listener

    def _run(self) -> None:
        store: Store | None = None
        listener: Listener | None = None
        interval = self.settings.pg.follow_interval
        look_at = time.monotonic()  # the next poll of the generation
        while not self.stopped.is_set():
            woken = False
            if listener is None and time.monotonic() >= look_at:
                listener = self._listen()
                woken = listener is not None  # what was written while nobody listened: caught up now
            nap = min(_NAP, max(0.0, look_at - time.monotonic()))
            if listener is not None:
                try:
                    woken = listener.wait(nap) or woken
                except StoreError as err:  # the connection dropped: look (and listen again) now, then poll
                    log.debug("follower: listening stopped: %s", err)
                    listener.close()
                    listener = None
                    look_at = time.monotonic()
                    continue
            else:
                self.stopped.wait(nap)
            if not woken and time.monotonic() < look_at:
                continue
            look_at = time.monotonic() + interval
            try:
                store = store or Store(self.settings.db)
                self.shared.get(store, self.settings.search.k1, self.settings.search.b)
            except StoreError as err:  # the database is away (storage_unavailable): look again later
                log.debug("follower: %s", err)
            except Exception:
                log.exception("follower")
        if listener is not None:
            listener.close()
        if store is not None:
            store.close()
