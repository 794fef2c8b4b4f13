# The CPython side of `deno task bench:latency`: the same workload as
# bench/latency_bench.ts (a 100-byte echo round trip over loopback and a
# `/bin/true` spawn-and-wait, each idle and beside a task spinning on
# `await asyncio.sleep(0)`), on asyncio or uvloop. Prints one JSON object of
# millisecond samples.
#
#   python3 bench/_latency_peer.py asyncio|uvloop ROUND_TRIPS SPAWNS

import asyncio
import json
import sys
import time

SIZE = 100


class Echo(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.transport.write(data)


async def echo_samples(n):
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Echo, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    payload = b"x" * SIZE
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        writer.write(payload)
        await reader.readexactly(SIZE)
        samples.append((time.perf_counter() - t0) * 1000)
    writer.close()
    await writer.wait_closed()
    server.close()
    await server.wait_closed()
    return samples


async def spawn_samples(n):
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        proc = await asyncio.create_subprocess_exec("/bin/true")
        await proc.wait()
        samples.append((time.perf_counter() - t0) * 1000)
    return samples


async def measure(round_trips, spawns, spinning):
    stop = False
    spins = 0

    async def spin():
        nonlocal spins
        while not stop:
            spins += 1
            await asyncio.sleep(0)

    spinner = asyncio.create_task(spin()) if spinning else None
    await asyncio.sleep(0)
    t0 = time.perf_counter()
    echo = await echo_samples(round_trips)
    spawn = await spawn_samples(spawns)
    seconds = time.perf_counter() - t0
    stop = True
    if spinner is not None:
        await spinner
    return {"echo": echo, "spawn": spawn, "spins": spins, "seconds": seconds}


async def main(round_trips, spawns):
    return {
        "idle": await measure(round_trips, spawns, False),
        "spinner": await measure(round_trips, spawns, True),
    }


def run():
    flavour, round_trips, spawns = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    if flavour == "uvloop":
        import uvloop

        result = uvloop.run(main(round_trips, spawns))
    else:
        result = asyncio.run(main(round_trips, spawns))
    result["version"] = sys.version.split()[0]
    print(json.dumps(result))


run()
