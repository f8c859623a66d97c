#!/usr/bin/env python3
"""Figures, table and JSON of one `make bench-repl` run (tests/bench/bench-repl.sh).

Usage: repl-report.py CTL1 CTL2 RESULTS_DIR COMMIT [--docs DOCS_DIR]
       repl-report.py --lag-rate CTL1

CTL1 is the primary's (g1) control share: tcp-{clean,netem}.json (iperf3
-J or tcp-copy.py), fio-{alone,connected,netem,lag,partition}.json (fio
JSON). CTL2 is the secondary's (g2): repl-samples.jsonl (repl-sample.py,
one sample a second tagged with the phase). RESULTS_DIR holds
params.json. Prints a Markdown section (throughput ratios with and
without a secondary, sync, catch-up and fast-sync figures against the
TCP baseline, lag percentiles; ratios next to the targets of issue 11)
and writes RESULTS_DIR/bench-repl.json (figures plus the raw inputs). With
--docs, also replaces the block between the bench-repl markers in
DOCS_DIR/benchmarks.md with that section and writes the figures and a
trimmed copy of the raw inputs to DOCS_DIR/img/bench-repl-COMMIT.json.
--lag-rate prints the lag phase's write rate in KiB/s: half of the TCP
baseline, at most 0.8 of the primary's 1M write rate with no secondary.
"""
import datetime
import json
import math
import os
import statistics
import sys

BEGIN = "<!-- bench-repl: begin (written by tests/bench/repl-report.py --docs) -->"
END = "<!-- bench-repl: end -->"


def load(path):
    """JSON from PATH (from its first '{': fio may print notes before), or None."""
    try:
        text = open(path).read()
        return json.loads(text[text.index("{"):])
    except (OSError, ValueError):
        return None


def tcp_bps(d):
    """Bytes/s of an iperf3 -J result or a tcp-copy.py result."""
    if not d:
        return None
    if "bytes_per_s" in d:
        return d["bytes_per_s"]
    try:
        return d["end"]["sum_received"]["bits_per_second"] / 8
    except (KeyError, TypeError):
        return None


def fio_job(d, name):
    """The write side of job NAME: iops, bytes/s, bytes, runtime (s)."""
    if not d:
        return None
    for j in d.get("jobs", []):
        if j.get("jobname") == name:
            w = j["write"]
            bw = w.get("bw_bytes", w.get("bw", 0) * 1024)
            return {"iops": w["iops"], "bytes_per_s": bw, "bytes": w.get("io_bytes"),
                    "runtime_s": w.get("runtime", 0) / 1000,
                    "clat_p99_us": (w.get("clat_ns", {}).get("percentile", {}).get("99.000000") or 0) / 1000}
    return None


def lag_rate(ctl1):
    """(bytes/s, explanation) of the lag phase's write rate."""
    tcp = tcp_bps(load(os.path.join(ctl1, "tcp-clean.json")))
    seq = fio_job(load(os.path.join(ctl1, "fio-alone.json")), "seq1m")
    if not tcp:
        raise SystemExit("repl-report: no TCP baseline (tcp-clean.json)")
    rate, why = tcp / 2, f"half of the link's {tcp / 1e6:.1f} MB/s"
    if seq and 0.8 * seq["bytes_per_s"] < rate:
        rate = 0.8 * seq["bytes_per_s"]
        why += f", capped at 0.8 × the primary's 1M write with no secondary ({seq['bytes_per_s'] / 1e6:.1f} MB/s)"
    return rate, why


def pct(values, p):
    """Nearest-rank percentile."""
    v = sorted(values)
    return v[max(0, math.ceil(p / 100 * len(v)) - 1)] if v else None


def num(s, key):
    v = s.get(key)
    return v if isinstance(v, int) else None


def total_lag(s):
    f, r = num(s, "fetch-lag"), num(s, "replay-lag")
    return None if f is None or r is None else f + r


def first(samples, cond, after=None):
    for s in samples:
        if (after is None or s["t"] >= after) and cond(s):
            return s
    return None


