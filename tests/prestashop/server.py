"""The fake shop behind a real socket on 127.0.0.1, with faults to inject for the client's retries
and timeouts: `with running_shop() as server: httpx.get(server.api_url, auth=(KEY, ""))`."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.prestashop.seed import KEY, LIAISON_PERMISSIONS
from tests.prestashop.shop import Response, Shop


@dataclass
class Fault:
    kind: str  # 'status', 'delay', 'drop' or 'truncate'
    count: int
    status: int = 503
    seconds: float = 0.0
    methods: frozenset[str] | None = None
    path: str | None = None  # only requests whose path starts with this

    def applies(self, method: str, path: str) -> bool:
        return (self.methods is None or method in self.methods) and (
            self.path is None or path.startswith(self.path)
        )


@dataclass
class Logged:
    method: str
    target: str
    status: int | None  # None: the connection was dropped
    authorization: str | None
    fault: str | None
    body: bytes = b""


@dataclass
class Faults:
    """Faults for the next requests: each one is used up by the requests it applies to."""

    planned: list[Fault] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(self, count: int = 1, status: int = 503, **where) -> None:
        """The next `count` requests answer `status` with a web server's error page."""
        self._plan(Fault("status", count, status=status, **_where(where)))

    def delay(self, count: int = 1, seconds: float = 1.0, **where) -> None:
        """The next `count` requests are answered after `seconds` (a slow shop)."""
        self._plan(Fault("delay", count, seconds=seconds, **_where(where)))

    def drop(self, count: int = 1, **where) -> None:
        """The next `count` requests are read, then the connection is closed unanswered."""
        self._plan(Fault("drop", count, **_where(where)))

    def truncate(self, count: int = 1, **where) -> None:
        """The next `count` answers announce their full length and stop halfway."""
        self._plan(Fault("truncate", count, **_where(where)))

    def clear(self) -> None:
        with self.lock:
            self.planned.clear()

    def _plan(self, fault: Fault) -> None:
        with self.lock:
            self.planned.append(fault)

    def take(self, method: str, path: str) -> Fault | None:
        with self.lock:
            for fault in self.planned:
                if fault.count > 0 and fault.applies(method, path):
                    fault.count -= 1
                    if fault.count == 0:
                        self.planned.remove(fault)
                    return fault
        return None


def _where(where: dict) -> dict:
    methods = where.pop("methods", None)
    return {"methods": frozenset(methods) if methods else None, **where}


_ERROR_PAGE = "<html><head><title>{0}</title></head><body><h1>{0}</h1></body></html>"
_REASONS = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
            504: "Gateway Time-out"}  # fmt: skip


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as Apache and nginx do
    disable_nagle_algorithm = True  # headers and body go in two writes: no 40 ms stall
    server: _Server

    def log_message(self, *args):
        pass

    def _serve(self):
        try:
            self._answer()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (a timeout under test)

    def _answer(self):
        body = self._read_body()
        path = self.path.partition("?")[0]
        fault = self.server.faults.take(self.command, path)
        log = Logged(self.command, self.path, None, self.headers.get("Authorization"),
                     fault.kind if fault else None, body)  # fmt: skip
        self.server.log.append(log)
        if fault and fault.kind == "delay":
            time.sleep(fault.seconds)
        if fault and fault.kind == "drop":
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault and fault.kind == "status":
            reason = _REASONS.get(fault.status, "Error")
            page = _ERROR_PAGE.format(f"{fault.status} {reason}").encode()
            answer = Response(fault.status, [("Content-Type", "text/html")], page)
        else:
            headers = {k.lower(): v for k, v in self.headers.items()}
            host = self.headers.get("Host") or f"127.0.0.1:{self.server.server_port}"
            answer = self.server.shop.handle(self.command, self.path, headers, body, host)
        log.status = answer.status
        self.send_response(answer.status)
        for name, value in answer.headers:
            self.send_header(name, value)
        length = len(answer.body)
        if self.command == "HEAD" and not answer.body:
            length = 0
        self.send_header("Content-Length", str(length))
        self.end_headers()
        if fault and fault.kind == "truncate":
            self.wfile.write(answer.body[: len(answer.body) // 2])
            self.wfile.flush()
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.wfile.write(answer.body)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _serve


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class PrestaShopServer:
    """A fake PrestaShop on a free port of 127.0.0.1."""

    def __init__(self, shop: Shop | None = None):
        self.shop = shop or Shop()
        if not self.shop.keys:
            self.shop.add_key(KEY, LIAISON_PERMISSIONS)
        self.faults = Faults()
        self.log: list[Logged] = []
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    @property
    def api_url(self) -> str:
        return self.url + "/api/"

    def start(self) -> PrestaShopServer:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.shop, self._server.faults, self._server.log = self.shop, self.faults, self.log
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()
            self._server = None

    def __enter__(self) -> PrestaShopServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


@contextlib.contextmanager
def running_shop(shop: Shop | None = None):
    """A started fake shop (seeded with the default install) for a test or a benchmark."""
    server = PrestaShopServer(shop)
    with server:
        yield server
