# The CPython side of `deno task bench:report`: the scheduler workloads of
# bench/scheduler_bench.ts on asyncio or uvloop, best of a few runs, printed
# as one JSON object of operations per second per group.
#
#   python3 bench/_scheduler_peer.py asyncio|uvloop RUNS

import asyncio
import json
import sys
import time

CALLBACKS = 1_000_000
TASKS = 100
SWITCHES_PER_TASK = 10_000
PINGPONGS = 200_000
GATHERED = 100_000
QUEUE_ITEMS = 100_000
LOCK_TASKS = 100
LOCK_ROUNDS = 1_000
GROUP_TASKS = 100_000


def callsoon_chain(loop):
    left = CALLBACKS

    def tick():
        nonlocal left
        left -= 1
        if left > 0:
            loop.call_soon(tick)
        else:
            loop.stop()

    loop.call_soon(tick)
    loop.run_forever()
    return CALLBACKS


async def task_switches():
    async def worker():
        for _ in range(SWITCHES_PER_TASK):
            await asyncio.sleep(0)

    await asyncio.gather(*[asyncio.create_task(worker()) for _ in range(TASKS)])
    return TASKS * SWITCHES_PER_TASK


async def ping_pong():
    loop = asyncio.get_running_loop()
    state = {"ping": loop.create_future(), "pong": loop.create_future()}

    async def pinger():
        for i in range(PINGPONGS):
            state["ping"].set_result(i)
            await state["pong"]

    async def ponger():
        for i in range(PINGPONGS):
            await state["ping"]
            state["ping"] = loop.create_future()
            p = state["pong"]
            state["pong"] = loop.create_future()
            p.set_result(i)

    await asyncio.gather(asyncio.create_task(ponger()), asyncio.create_task(pinger()))
    return PINGPONGS


async def gather_tasks():
    async def co(i):
        return i

    await asyncio.gather(*[asyncio.create_task(co(i)) for i in range(GATHERED)])
    return GATHERED


async def queue_handoff():
    q = asyncio.Queue(1)

    async def producer():
        for i in range(QUEUE_ITEMS):
            await q.put(i)

    p = asyncio.create_task(producer())
    total = 0
    for _ in range(QUEUE_ITEMS):
        total += await q.get()
    await p
    return QUEUE_ITEMS


async def lock_handoff():
    lock = asyncio.Lock()

    async def worker():
        for _ in range(LOCK_ROUNDS):
            async with lock:
                await asyncio.sleep(0)

    await asyncio.gather(*[asyncio.create_task(worker()) for _ in range(LOCK_TASKS)])
    return LOCK_TASKS * LOCK_ROUNDS


async def task_group():
    async def co(i):
        return i

    async with asyncio.TaskGroup() as tg:
        for i in range(GROUP_TASKS):
            tg.create_task(co(i))
    return GROUP_TASKS


WORKLOADS = {
    "callSoon chain": callsoon_chain,
    "task switches": task_switches,
    "future ping-pong": ping_pong,
    "gather": gather_tasks,
    "queue hand-off": queue_handoff,
    "lock hand-off": lock_handoff,
    "taskGroup": task_group,
}


def main():
    flavour, runs = sys.argv[1], int(sys.argv[2])
    if flavour == "uvloop":
        import uvloop

        new_loop = uvloop.new_event_loop
    else:
        new_loop = asyncio.new_event_loop
    rates = {}
    for name, fn in WORKLOADS.items():
        best = 0.0
        for _ in range(runs):
            loop = new_loop()
            asyncio.set_event_loop(loop)
            t0 = time.perf_counter()
            ops = fn(loop) if name == "callSoon chain" else loop.run_until_complete(fn())
            dt = time.perf_counter() - t0
            loop.close()
            best = max(best, ops / dt)
        rates[name] = best
    rates["version"] = sys.version.split()[0]
    print(json.dumps(rates))


main()