def figures(ctl1, ctl2, params):
    samples = []
    try:
        for line in open(os.path.join(ctl2, "repl-samples.jsonl")):
            if line.strip():
                samples.append(json.loads(line))
    except (OSError, ValueError):
        pass
    by = {}
    for s in samples:
        by.setdefault(s["phase"], []).append(s)
    fio = {k: load(os.path.join(ctl1, f"fio-{k}.json"))
           for k in ("alone", "connected", "netem", "lag", "partition")}
    tcp = {k: tcp_bps(load(os.path.join(ctl1, f"tcp-{k}.json"))) for k in ("clean", "netem")}
    f = {"tcp_bytes_per_s": tcp, "throughput": {}}
    for tag in ("alone", "connected", "netem"):
        f["throughput"][tag] = {"rand4k": fio_job(fio[tag], "rand4k"), "seq1m": fio_job(fio[tag], "seq1m")}

    # Full sync: syncstatus from 0 (the join wrote it) to the size.
    sync = by.get("sync", [])
    size = next((num(s, "size") for s in reversed(samples) if num(s, "size")), None)
    t0 = first(sync, lambda s: num(s, "syncstatus") is not None)
    step = first(sync, lambda s: 0 < (num(s, "syncstatus") or 0) < (size or 0))
    done = first(sync, lambda s: size and num(s, "syncstatus") == size)
    fs = {"size": size}
    if t0 and done and done["t"] > t0["t"]:
        fs["seconds"] = round(done["t"] - t0["t"], 1)
        fs["bytes_per_s"] = size / fs["seconds"]
        if step and done["t"] > step["t"]:
            fs["steady_bytes_per_s"] = (size - step["syncstatus"]) / (done["t"] - step["t"])
    rates = [num(s, "sync-rate") for s in sync if num(s, "is-syncing") == 1 and (num(s, "sync-rate") or 0) > 0]
    fs["median_sync_rate"] = statistics.median(rates) if rates else None
    wire_full = next((num(s, "sync-wire-bytes") for s in reversed(sync) if num(s, "sync-wire-bytes") is not None), None)
    fs["wire_bytes"] = wire_full
    f["full_sync"] = fs

    # Lag at a fixed write rate; the first 3 s (fio starting) left out.
    lag = by.get("lag", [])
    lag = [s for s in lag if lag and s["t"] >= lag[0]["t"] + 3]
    lj = fio_job(fio["lag"], "lag")
    lf = {"asked_bytes_per_s": None, "why": None,
          "written_bytes_per_s": lj["bytes"] / lj["runtime_s"] if lj and lj["runtime_s"] else None,
          "samples": len(lag)}
    try:
        lf["asked_bytes_per_s"], lf["why"] = lag_rate(ctl1)
    except SystemExit:
        pass
    for key, get in (("fetch_lag", lambda s: num(s, "fetch-lag")), ("replay_lag", lambda s: num(s, "replay-lag")),
                     ("total_lag", total_lag), ("lag_seconds", lambda s: num(s, "lag-seconds"))):
        vals = [v for v in map(get, lag) if v is not None]
        lf[key] = {"p50": pct(vals, 50), "p99": pct(vals, 99), "max": max(vals) if vals else None}
    drain = by.get("lag-drain", [])
    d = first(drain, lambda s: total_lag(s) == 0 and s.get("connection") == "connected")
    lf["drain_seconds"] = round(d["t"] - drain[0]["t"], 1) if d else None
    f["lag"] = lf

    # Catch-up after the partition.
    cu = by.get("catchup", [])
    pj = fio_job(fio["partition"], "partition")
    c = {"backlog_written": pj["bytes"] if pj else None, "partition_s": params.get("partition_s")}
    conn = first(cu, lambda s: s.get("connection") == "connected" and (total_lag(s) or 0) > 0)
    end = conn and first(cu, lambda s: total_lag(s) == 0 and s.get("connection") == "connected", conn["t"])
    if cu and conn and end:
        c["reconnect_s"] = round(conn["t"] - cu[0]["t"], 1)
        c["lag_at_reconnect"] = total_lag(conn)
        c["transfer_s"] = round(end["t"] - conn["t"], 1)
        c["bytes_per_s"] = total_lag(conn) / (end["t"] - conn["t"]) if end["t"] > conn["t"] else None
        if c["backlog_written"]:
            c["from_heal_bytes_per_s"] = c["backlog_written"] / (end["t"] - cu[0]["t"])
    f["catchup"] = c

    # Fast sync of identical disks. The wire counter either restarts at a
    # sync's start (then it drops below the full sync's count) or counts on.
    fast = by.get("fastsync", [])
    before = [s for s in samples if fast and s["t"] < fast[0]["t"]]
    w0 = next((num(s, "sync-wire-bytes") for s in reversed(before) if num(s, "sync-wire-bytes") is not None), None)
    fdone = first(fast, lambda s: size and num(s, "syncstatus") == size and num(s, "is-syncing") == 0)
    fx = {"size": size}
    if fast and fdone:
        fx["seconds"] = round(fdone["t"] - fast[0]["t"], 1)
        w1 = num(fdone, "sync-wire-bytes")
        if w1 is not None:
            restarted = w0 is None or any((num(s, "sync-wire-bytes") or 0) < w0 for s in fast if s["t"] <= fdone["t"])
            fx["wire_bytes"] = w1 if restarted else w1 - w0
            fx["wire_ratio"] = fx["wire_bytes"] / size
    f["fast_sync"] = fx
    raw = {"fio": fio, "tcp": {k: load(os.path.join(ctl1, f"tcp-{k}.json")) for k in ("clean", "netem")},
           "samples": samples}
    return f, raw


