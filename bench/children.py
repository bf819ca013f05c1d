"""Load processes the benchmark talks to while they run: a spawned process and a pipe.

``bench.http_load`` and ``bench.redis_load`` run start to finish in a pool worker; the live
scenarios need more: subscribers that stay connected while a driver changes scores, and the
benchmark telling each of them when to go on. A :class:`Child` is such a process: the parent
sends it a command (a picklable object) and waits, bounded, for its one reply. Both sides
wait on the pipe through the event loop (``add_reader``), never in a thread, so a cancelled
wait (Ctrl-C, a timeout) leaves nothing blocked behind. Sending blocks until the other
side has read it all; replies are read as soon as they come, so that is brief.

A child that fails a command replies :class:`Failed`, which the parent raises as a
:class:`BenchError`; a child that dies is noticed as the pipe's end. :meth:`Child.stop`
asks it to exit and kills it when it does not, so no load process outlives the benchmark.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from bench.stores import BenchError

STOP_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class Exit:
    """The last command: clean up and end the process."""


@dataclass(frozen=True, slots=True)
class Failed:
    """The reply of a command that raised."""

    description: str


async def receive(conn: Connection) -> Any:
    """The next object on ``conn``, waiting in the event loop; EOFError once it is closed."""
    loop = asyncio.get_running_loop()
    while not conn.poll():
        readable = asyncio.Event()
        fd = conn.fileno()
        loop.add_reader(fd, readable.set)
        try:
            await readable.wait()
        finally:
            loop.remove_reader(fd)
            os.set_blocking(fd, True)  # uvloop's add_reader made it non-blocking
    return conn.recv()


async def serve_commands(conn: Connection, handle: Callable[[Any], Awaitable[Any]]) -> None:
    """The child's side: answer each command with ``handle``'s result until :class:`Exit`
    (which is answered too, once ``handle`` has cleaned up) or the parent goes away."""
    while True:
        try:
            command = await receive(conn)
        except (EOFError, OSError):  # the parent is gone
            return
        try:
            reply = await handle(command)
        except Exception as exc:  # noqa: BLE001 - the parent reports it
            reply = Failed(f"{type(exc).__name__}: {exc}"[:500])
        conn.send(reply)
        if isinstance(command, Exit):
            return


class Child:
    """A spawned process running ``target(conn, spec)`` (which should call
    :func:`serve_commands`)."""

    def __init__(self, name: str, target: Callable[[Connection, Any], None], spec: Any) -> None:
        self.name = name
        context = multiprocessing.get_context("spawn")
        self._conn, theirs = context.Pipe()
        self.process = context.Process(target=target, args=(theirs, spec), name=name, daemon=True)
        self.process.start()
        theirs.close()

    @property
    def pid(self) -> int:
        assert self.process.pid is not None
        return self.process.pid

    async def ask(self, command: Any, seconds: float) -> Any:
        """Send ``command`` and return the reply; BenchError if none comes in ``seconds``."""
        self._conn.send(command)
        try:
            async with asyncio.timeout(seconds):
                reply = await receive(self._conn)
        except TimeoutError:
            what = type(command).__name__
            raise BenchError(f"{self.name}: no reply to {what} within {seconds:.0f} s") from None
        except (EOFError, OSError):  # its end of the pipe closed: it died
            await asyncio.to_thread(self.process.join, 1)
            code = self.process.exitcode
            raise BenchError(f"{self.name} exited (code {code})") from None
        if isinstance(reply, Failed):
            raise BenchError(f"{self.name}: {reply.description}")
        return reply

    async def stop(self) -> None:
        """Ask the process to exit; terminate it, then kill it, if it does not."""
        if self.process.is_alive():
            with contextlib.suppress(BenchError, OSError):  # if so, it is killed below
                await self.ask(Exit(), STOP_TIMEOUT)
        for end in (self.process.terminate, self.process.kill):
            if not self.process.is_alive():
                break
            end()
            await asyncio.to_thread(self.process.join, STOP_TIMEOUT / 2)
        self._conn.close()
