# The CPython echo servers of `deno task bench:conns`, one per process:
#
#   python3 bench/_conns_peer.py asyncio|uvloop protocol|streams BACKLOG
#
# Listens on 127.0.0.1 (any free port) with the given listen backlog, prints
# the port on its first line, and echoes until it is killed: an
# asyncio.Protocol that writes back each chunk, or a streams handler
# (reader.read / writer.write + drain), on asyncio's loop or uvloop's.

import asyncio
import sys


class Echo(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.transport.write(data)


async def echo(reader, writer):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()


async def main(kind, backlog):
    if kind == "streams":
        server = await asyncio.start_server(echo, "127.0.0.1", 0, backlog=backlog)
    else:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(Echo, "127.0.0.1", 0, backlog=backlog)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    runtime, kind, backlog = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if runtime == "uvloop":
        import uvloop
        uvloop.install()
    asyncio.run(main(kind, backlog))
