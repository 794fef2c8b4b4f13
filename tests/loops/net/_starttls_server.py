# A STARTTLS server written with Python's asyncio, for tls_test.ts (Deno has
# no server-side TLS upgrade). Usage: _starttls_server.py CERT KEY.
# Prints its port, serves one client: reads "STARTTLS\n", answers "GO\n",
# upgrades the connection as the TLS server, then answers every chunk with
# b"echo:" + chunk until EOF, then exits.
import asyncio
import ssl
import sys


async def main() -> None:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(sys.argv[1], sys.argv[2])
    done = asyncio.get_running_loop().create_future()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            line = await reader.readline()
            if line != b"STARTTLS\n":
                writer.write(b"ERR\n")
                writer.close()
                return
            writer.write(b"GO\n")
            await writer.drain()
            await writer.start_tls(ctx)
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                writer.write(b"echo:" + data)
                await writer.drain()
            writer.close()
            await writer.wait_closed()
        except Exception as e:  # reported to the test through stdout
            print(f"server error: {e!r}", flush=True)
        finally:
            if not done.done():
                done.set_result(None)

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await asyncio.wait_for(done, 30)


asyncio.run(main())
