"""A small EventSource for tests: one connection read by a daemon thread.

Reading in a thread lets a test hold several streams open at once and bound
every wait (``next``, ``until``) so a missing event fails instead of hanging.
"""

from __future__ import annotations

import contextlib
import json
import queue
import socket
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import httpx

WAIT = 10.0


@dataclass(frozen=True)
class SseEvent:
    id: int
    event: str
    data: dict[str, Any]


class SseStream:
    def __init__(
        self,
        url: str,
        *,
        token: str | None = None,
        params: Mapping[str, str | int] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.url = url
        self.headers = dict(headers or {})
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        self.params = dict(params or {})
        self.status: int | None = None
        self.pid: int | None = None
        self.items: queue.Queue[SseEvent | None] = queue.Queue()
        self._ready = threading.Event()
        self._socket: socket.socket | None = None
        self._client = httpx.Client(timeout=httpx.Timeout(5.0, read=30.0))
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            with self._client.stream(
                "GET", self.url, headers=self.headers, params=self.params
            ) as r:
                self._socket = r.extensions["network_stream"].get_extra_info("socket")
                self.status = r.status_code
                if r.status_code == 200:
                    self._parse(r.iter_lines())
        except Exception:  # closed under us by close(), or the server went away
            pass
        finally:
            self._ready.set()
            self.items.put(None)

    def _parse(self, lines: Any) -> None:
        fields: dict[str, str] = {}
        for line in lines:
            if line.startswith(": pid "):
                self.pid = int(line.removeprefix(": pid "))
                self._ready.set()
            elif line == "" and "data" in fields:
                data = json.loads(fields["data"])
                self.items.put(SseEvent(int(fields["id"]), data["action"], data))
                fields = {}
            elif line and not line.startswith(":"):
                key, _, value = line.partition(":")
                fields[key] = value.removeprefix(" ")

    def wait_ready(self, timeout: float = WAIT) -> int:
        """The serving worker's pid, once the stream is subscribed."""
        assert self._ready.wait(timeout), "stream did not open"
        assert self.pid is not None, f"stream refused: HTTP {self.status}"
        return self.pid

    def next(self, timeout: float = WAIT) -> SseEvent:
        try:
            item = self.items.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no event within {timeout} s") from None
        assert item is not None, "stream ended"
        return item

    def until(self, action: str, timeout: float = WAIT) -> tuple[SseEvent, list[SseEvent]]:
        """The first ``action`` event, and the events that came before it."""
        before: list[SseEvent] = []
        while (event := self.next(timeout)).event != action:
            before.append(event)
        return event, before

    def ended(self, timeout: float = WAIT) -> bool:
        try:
            while self.items.get(timeout=timeout) is not None:
                pass
        except queue.Empty:
            return False
        return True

    def close(self) -> None:
        # Closing the client does not wake a thread blocked in recv(); shutdown() does.
        if self._socket is not None:
            with contextlib.suppress(OSError):
                self._socket.shutdown(socket.SHUT_RDWR)
        self._thread.join(timeout=5)
        self._client.close()

    def __enter__(self) -> SseStream:
        return self

    def __exit__(
        self, exc: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
