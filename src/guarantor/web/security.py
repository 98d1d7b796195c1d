"""What every response carries and what every request may be: headers, body size, throttling.

* :class:`SecurityHeaders`: a Content-Security-Policy that lets pages load only the app's
  own scripts, styles and images (no inline script, no other origin, no framing),
  ``X-Frame-Options: DENY``, ``X-Content-Type-Options: nosniff``, ``Referrer-Policy:
  no-referrer``, and ``Cache-Control: no-store`` on everything but the static assets. The
  report of a run is one self-contained page with its own inline script: it gets a policy
  of its own that still allows nothing from elsewhere.
* :class:`BodyLimit`: request bodies beyond a limit (1 MB by default) get 413 before they
  are read into memory, whether they announce their length or not.
* :class:`AuthThrottle`: failed authentication, per client address, a token bucket; beyond
  the burst a failure gets 429 with ``Retry-After``. A valid token is always accepted, so
  an honest user is never locked out by someone else's failures, even behind the same
  address.
"""

from __future__ import annotations

import json
import math
import os
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Environment variable for the largest request body, in bytes.
MAX_BODY_ENV = "GUARANTOR_MAX_BODY_BYTES"
DEFAULT_MAX_BODY = 1024 * 1024

#: The pages and the API: only this origin, no inline code, no framing, no plugins.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
#: The report page: its inline script and styles, still nothing from any other origin.
REPORT_CSP = (
    "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; "
    "style-src 'unsafe-inline'; img-src data:; font-src data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
HEADERS = {
    b"x-frame-options": b"DENY",
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"no-referrer",
    b"cross-origin-opener-policy": b"same-origin",
}


def max_body_bytes(explicit: int | None = None) -> int:
    """The body limit: ``explicit``, else ``GUARANTOR_MAX_BODY_BYTES``, else 1 MB."""
    if explicit is not None:
        return explicit
    text = os.environ.get(MAX_BODY_ENV, "").strip()
    return int(text) if text.isdigit() and int(text) > 0 else DEFAULT_MAX_BODY


class SecurityHeaders:
    """Adds the security headers (and ``no-store`` off the static assets) to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        report = path.startswith("/api/runs/") and path.endswith("/report")
        static = path.startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.lower() not in HEADERS and k.lower() != b"content-security-policy"
                ]
                headers += list(HEADERS.items())
                headers.append(
                    (b"content-security-policy", (REPORT_CSP if report else CSP).encode())
                )
                if not static:
                    headers = [(k, v) for k, v in headers if k.lower() != b"cache-control"]
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyTooLarge(Exception):
    """A request body went past the limit while it was being read."""


class BodyLimit:
    """Refuses request bodies larger than ``limit`` bytes with 413 (nothing is processed)."""

    def __init__(self, app: ASGIApp, limit: int = DEFAULT_MAX_BODY) -> None:
        self.app = app
        self.limit = limit

    async def _refuse(self, send: Send) -> None:
        body = json.dumps(
            {"detail": f"the request body is larger than {self.limit:,} bytes"}
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name.lower() == b"content-length":
                try:
                    announced = int(value)
                except ValueError:
                    announced = -1
                if announced > self.limit:
                    await self._refuse(send)
                    return
        seen = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._refuse(send)


class AuthThrottle:
    """Failed authentications per client address, as a token bucket.

    Each address may fail ``burst`` times at once, and once more every ``refill_s`` seconds
    after that; a failure beyond that is answered 429 with the seconds to wait. Addresses are
    forgotten when their bucket is full again, so memory stays bounded by the addresses
    failing right now (and by ``max_addresses`` in any case).
    """

    def __init__(self, burst: int = 20, refill_s: float = 3.0, max_addresses: int = 10_000) -> None:
        self.burst = burst
        self.refill_s = refill_s
        self.max_addresses = max_addresses
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}

    def _level(self, address: str, now: float) -> float:
        tokens, at = self._buckets.get(address, (float(self.burst), now))
        return min(float(self.burst), tokens + (now - at) / self.refill_s)

    def failed(self, address: str) -> float:
        """Record a failure; 0 if it is within the allowance, else the seconds to wait."""
        now = time.monotonic()
        with self._lock:
            level = self._level(address, now)
            if level < 1.0:
                self._buckets[address] = (level, now)
                return max((1.0 - level) * self.refill_s, 1.0)
            if len(self._buckets) >= self.max_addresses:
                self._forget_full(now)
            self._buckets[address] = (level - 1.0, now)
            return 0.0

    def _forget_full(self, now: float) -> None:
        for address in [a for a in self._buckets if self._level(a, now) >= self.burst]:
            del self._buckets[address]
        if len(self._buckets) >= self.max_addresses:
            self._buckets.clear()

    @staticmethod
    def retry_after(seconds: float) -> str:
        """A Retry-After value: whole seconds, at least 1."""
        return str(max(1, math.ceil(seconds)))