def fmt(v, scale=1.0, digits=0):
    return "n/a" if v is None else f"{v / scale:.{digits}f}"


def percent(v, digits):
    return "n/a" if v is None else f"{v * 100:.{digits}f} %"


def ratio_cells(a, b, target):
    """ratio b/a, the target, met?"""
    if a is None or b is None or a == 0:
        return ["n/a", target, ""]
    r = b / a
    if target.startswith("≥"):
        met = "yes" if r >= float(target.split()[1]) else "no"
    else:
        met = ""
    return [f"{r:.2f}", target, met]


def markdown(f, params, commit):
    out = []
    date = datetime.date.today().isoformat()
    out.append(f"#### Run of {date}, commit {commit}{' (SHORT=1)' if params.get('short') == 1 else ''}")
    out.append("")
    out.append(f"Host: {params.get('host_cpu', '?')}, {params.get('host_cpus', '?')} CPUs; two TCG guests, 1 vCPU "
               f"and 2 GiB each, bench kernel. fio jobs {params.get('runtime_s')} s on {params.get('fio_size')}; data "
               f"disks {params.get('data_size')}; lag phase {params.get('lag_s')} s; partition "
               f"{params.get('partition_s')} s (at most {params.get('backlog')} written meanwhile); TCP baseline: "
               f"{params.get('tcp_tool')}, {params.get('tcp_s')} s, g1 → g2. MB = 10^6 bytes. Raw results: "
               f"[img/bench-repl-{commit}.json](img/bench-repl-{commit}.json).")
    out.append("")
    out.append("| primary write on /dev/mars/r0 | no secondary | connected secondary | ratio | target | met "
               "| secondary behind netem 50 ms + 1 % loss | ratio | target | met |")
    out.append("| --- | ---: | ---: | ---: | ---: | :---: | ---: | ---: | ---: | :---: |")
    t = f["throughput"]
    for label, job, key, scale in (("4k random write IOPS (qd16)", "rand4k", "iops", 1),
                                   ("1M sequential write MB/s (qd4)", "seq1m", "bytes_per_s", 1e6)):
        get = lambda tag: (t[tag][job] or {}).get(key)
        a, c, n = get("alone"), get("connected"), get("netem")
        out.append("| " + " | ".join([label, fmt(a, scale), fmt(c, scale)] + ratio_cells(a, c, "≥ 0.95")
                                     + [fmt(n, scale)] + ratio_cells(a, n, "≥ 0.95")) + " |")
    out.append("")
    tcp = f["tcp_bytes_per_s"]["clean"]
    fs, cu, fx = f["full_sync"], f["catchup"], f["fast_sync"]
    out.append("| replication figure | value | TCP baseline | ratio | target | met |")
    out.append("| --- | ---: | ---: | ---: | ---: | :---: |")
    mb = lambda v: fmt(v, 1e6, 1) + (" MB/s" if v is not None else "")

    def row(label, v, target="–", base=tcp):
        cells = ratio_cells(base, v, target) if base is not None and v is not None else ["n/a", target, ""]
        out.append("| " + " | ".join([label, mb(v), mb(base)] + cells) + " |")
    row(f"full sync, syncstatus 0 → size ({fmt(fs.get('size'), 1e6)} MB in {fmt(fs.get('seconds'), 1, 1)} s)",
        fs.get("bytes_per_s"), "≥ 0.9")
    row("full sync, from the first 8 MiB step to the end", fs.get("steady_bytes_per_s"))
    row("full sync, median of actual-g2/sync-rate", fs.get("median_sync_rate"))
    w = fs.get("wire_bytes")
    out.append(f"| full sync, bytes on the wire / size | {percent(w / fs['size'] if w is not None and fs.get('size') else None, 1)} | | | – | |")
    row(f"catch-up after a {cu.get('partition_s')} s partition: lag at reconnect "
        f"({fmt(cu.get('lag_at_reconnect'), 1e6)} MB) / time to zero ({fmt(cu.get('transfer_s'), 1, 1)} s)",
        cu.get("bytes_per_s"))
    row(f"catch-up, backlog written ({fmt(cu.get('backlog_written'), 1e6)} MB) / time from the heal",
        cu.get("from_heal_bytes_per_s"))
    out.append(f"| reconnect after the heal (first sample with the lag seen) | {fmt(cu.get('reconnect_s'), 1, 1)} s | | | – | |")
    r = fx.get("wire_ratio")
    met = "" if r is None else ("yes" if r <= 0.02 else "no")
    out.append(f"| fast sync of identical disks: bytes on the wire / size ({fmt(fx.get('wire_bytes'))} bytes) "
               f"| {percent(r, 2)} | | | ≤ 2 % | {met} |")
    fsec = fx.get("seconds")
    row(f"fast sync: size / time ({fmt(fsec, 1, 1)} s)", fx["size"] / fsec if fsec and fx.get("size") else None)
    out.append(f"| TCP g1 → g2 behind netem 50 ms + 1 % loss | {mb(f['tcp_bytes_per_s']['netem'])} | {mb(tcp)} | "
               + " | ".join(ratio_cells(tcp, f["tcp_bytes_per_s"]["netem"], "–")) + " |")
    out.append("")
    lf = f["lag"]
    out.append(f"| lag, g1 writing {mb(lf['written_bytes_per_s'])} (asked {mb(lf['asked_bytes_per_s'])}: "
               f"{lf['why'] or 'n/a'}), {lf['samples']} samples | p50 | p99 | max |")
    out.append("| --- | ---: | ---: | ---: |")
    for label, key, scale, digits in (("fetch-lag (MB)", "fetch_lag", 1e6, 2), ("replay-lag (MB)", "replay_lag", 1e6, 2),
                                      ("fetch-lag + replay-lag (MB)", "total_lag", 1e6, 2),
                                      ("lag-seconds (s)", "lag_seconds", 1, 0)):
        v = lf[key]
        out.append(f"| {label} | {fmt(v['p50'], scale, digits)} | {fmt(v['p99'], scale, digits)} | {fmt(v['max'], scale, digits)} |")
    out.append(f"| caught up after the writes stopped (s) | {fmt(lf['drain_seconds'], 1, 1)} | | |")
    return "\n".join(out) + "\n"


