# A Python asyncio echo server (a Protocol) for peers_test.ts: prints its
# port, echoes every chunk, answers EOF by closing, and exits after its first
# client is gone, printing "served <bytes>".
import asyncio


async def main() -> None:
    loop = asyncio.get_running_loop()
    gone = loop.create_future()

    class Echo(asyncio.Protocol):
        total = 0

        def connection_made(self, transport) -> None:
            self.transport = transport

        def data_received(self, data: bytes) -> None:
            Echo.total += len(data)
            self.transport.write(data)

        def connection_lost(self, exc) -> None:
            if not gone.done():
                gone.set_result(exc)

    server = await loop.create_server(Echo, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    exc = await asyncio.wait_for(gone, 30)
    server.close()
    await server.wait_closed()
    print(f"served {Echo.total}" + (f" error {exc!r}" if exc else ""), flush=True)


asyncio.run(main())
