#!/usr/bin/env python3
"""Run a command against a throw-away PostgreSQL cluster started in a temporary directory.

    python scripts/with_postgres.py pytest -q

The cluster listens on 127.0.0.1 at a free port; DATABASE_URL points the command at it. initdb and
postgres refuse to run as root, so as root the cluster runs as the unprivileged 'nobody' user.
Without PostgreSQL server binaries the command is skipped, unless DOLBOM_REQUIRE_POSTGRES=1.
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable


def find_bindir() -> str | None:
    initdb = shutil.which("initdb")
    if initdb:
        return os.path.dirname(os.path.realpath(initdb))
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return os.path.dirname(candidates[0]) if candidates else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def demote() -> tuple[Callable[[], None] | None, int | None, int | None]:
    if os.geteuid() != 0:
        return None, None, None
    nobody = pwd.getpwnam("nobody")

    def drop() -> None:
        os.setgid(nobody.pw_gid)
        os.setuid(nobody.pw_uid)

    return drop, nobody.pw_uid, nobody.pw_gid


def start_cluster(bindir: str, workdir: str) -> tuple[str, Callable[[], None]]:
    preexec, uid, gid = demote()
    if uid is not None:
        os.chown(workdir, uid, gid or -1)
    data = os.path.join(workdir, "data")
    log = os.path.join(workdir, "postgres.log")
    port = free_port()
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    subprocess.run(
        [f"{bindir}/initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale"],
        check=True,
        stdout=subprocess.DEVNULL,
        preexec_fn=preexec,
        env=env,
        cwd=workdir,
    )
    options = (
        f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c max_connections=300 "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=256MB"
    )
    subprocess.run(
        [f"{bindir}/pg_ctl", "-D", data, "-l", log, "-o", options, "-w", "-t", "60", "start"],
        check=True,
        stdout=subprocess.DEVNULL,
        preexec_fn=preexec,
        env=env,
        cwd=workdir,
    )

    def stop() -> None:
        subprocess.run(
            [f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=preexec,
            env=env,
            cwd=workdir,
        )

    # Where the cluster lives, for tests that stop and start the server itself (tests/reliability).
    os.environ.update(
        {"DOLBOM_PG_BINDIR": bindir, "DOLBOM_PG_DATA": data, "DOLBOM_PG_OPTIONS": options, "DOLBOM_PG_LOG": log}
    )
    url = f"postgres://postgres@127.0.0.1:{port}/dolbom"
    wait_ready(port)
    create_database(port)
    return url, stop


def wait_ready(port: int) -> None:
    deadline = time.time() + 30
    while time.time() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError("PostgreSQL did not start")


def create_database(port: int) -> None:
    import psycopg

    with psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres", autocommit=True) as conn:
        conn.execute("CREATE DATABASE dolbom")


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    bindir = find_bindir()
    if bindir is None:
        if os.environ.get("DOLBOM_REQUIRE_POSTGRES") == "1":
            print("PostgreSQL server binaries not found and DOLBOM_REQUIRE_POSTGRES=1", file=sys.stderr)
            return 1
        print(
            "PostgreSQL server binaries not found: skipping the PostgreSQL run (set DOLBOM_REQUIRE_POSTGRES=1 to fail)"
        )
        return 0
    workdir = tempfile.mkdtemp(prefix="dolbom-pg-")
    stop: Callable[[], None] = lambda: None  # noqa: E731
    try:
        url, stop = start_cluster(bindir, workdir)
        print(f"PostgreSQL test cluster at {url}", flush=True)
        env = {**os.environ, "DATABASE_URL": url, "DOLBOM_DB_VENDOR": "postgresql"}
        return subprocess.call(argv, env=env)
    finally:
        stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
