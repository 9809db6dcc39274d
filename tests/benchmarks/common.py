"""Shared helpers for `make bench`: tables, timing, a server on a free port, an HTTP load generator."""

from __future__ import annotations

import contextlib
import re
import shutil
import statistics
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def table(title: str, header: list[str], rows: list[list]) -> str:
    cells = [header, *[[str(c) for c in row] for row in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    line = "+-" + "-+-".join("-" * w for w in widths) + "-+"
    out = [
        f"\n{title}",
        line,
        "| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |",
        line,
    ]
    for row in cells[1:]:
        out.append("| " + " | ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) + " |")
    out.append(line)
    return "\n".join(out)


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "n/a"


@contextlib.contextmanager
def gunicorn(port: int, *, workers: int = 2, threads: int = 4):
    """The same web server `make run` starts, on `port`, until the block ends."""
    from config.devstack import _stop, start_web

    proc = start_web(port, workers=workers, threads=threads)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            url, host = f"http://127.0.0.1:{port}/ping", f"localhost:{port}"
            ping = urllib.request.Request(url, headers={"Host": host})
            with contextlib.suppress(OSError):
                urllib.request.urlopen(ping, timeout=1)
                break
            time.sleep(0.2)
        yield proc
    finally:
        _stop(proc)


def load(url: str, host: str, *, seconds: float, connections: int, headers: dict | None = None) -> dict:
    """Requests/s against `url` with the Host header `host`: wrk when installed, else Python threads."""
    headers = {"Host": host, **(headers or {})}
    if shutil.which("wrk"):
        args = ["wrk", "-t2", f"-c{connections}", f"-d{max(1, int(seconds))}s", "--latency"]
        for key, value in headers.items():
            args += ["-H", f"{key}: {value}"]
        out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
        p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
        scale = {"us": 0.001, "ms": 1, "s": 1000}
        return {
            "rps": rps,
            "errors": int(non2xx.group(1)) if non2xx else 0,
            "p50_ms": float(p50.group(1)) * scale[p50.group(2)] if p50 else None,
            "tool": "wrk",
        }
    return _python_load(url, headers, seconds=seconds, connections=connections)


def _python_load(url: str, headers: dict, *, seconds: float, connections: int) -> dict:
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    counts = [0] * connections
    errors = [0] * connections
    stop = time.monotonic() + seconds

    def worker(i):
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        while time.monotonic() < stop:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status >= 400:
                errors[i] += 1
            counts[i] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"rps": sum(counts) / seconds, "errors": sum(errors), "p50_ms": None, "tool": "python"}
