"""A TCP proxy in front of PostgreSQL that a test (or bench/outage.py) turns off and on again.

- up: each connection is forwarded to the database.
- black-holed: connections are accepted and never answered, and the open ones stop answering
  mid-conversation, as when the database's host vanishes or hangs. They never come back: after
  `up()` only new connections reach the database, as when a replacement host takes over.
- refused: nothing listens (the port is kept, so no one else can take it) and the open
  connections are closed, as when PostgreSQL is stopped.
"""

import selectors
import socket
import threading

UP, BLACK_HOLED, REFUSED = "up", "black-holed", "refused"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DatabaseProxy:
    def __init__(self, upstream_host: str = "127.0.0.1", upstream_port: int = 5432):
        self.upstream = (upstream_host, int(upstream_port))
        self.mode = UP
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Bound to a port named explicitly, so that the port stays ours while nothing listens.
        self._listener.bind(("127.0.0.1", free_port()))
        self._listener.listen(128)
        self.port = self._listener.getsockname()[1]
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._listener, selectors.EVENT_READ)
        self._peers: dict[socket.socket, socket.socket] = {}
        self._held: list[socket.socket] = []
        self._lock = threading.Lock()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="database-proxy", daemon=True)
        self._thread.start()

    def up(self) -> None:
        with self._lock:
            if self.mode == REFUSED:
                self._listener.listen(128)
                self._selector.register(self._listener, selectors.EVENT_READ)
            self.mode = UP

    def black_hole(self) -> None:
        with self._lock:
            if self.mode == REFUSED:
                self._listener.listen(128)
                self._selector.register(self._listener, selectors.EVENT_READ)
            for sock in list(self._peers):
                self._selector.unregister(sock)
                self._held.append(sock)
            self._peers.clear()
            self.mode = BLACK_HOLED

    def refuse(self) -> None:
        with self._lock:
            if self.mode != REFUSED:
                self._selector.unregister(self._listener)
                # On Linux this stops listening but keeps the port: connecting is refused.
                self._listener.shutdown(socket.SHUT_RDWR)
            for sock in self._peers:
                self._selector.unregister(sock)
            for sock in [*self._peers, *self._held]:
                sock.close()
            self._peers.clear()
            self._held.clear()
            self.mode = REFUSED

    def close(self) -> None:
        with self._lock:
            self._stopped = True
        self._thread.join(timeout=5)
        with self._lock:
            for sock in [*self._peers, *self._held, self._listener]:
                sock.close()
            self._peers.clear()
            self._held.clear()
            self._selector.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def _run(self) -> None:
        while True:
            events = self._selector.select(timeout=0.05)
            with self._lock:
                if self._stopped:
                    return
                for key, _ in events:
                    sock = key.fileobj
                    if sock is self._listener:
                        self._accept()
                    elif sock in self._peers:
                        self._forward(sock)

    def _accept(self) -> None:
        try:
            client, _ = self._listener.accept()
        except OSError:
            return
        if self.mode == BLACK_HOLED:
            self._held.append(client)
            return
        try:
            server = socket.create_connection(self.upstream, timeout=5)
        except OSError:
            client.close()
            return
        # Neither side ever holds the proxy up for long (the lock is held while forwarding).
        client.settimeout(5)
        server.settimeout(5)
        for one, other in ((client, server), (server, client)):
            self._peers[one] = other
            self._selector.register(one, selectors.EVENT_READ)

    def _forward(self, sock: socket.socket) -> None:
        other = self._peers[sock]
        try:
            data = sock.recv(65536)
            if data:
                other.sendall(data)
                return
        except OSError:
            pass
        for one in (sock, other):
            self._selector.unregister(one)
            del self._peers[one]
            one.close()
