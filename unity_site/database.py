"""The check psycopg's connection pool runs on a connection before a request gets it, bounded
in time (docs/operations.md, "When the database goes away").

psycopg_pool's own `ConnectionPool.check_connection` waits as long as it takes for the answer,
so a connection to a database that has stopped answering (a host gone from the network, a hung
server) would hold the request, and its gunicorn worker, until gunicorn kills the worker.
"""

import functools
import selectors
import time

import psycopg
from psycopg import pq


def check_within(seconds: float):
    """A `check` for the pool: the connection must answer an empty query within `seconds`, or it
    is closed, and the pool hands out another or opens a new one."""
    return functools.partial(_check, seconds=seconds)


def _check(conn: psycopg.Connection, *, seconds: float) -> None:
    try:
        with conn.lock:
            _empty_query(conn.pgconn, deadline=time.monotonic() + seconds)
    except Exception:
        conn.close()
        raise


def _empty_query(pgconn: pq.abc.PGconn, deadline: float) -> None:
    # libpq's asynchronous calls on the connection's non-blocking socket, as psycopg's own
    # generators make them, with a deadline on each wait.
    with selectors.DefaultSelector() as selector:
        selector.register(pgconn.socket, selectors.EVENT_WRITE)
        pgconn.send_query(b"")
        while pgconn.flush():
            _wait(selector, deadline)
        selector.modify(pgconn.socket, selectors.EVENT_READ)
        pgconn.consume_input()
        while pgconn.is_busy():
            _wait(selector, deadline)
            pgconn.consume_input()
        while (result := pgconn.get_result()) is not None:
            if result.status == pq.ExecStatus.FATAL_ERROR:
                message = (result.error_message or b"").decode(errors="replace").strip()
                raise psycopg.OperationalError(f"connection check failed: {message}")


def _wait(selector: selectors.BaseSelector, deadline: float) -> None:
    remaining = deadline - time.monotonic()
    if remaining <= 0 or not selector.select(remaining):
        raise psycopg.OperationalError("the database did not answer the connection check in time")
