#!/usr/bin/env python3
"""Prints mirror_vs_skopeo.sh's results as the README's tables. Usage: bench_tables.py RESULTS RTT_MS"""
import collections
import sys

rows = collections.defaultdict(dict)
for line in open(sys.argv[1]):
    f = line.split()
    rows[f[0]][f[1]] = f[2:]
rtt = sys.argv[2]
profiles = [p for p in ("loopback", "wide-area") if p in rows]
label = {"loopback": "loopback", "wide-area": f"{rtt} ms round trips"}


def run(profile, phase):
    """(ocimirror, skopeo) as dicts of seconds, rss_mib, cpu, src_cpu, dst_cpu, src_req, dst_req."""
    v = rows[profile][phase]
    keys = ("seconds", "rss", "cpu", "src_cpu", "dst_cpu")
    om = dict(zip(keys, map(float, v[0:5])))
    sk = dict(zip(keys, map(float, v[5:10])))
    om["src_req"], om["dst_req"], sk["src_req"], sk["dst_req"] = map(int, v[10:14])
    return om, sk


head = "| phase | " + " | ".join(f"{label[p]}: ocimirror | skopeo sync | ratio" for p in profiles) + " |"
print(head)
print("|---" * (1 + 3 * len(profiles)) + "|")
for phase in ("cold", "warm", "incremental"):
    cells = []
    for p in profiles:
        om, sk = run(p, phase)
        cells.append(f"{om['seconds']:.2f} s | {sk['seconds']:.2f} s | **{sk['seconds'] / om['seconds']:.1f}x**")
    print(f"| {phase} | " + " | ".join(cells) + " |")
if "daemon" in rows.get("loopback", {}):
    d = float(rows["loopback"]["daemon"][0])
    _, sk = run("loopback", "warm")
    cells = [f"{d:.3f} s | {sk['seconds']:.2f} s | **{sk['seconds'] / d:.0f}x**"] + ["| |"] * (len(profiles) - 1)
    print("| warm, a scheduled run in `ocimirror daemon` | " + " | ".join(cells) + " |")
cells = []
for p in profiles:
    rss = [run(p, ph) for ph in ("cold", "warm", "incremental")]
    cells.append(f"{max(o['rss'] for o, _ in rss) / 1024:.0f} MiB | {max(s['rss'] for _, s in rss) / 1024:.0f} MiB |")
print("| peak RSS, any phase | " + " | ".join(cells) + " |")
if len(profiles) == 2:
    lo, _ = run("loopback", "cold")
    wa, _ = run("wide-area", "cold")
    print(f"\nocimirror's cold run over {rtt} ms round trips took {wa['seconds'] / lo['seconds']:.2f}x its loopback time.")

print("\n| requests (registry CPU seconds) | ocimirror -> source | ocimirror -> destination | ocimirror's own CPU "
      "| skopeo -> source | skopeo -> destination | skopeo's own CPU |")
print("|---|---|---|---|---|---|---|")
for p in profiles:
    for phase in ("cold", "warm", "incremental"):
        om, sk = run(p, phase)
        print(f"| {label[p]}, {phase} | {om['src_req']} ({om['src_cpu']:.1f} s) | {om['dst_req']} ({om['dst_cpu']:.1f} s) "
              f"| {om['cpu']:.1f} s | {sk['src_req']} ({sk['src_cpu']:.1f} s) | {sk['dst_req']} ({sk['dst_cpu']:.1f} s) "
              f"| {sk['cpu']:.1f} s |")
        if phase == "cold" and "floor" in rows[p]:
            s, d = rows[p]["floor"]
            print(f"| {label[p]}, cold: the floor | {s} | {d} | | | | |")
        if phase == "warm" and "warm-tags" in rows[p]:
            n = int(rows[p]["warm-tags"][0])
            print(f"| {label[p]}, warm: per tag ({n} tags) | {om['src_req'] / n:.2f} | {om['dst_req'] / n:.2f} | "
                  f"| {sk['src_req'] / n:.2f} | {sk['dst_req'] / n:.2f} | |")
lo = rows.get("loopback", {})
if "warm-floor" in lo:
    s, n = lo["warm-floor"]
    om, _ = run("loopback", "warm")
    print(f"\nThe warm run's {n} source requests from the thinnest client (python, 8 at a time, kept-alive): {float(s):.3f} s;"
          f" ocimirror's warm run: {om['seconds']:.2f} s.")
if "ingest" in lo:
    secs, b = map(float, lo["ingest"])
    om, _ = run("loopback", "cold")
    mib = b / 1048576
    print(f"Raw ingest of the same {mib:.0f} MiB (8 parallel uploads): {mib / secs:.0f} MiB/s; ocimirror's cold run "
          f"reached {100 * secs / om['seconds']:.0f} % of it ({mib / om['seconds']:.0f} MiB/s).")
