# A Python asyncio client for peers_test.ts: connects to 127.0.0.1:PORT
# (argv[1]) with a Protocol, sends messages of several sizes one after the
# other (each after its echo came back whole), half-closes, waits for the
# server to close, and prints "ok <bytes echoed> <callbacks seen>".
import asyncio
import sys

SIZES = [1, 100, 1500, 65536, 1024 * 1024, 7]


class Client(asyncio.Protocol):
    def __init__(self, done: asyncio.Future) -> None:
        self.done = done
        self.events = []
        self.expected = b""
        self.got = bytearray()
        self.total = 0
        self.sizes = list(SIZES)

    def connection_made(self, transport) -> None:
        self.transport = transport
        self.events.append("made")
        self.send_next()

    def send_next(self) -> None:
        if not self.sizes:
            self.transport.write_eof()
            return
        size = self.sizes.pop(0)
        self.expected = bytes((i * 13 + size) & 0xFF for i in range(size))
        self.got = bytearray()
        self.transport.write(self.expected)

    def data_received(self, data: bytes) -> None:
        self.got += data
        if len(self.got) < len(self.expected):
            return
        if bytes(self.got) != self.expected:
            self.done.set_exception(AssertionError("echo differs"))
            self.transport.abort()
            return
        self.total += len(self.got)
        self.send_next()

    def eof_received(self):
        self.events.append("eof")

    def connection_lost(self, exc) -> None:
        self.events.append("lost")
        if not self.done.done():
            self.done.set_result((exc, self.total, self.events))


async def main() -> None:
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    await loop.create_connection(lambda: Client(done), "127.0.0.1", int(sys.argv[1]))
    exc, total, events = await asyncio.wait_for(done, 30)
    if exc is not None:
        print(f"error {exc!r}", flush=True)
    else:
        print(f"ok {total} {','.join(events)}", flush=True)


asyncio.run(main())
