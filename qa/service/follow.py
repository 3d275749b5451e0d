"""A replica following the others: with the index on a server (PostgreSQL), other replicas write to it, so a
thread looks for a new generation every settings.pg.follow_interval seconds and catches this process's BM25
arrays up from the chunks written since (qa.index.bm25.update), so that searches find the new releases without
waiting for a request to notice. A database that cannot be reached is tried again at the next look."""

from __future__ import annotations

import logging
import threading

from qa.index.search import SharedIndex
from qa.index.storage_errors import StoreError
from qa.index.store import Store
from qa.settings import Settings, is_postgres

log = logging.getLogger(__name__)


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

    def _run(self) -> None:
        store: Store | None = None
        while not self.stopped.wait(self.settings.pg.follow_interval):
            try:
                store = store or Store(self.settings.db)
                self.shared.get(store, self.settings.search.k1, self.settings.search.b)
            except StoreError as err:  # the database is away (storage_unavailable): look again later
                log.debug("follower: %s", err)
            except Exception:
                log.exception("follower")
        if store is not None:
            store.close()
