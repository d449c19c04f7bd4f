"""A local Kolada for the client tests: recorded v3 responses over a real socket.

`RecordedKolada` is a `ThreadingHTTPServer` on 127.0.0.1, port 0, in a thread. Tests script it
route by route (a recorded file, an inline body, a status, a delay); it logs every request
target so tests can assert exactly which URLs the client asked for. An autouse guard refuses
any socket connection that is not to the loopback interface: no test reaches the internet.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from hallbar.integrations.kolada.client import KoladaClient

RECORDED = Path(__file__).parent / "recorded"
KOLADA_PREFIX = b"https://api.kolada.se/v3"
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def recorded(name: str) -> bytes:
    """The bytes of a recorded response body."""
    return (RECORDED / name).read_bytes()


def recorded_json(name: str) -> dict:
    return json.loads(recorded(name))


@dataclass
class Reply:
    """One scripted response."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering (for timeouts)

    @classmethod
    def file(cls, name: str, **kwargs) -> Reply:
        return cls(body=recorded(name), **kwargs)

    @classmethod
    def json(cls, payload: object, **kwargs) -> Reply:
        return cls(body=json.dumps(payload).encode(), **kwargs)


Dynamic = Callable[[str, str], Reply]  # (path, query) -> reply


class RecordedKolada:
    """A scriptable stand-in for api.kolada.se, serving over HTTP on 127.0.0.1."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self._routes: dict[str, list[Reply]] = {}
        self._dynamic: list[tuple[str, Dynamic]] = []
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        host, port = self._server.server_address[:2]
        self.base_url = f"http://{host}:{port}/v3"
        # A short poll interval: shutdown() waits up to one interval, in every test's teardown.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    def route(self, target: str, *replies: Reply) -> None:
        """Answer `target` (a path, or a path with its query) with `replies` in turn.

        The last reply repeats once the others are used up. A path with a query matches
        only that query; a bare path matches any query.
        """
        self._routes[target] = list(replies)

    def route_prefix(self, prefix: str, answer: Dynamic) -> None:
        """Answer every path starting with `prefix` by calling `answer(path, query)`."""
        self._dynamic.append((prefix, answer))

    def paths(self) -> list[str]:
        """The request paths, without their queries, in order."""
        return [target.split("?", 1)[0] for target in self.requests]

    def close(self) -> None:
        self._closing.set()  # wakes handlers that are "slow" on purpose
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _reply_for(self, target: str) -> Reply:
        with self._lock:
            self.requests.append(target)
            path, _, query = target.partition("?")
            for key in (target, path):
                replies = self._routes.get(key)
                if replies:
                    return replies.pop(0) if len(replies) > 1 else replies[0]
        for prefix, answer in self._dynamic:
            if path.startswith(prefix):
                return answer(path, query)
        return Reply.json({"error": f"no recording for {target}"}, status=404)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                reply = owner._reply_for(self.path)
                if reply.delay and owner._closing.wait(reply.delay):
                    return
                body = reply.body.replace(KOLADA_PREFIX, owner.base_url.encode())
                try:
                    self.send_response(reply.status)
                    headers = {"Content-Type": "application/json; charset=utf-8", **reply.headers}
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test): nothing to tell it

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler


@pytest.fixture(autouse=True)
def no_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse every outgoing connection that is not to this machine."""
    real_create_connection = socket.create_connection

    def loopback_only(address, *args, **kwargs):
        host = address[0]
        if host not in LOOPBACK:
            raise AssertionError(f"a Kolada test tried to reach {host}")
        return real_create_connection(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", loopback_only)


@pytest.fixture
def kolada() -> Iterator[RecordedKolada]:
    server = RecordedKolada()
    assert urlsplit(server.base_url).hostname == "127.0.0.1"
    yield server
    server.close()


class ClientFactory:
    """Builds clients pointed at the local server; records the sleeps instead of sleeping."""

    def __init__(self, server: RecordedKolada) -> None:
        self.server = server
        self.sleeps: list[float] = []
        self._clients: list[KoladaClient] = []

    def __call__(self, **options) -> KoladaClient:
        options.setdefault("timeout", 5.0)
        options.setdefault("sleep", self.sleeps.append)
        # An explicit transport: the real socket, but never an HTTP_PROXY from the environment.
        options.setdefault("transport", httpx.HTTPTransport())
        client = KoladaClient(self.server.base_url, **options)
        self._clients.append(client)
        return client

    def close(self) -> None:
        for client in self._clients:
            client.close()


@pytest.fixture
def make_client(kolada: RecordedKolada) -> Iterator[ClientFactory]:
    factory = ClientFactory(kolada)
    yield factory
    factory.close()
