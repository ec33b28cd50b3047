#!/usr/bin/env python3
"""Careless and hostile clients against the real release server: prints
figures (README, Security). Not a test: the figures depend on the machine.

1. Idle flood: under a limit of 256 open files, 300 connections that never
   say hello, reopened as soon as the server closes one, for 15 s. Counts
   the server's CPU time and log growth, and times `flowboard snapshot`
   once a second meanwhile.
2. Slow readers: 150 read-only clients that never read, on a board of 700
   visits, while an operator sends 100 commands; then 300 such clients on
   2,000 visits. Samples the server's resident memory (VmRSS) before,
   at its peak and after they leave, and times the operator's commands.

Usage: scripts/measure-hardening.py [--seconds 15]
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "flowboard")


def config(tmp, replace):
    text = open(os.path.join(ROOT, "config.toml"), encoding="utf-8").read()
    for old, new in replace:
        assert old in text, old
        text = text.replace(old, new)
    path = os.path.join(tmp, "clinic.toml")
    open(path, "w", encoding="utf-8").write(text)
    return path


def start(data, conf, nofile=None):
    cmd = [BIN, "--data-dir", data, "--config", conf, "serve"]
    if nofile:
        cmd = ["prlimit", f"--nofile={nofile}:{nofile}"] + cmd
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    sock = os.path.join(data, "flowboard.sock")
    for _ in range(400):
        try:
            s = socket.socket(socket.AF_UNIX)
            s.connect(sock)
            s.close()
            return server, sock
        except OSError:
            time.sleep(0.05)
    sys.exit("the server did not start")


def cpu_secs(pid):
    stat = open(f"/proc/{pid}/stat").read()
    fields = stat[stat.rfind(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def flowboard(data, conf, args, stdin=None):
    return subprocess.run(
        [BIN, "--data-dir", data, "--config", conf, "--no-autostart"] + args,
        input=stdin, capture_output=True, text=True,
    )


def arrivals(n, start=0):
    return "\n".join(
        json.dumps({"cmd": "arrive", "name": f"Patient{i:05d} Flood", "chart_no": str(100000 + i),
                    "treatment": "face"})
        for i in range(start, start + n)
    ) + "\n"


def flood(seconds):
    with tempfile.TemporaryDirectory(prefix="fb-measure-") as tmp:
        data = os.path.join(tmp, "data")
        conf = config(tmp, [])
        server, sock = start(data, conf, nofile=256)
        log = os.path.join(data, "flowboard.log")
        log0, cpu0 = os.path.getsize(log), cpu_secs(server.pid)
        stop = time.monotonic() + seconds
        opened = [0]

        def attacker():
            conns = []
            while time.monotonic() < stop:
                conns = [c for c in conns if alive(c)]
                while len(conns) < 300 and time.monotonic() < stop:
                    try:
                        c = socket.socket(socket.AF_UNIX)
                        c.setblocking(False)
                        c.connect(sock)
                        conns.append(c)
                        opened[0] += 1
                    except OSError:
                        time.sleep(0.01)
                        break
                time.sleep(0.05)
            for c in conns:
                c.close()

        def alive(c):
            try:
                if c.recv(65536, socket.MSG_PEEK) == b"":
                    c.close()
                    return False
                # The server said why it closes: drain, it will end.
                c.recv(65536)
                return True
            except BlockingIOError:
                return True
            except OSError:
                c.close()
                return False

        t = threading.Thread(target=attacker)
        t.start()
        times, failed = [], 0
        time.sleep(0.5)
        while time.monotonic() < stop:
            t0 = time.monotonic()
            r = flowboard(data, conf, ["--timeout", "10", "snapshot", "--json"])
            times.append(time.monotonic() - t0)
            failed += r.returncode != 0
            time.sleep(max(0.0, 1.0 - (time.monotonic() - t0)))
        t.join()
        cpu = cpu_secs(server.pid) - cpu0
        grown = os.path.getsize(log) - log0
        server.kill()
        server.wait()
    print(f"idle flood, {seconds} s, limit 256 open files, 300 silent connections kept open "
          f"({opened[0]} opened in all):")
    print(f"  server CPU {cpu:.2f} s ({100 * cpu / seconds:.1f} % of a core), "
          f"log +{grown} bytes")
    print(f"  snapshot during the flood: {len(times)} runs, {failed} failed, "
          f"median {1000 * statistics.median(times):.0f} ms, max {1000 * max(times):.0f} ms")


def slow_readers(visits, clients, commands):
    with tempfile.TemporaryDirectory(prefix="fb-measure-") as tmp:
        data = os.path.join(tmp, "data")
        conf = config(tmp, [("max_connections = 64", f"max_connections = {clients + 16}")])
        server, sock = start(data, conf)
        r = flowboard(data, conf, ["send"], stdin=arrivals(visits))
        assert r.returncode == 0, r.stderr
        time.sleep(1)
        before = rss_mib(server.pid)
        slow = []
        for _ in range(clients):
            c = socket.socket(socket.AF_UNIX)
            c.connect(sock)
            c.sendall(b'{"hello":{"protocol":3,"role":"read_only","client":"slow"}}\n')
            slow.append(c)
        peak = [before]
        sampling = [True]

        def sample():
            while sampling[0]:
                peak[0] = max(peak[0], rss_mib(server.pid))
                time.sleep(0.05)

        t = threading.Thread(target=sample)
        t.start()
        t0 = time.monotonic()
        r = flowboard(data, conf, ["send"], stdin=arrivals(commands, start=visits))
        took = time.monotonic() - t0
        assert r.returncode == 0, r.stderr
        time.sleep(1)
        during = rss_mib(server.pid)
        for c in slow:
            c.close()
        time.sleep(2)
        sampling[0] = False
        t.join()
        after = rss_mib(server.pid)
        log = open(os.path.join(data, "flowboard.log"), encoding="utf-8").read()
        server.kill()
        server.wait()
    print(f"{clients} clients that never read, board of {visits} visits, "
          f"{commands} commands meanwhile:")
    print(f"  server RSS {before:.0f} MiB before, peak {peak[0]:.0f} MiB "
          f"(+{peak[0] - before:.0f}), {during:.0f} MiB once they fell behind, "
          f"{after:.0f} MiB after they left")
    print(f"  the operator's {commands} commands took {took:.1f} s "
          f"({1000 * took / commands:.0f} ms each, flush and broadcast included); "
          f"'fell behind' logged: {'yes' if 'fell behind' in log else 'no'}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--seconds", type=int, default=15)
    a = p.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    flood(a.seconds)
    slow_readers(700, 150, 100)
    slow_readers(2000, 300, 50)


if __name__ == "__main__":
    main()