def trimmed(raw):
    """The raw inputs without fio's latency histograms (for docs/img)."""
    fio = {k: {j["jobname"]: fio_job(v, j["jobname"]) for j in v.get("jobs", [])} if v else None
           for k, v in raw["fio"].items()}
    return {"fio": fio, "tcp_bytes_per_s": {k: tcp_bps(v) for k, v in raw["tcp"].items()}, "samples": raw["samples"]}


def main():
    if sys.argv[1] == "--lag-rate":
        print(int(lag_rate(sys.argv[2])[0] / 1024))
        return
    ctl1, ctl2, results, commit = sys.argv[1:5]
    docs = sys.argv[6] if len(sys.argv) > 6 and sys.argv[5] == "--docs" else None
    params = load(os.path.join(results, "params.json")) or {}
    f, raw = figures(ctl1, ctl2, params)
    text = markdown(f, params, commit)
    print(text, end="")
    json.dump({"commit": commit, "params": params, "figures": f, "raw": raw},
              open(os.path.join(results, "bench-repl.json"), "w"), indent=1)
    if docs:
        json.dump({"commit": commit, "params": params, "figures": f, "raw": trimmed(raw)},
                  open(os.path.join(docs, "img", f"bench-repl-{commit}.json"), "w"))  # compact: ~1 sample/s
        path = os.path.join(docs, "benchmarks.md")
        md = open(path).read()
        if BEGIN in md and END in md:
            head, rest = md.split(BEGIN, 1)
            md = head + BEGIN + "\n\n" + text + "\n" + END + rest.split(END, 1)[1]
            open(path, "w").write(md)
            print(f"(written into {path} and {docs}/img/bench-repl-{commit}.json)")
        else:
            print(f"(no bench-repl markers in {path}: not written there)")


main()
