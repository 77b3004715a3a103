#!/usr/bin/python3
"""Many status-socket clients at once, for the load and soak test.

  soak_clients.py SOCKET OUT --stop FILE [--watch N] [--silent N]
                  [--pollers N] [--gap SECONDS]

--watch clients send `watch` and keep every event they read; --silent
clients send `watch` and never read a byte; --pollers clients ask `report`,
`findings`, `devices` and `probes` in turn, one connection per
question, about every --gap seconds each.  Everything runs until FILE
exists; then OUT gets a JSON document:

  {"watchers": [{"events": [["raised", ID, SUBJECT], ...],
                 "closed": null | "why the connection ended early"}, ...],
   "silent": N, "answers": N, "refused": N, "errors": N,
   "samples": ["the first few errors", ...]}
"""

import argparse
import asyncio
import json
import os
import random
import sys

LIMIT = 64 << 20  # the longest line a client accepts (a report is one line)
COMMANDS = ("report", "findings", "devices", "probes")


class Tally:
    def __init__(self):
        self.answers = self.refused = self.errors = 0
        self.samples = []

    def error(self, why):
        self.errors += 1
        if len(self.samples) < 10:
            self.samples.append(why)


async def connect(path):
    return await asyncio.open_unix_connection(path, limit=LIMIT)


async def open_watch(path):
    r, w = await connect(path)
    w.write(b"watch\n")
    await w.drain()
    return r, w


async def watcher(path, record, stop):
    try:
        r, w = await open_watch(path)
    except OSError as e:
        record["closed"] = "connect: %s" % e
        return
    while not stop.is_set():
        try:
            line = await asyncio.wait_for(r.readline(), 0.5)
        except asyncio.TimeoutError:
            continue
        except (OSError, ValueError) as e:
            record["closed"] = "read: %s" % e
            break
        if not line:
            record["closed"] = "the daemon closed the connection"
            break
        try:
            ev = json.loads(line)
        except ValueError:
            record["closed"] = "not JSON: %r" % line[:80]
            break
        if "error" in ev:
            record["closed"] = "refused: %s" % ev["error"]
            break
        f = ev.get("finding", {})
        record["events"].append([ev.get("event"), f.get("id"), f.get("subject")])
    w.close()


async def silent(path, stop, tally):
    try:
        _, w = await open_watch(path)
    except OSError as e:
        tally.error("silent watcher: %s" % e)
        return
    await stop.wait()
    w.close()


async def poller(path, gap, stop, tally, n):
    rng = random.Random(n)
    await asyncio.sleep(rng.uniform(0, gap))
    i = n
    while not stop.is_set():
        cmd = COMMANDS[i % len(COMMANDS)]
        i += 1
        try:
            r, w = await connect(path)
            w.write(cmd.encode() + b"\n")
            await w.drain()
            data = await asyncio.wait_for(r.read(), 15)
            w.close()
        except (OSError, asyncio.TimeoutError) as e:
            tally.error("%s: %s" % (cmd, e or type(e).__name__))
            await asyncio.sleep(gap)
            continue
        if data.startswith(b'{"error"'):
            tally.refused += 1
            tally.error("%s: %s" % (cmd, data.decode(errors="replace").strip()))
        elif not data:
            tally.error("%s: empty answer" % cmd)
        else:
            tally.answers += 1
        await asyncio.sleep(rng.uniform(0.5, 1.5) * gap)


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("socket")
    ap.add_argument("out")
    ap.add_argument("--stop", required=True)
    ap.add_argument("--watch", type=int, default=0)
    ap.add_argument("--silent", type=int, default=0)
    ap.add_argument("--pollers", type=int, default=0)
    ap.add_argument("--gap", type=float, default=1.0)
    a = ap.parse_args()
    stop = asyncio.Event()
    tally = Tally()
    records = [{"events": [], "closed": None} for _ in range(a.watch)]
    tasks = [asyncio.create_task(watcher(a.socket, rec, stop)) for rec in records]
    tasks += [asyncio.create_task(silent(a.socket, stop, tally)) for _ in range(a.silent)]
    tasks += [asyncio.create_task(poller(a.socket, a.gap, stop, tally, n))
              for n in range(a.pollers)]
    while not os.path.exists(a.stop):
        await asyncio.sleep(0.2)
    stop.set()
    await asyncio.wait(tasks, timeout=20)
    doc = {"watchers": records, "silent": a.silent, "answers": tally.answers,
           "refused": tally.refused, "errors": tally.errors, "samples": tally.samples}
    with open(a.out + ".tmp", "w") as f:
        json.dump(doc, f)
    os.rename(a.out + ".tmp", a.out)


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
