# The client of `deno task bench:conns`, in its own process:
#
#   python3 bench/_conns_client.py PORT CONNECTIONS [SIZE]
#
# Opens CONNECTIONS connections to 127.0.0.1:PORT (at most 200 connects in
# flight, so the server's accept queue never overflows), sends SIZE bytes
# (default 100) on each and reads the whole echo back, then keeps every
# connection open and idle. Prints one JSON line when all are idle:
# {"open": N, "echoed": N, "seconds": S}; then waits for a line on stdin (or
# its end) and closes them all. The soft limit on open files is raised to
# the hard limit first.

import asyncio
import json
import resource
import socket
import sys
import time

CONNECTS_IN_FLIGHT = 200


def raise_fd_limit(needed):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        sys.exit(f"open files limit {soft} is below the {needed} this client needs")


async def one(port, payload, gate, sockets):
    loop = asyncio.get_running_loop()
    async with gate:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        sockets.append(sock)
        await loop.sock_connect(sock, ("127.0.0.1", port))
    await loop.sock_sendall(sock, payload)
    got = 0
    while got < len(payload):
        chunk = await loop.sock_recv(sock, 65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        got += len(chunk)
    return got == len(payload)


async def main():
    port, count = int(sys.argv[1]), int(sys.argv[2])
    size = int(sys.argv[3]) if len(sys.argv) > 3 else 100
    raise_fd_limit(count + 100)
    payload = bytes(i & 0xFF for i in range(size))
    gate = asyncio.Semaphore(CONNECTS_IN_FLIGHT)
    sockets = []
    start = time.perf_counter()
    results = await asyncio.gather(*(one(port, payload, gate, sockets) for _ in range(count)))
    print(json.dumps({
        "open": len(sockets),
        "echoed": sum(results),
        "seconds": round(time.perf_counter() - start, 3),
    }), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    for sock in sockets:
        sock.close()


asyncio.run(main())
