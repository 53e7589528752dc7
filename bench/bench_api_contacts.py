"""Benchmark: recording contacts through the partner API (front door issue).

- api.contacts_per_second   on PostgreSQL, goal >= 100 sustained

2,000 referrals are sent with `POST /api/v1/referrals`, each with its own
Idempotency-Key, a realistic body (one or two children and an adult, a concern of a
few hundred words' length, two categories) and a partner organisation's token, by
several client threads at once. Each is the whole production path: token check,
validation, the front door's service (contact, categories, decision clock,
notifications to the front-door managers, the audit entry that also records the call)
and the idempotency record, all committed. The figure is referrals recorded per second over the
whole run, after a warm-up; the note gives the p50 and p95 time of one call.

How the calls travel (--via):
- `http` (default): over real HTTP to gunicorn serving `hearth.wsgi:application` in
  processes of their own (--workers processes of --server-threads threads each, as a
  production deployment would), each client thread keeping its connection alive;
- `wsgi`: through Django's WSGI handler in this process (`hearth.wsgi.application`),
  as a WSGI server would call it, one client thread each (one process: one core).

The database is a fresh PostgreSQL database of its own (hearth_bench_api), migrated
and given a small front door (a team of one worker and two managers) and a police
force with a token; made again on each run, so runs compare.

Run alone:  HEARTH_ENV=bench .venv/bin/python bench/bench_api_contacts.py
            [--via http|wsgi] [--count 2000] [--threads 8] [--workers 2]
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # found beside this file, on the path set above

DATABASE = "hearth_bench_api"
COUNT = 2000
WARM_UP = 100
THREADS = 8
WORKERS = 3  # this machine has 2 cores; the database and the clients share them
SERVER_THREADS = 2
CONN_MAX_AGE = 60  # the server keeps its database connections (HEARTH_DB_CONN_MAX_AGE)
PORT = 8765
CONCERN = (
    "Amelia arrived at breakfast club with bruising to both upper arms, in the shape of "
    "fingertips. When asked, she said her mum's boyfriend grabbed her when she would not "
    "go to bed, and that it happens when he has been drinking. She was quiet and tired "
    "and asked whether she had to go home tonight. Her younger brother Leo (in nursery) "
    "has missed six days this half term. "
) * 3


def body(n: int) -> bytes:
    people: list[dict[str, Any]] = [
        {"role": "child", "given_name": "Amelia", "family_name": f"Okafor{n}",
         "date_of_birth": "2017-03-14", "address": f"{n} Alder Road, Lambury SE15 4QT",
         "nhs_number": "943 476 5919"},
        {"role": "adult", "given_name": "Grace", "family_name": f"Okafor{n}"},
    ]  # fmt: skip
    if n % 2:
        people.append({"role": "child", "given_name": "Leo", "family_name": f"Okafor{n}",
                       "date_of_birth": "2021-09-02"})  # fmt: skip
    return json.dumps(
        {
            "concern": CONCERN,
            "categories": ["physical_injury", "domestic_abuse"],
            "people": people,
            "consent": "not_sought",
            "consent_reason": "Asking may put the children at greater risk",
            "referrer_name": "PC Jo Hale",
            "referrer_role": "Response officer",
            "referrer_phone": "01632 960 001",
        }
    ).encode()


def prepare() -> str:
    """A fresh database with a front door and a police force; the police token."""
    harness._postgres_create(DATABASE, fresh=True)
    harness.setup_django(harness.postgres_url(DATABASE))
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from hearth.accounts.models import Organisation, Role, Team, User
    from hearth.api.services import api_token_create

    team = Team.objects.create(name="Front Door (MASH)", service_area="front_door")
    for i, role in enumerate([Role.FRONT_DOOR, Role.TEAM_MANAGER, Role.SERVICE_MANAGER]):
        User.objects.create_user(f"fd{i}@example.test", None, full_name=f"FD {i}", role=role,
                                 team=team)  # fmt: skip
    police = Organisation.objects.create(name="Lambshire Police", kind="police")
    return api_token_create(acting_user=None, organisation=police, name="Bench").secret


def wsgi_sender(token: str) -> Callable[[int], int]:
    from hearth.wsgi import application

    def send(n: int) -> int:
        data = body(n)
        environ = {
            "REQUEST_METHOD": "POST", "PATH_INFO": "/api/v1/referrals", "QUERY_STRING": "",
            "SCRIPT_NAME": "", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
            "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(data),
            "wsgi.errors": sys.stderr, "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(data)), "HTTP_AUTHORIZATION": f"Bearer {token}",
            "HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4()),
        }  # fmt: skip
        status: list[str] = []
        chunks = application(environ, lambda s, h, e=None: status.append(s))
        try:
            b"".join(chunks)
        finally:
            getattr(chunks, "close", lambda: None)()
        return int(status[0].split()[0])

    return send


def http_sender(token: str) -> Callable[[int], int]:
    local = threading.local()  # one kept-alive connection per client thread

    def send(n: int) -> int:
        headers = {
            "Content-Type": "application/json", "Authorization": f"Bearer {token}",
            "Idempotency-Key": str(uuid.uuid4()),
        }  # fmt: skip
        for attempt in (1, 2):
            conn = getattr(local, "conn", None) or http.client.HTTPConnection(
                "127.0.0.1", PORT, timeout=60
            )
            local.conn = conn
            try:
                conn.request("POST", "/api/v1/referrals", body=body(n), headers=headers)
                r = conn.getresponse()
                r.read()
                return r.status
            except (http.client.HTTPException, ConnectionError):
                conn.close()  # the server closed a kept-alive connection: once more
                local.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    return send


def start_server(workers: int, threads: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "HEARTH_ENV": "bench", "DATABASE_URL": harness.postgres_url(DATABASE),
           "HEARTH_DB_CONN_MAX_AGE": str(CONN_MAX_AGE)}  # fmt: skip
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    server = subprocess.Popen(
        [gunicorn, "hearth.wsgi:application", "--bind", f"127.0.0.1:{PORT}",
         "--workers", str(workers), "--threads", str(threads), "--worker-class", "gthread",
         "--keep-alive", "30", "--log-level", "warning"],
        env=env, cwd=harness.ROOT, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(150):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=1)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def run(send: Callable[[int], int], count: int, threads: int) -> tuple[float, list[float]]:
    """Send `count` referrals from `threads` threads; (seconds, ms per call)."""
    from django.db import connections

    numbers = iter(range(count))
    lock = threading.Lock()
    times: list[float] = []
    failures: list[int] = []

    def worker() -> None:
        try:
            while True:
                with lock:
                    n = next(numbers, None)
                if n is None:
                    return
                started = time.perf_counter()
                status = send(n)
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    times.append(elapsed)
                    if status != 201:
                        failures.append(status)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    started = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    seconds = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{len(failures)} calls failed, e.g. HTTP {failures[0]}")
    return seconds, times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--via", choices=["http", "wsgi"], default="http")
    parser.add_argument("--count", type=int, default=COUNT)
    parser.add_argument("--threads", type=int, default=THREADS, help="client threads")
    parser.add_argument("--workers", type=int, default=WORKERS, help="server processes")
    parser.add_argument("--server-threads", type=int, default=SERVER_THREADS)
    args = parser.parse_args(argv)
    if not harness.postgres_answers():
        print("    api.contacts_per_second: skipped, PostgreSQL does not answer on 127.0.0.1:5432")
        return 0
    token = prepare()
    server = start_server(args.workers, args.server_threads) if args.via == "http" else None
    try:
        send = http_sender(token) if server else wsgi_sender(token)
        run(send, WARM_UP, args.threads)
        seconds, times = run(send, args.count, args.threads)
    finally:
        if server:
            server.terminate()
            server.wait(timeout=10)
    from hearth.frontdoor.models import Contact

    recorded = Contact.objects.filter(recorded_via="partner").count()
    assert recorded == WARM_UP + args.count, f"{recorded} referrals recorded"
    rate = args.count / seconds
    how = (
        f"over HTTP (kept-alive connections) to gunicorn, {args.workers} worker processes "
        f"of {args.server_threads} threads"
        if server
        else "through Django's WSGI handler in-process"
    )
    harness.emit(
        "api.contacts_per_second",
        rate,
        "per s",
        ">= 100",
        args.count,
        f"{args.count:,} POST /api/v1/referrals in {seconds:.1f} s, {args.threads} client "
        f"threads, {how}, after {WARM_UP} warm-up; per call p50 "
        f"{statistics.median(times):.1f} ms, p95 {harness.percentile(times, 95):.1f} ms; "
        f"each committed with its idempotency record, notifications and audit entry; "
        f"server database connections kept {CONN_MAX_AGE} s",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
