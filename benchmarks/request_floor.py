#!/usr/bin/env python3
"""The least a warm run can cost: the requests ocimirror's warm run sends (the catalog, each repository's tag
list, one HEAD per tag) sent by the thinnest client there is, 8 at a time over kept-alive connections, timed.
What is left of ocimirror's warm time above this is its own (process start, cache, planning).
Usage: request_floor.py HOST:PORT PREFIX   -> prints "SECONDS REQUESTS" (best of 3)"""
import concurrent.futures as cf
import http.client
import json
import sys
import threading
import time

host, prefix = sys.argv[1], sys.argv[2]
accept = ("application/vnd.oci.image.index.v1+json,application/vnd.oci.image.manifest.v1+json,"
          "application/vnd.docker.distribution.manifest.v2+json,application/vnd.docker.distribution.manifest.list.v2+json")
local = threading.local()


def conn():
    if not hasattr(local, "c"):
        h, p = host.split(":")
        local.c = http.client.HTTPConnection(h, int(p))
    return local.c


def get(path, method="GET"):
    c = conn()
    c.request(method, path, headers={"Accept": accept})
    r = c.getresponse()
    body = r.read()
    return json.loads(body) if method == "GET" else None


def once():
    repos = [r for r in get("/v2/_catalog?n=1000")["repositories"] if r.startswith(prefix + "/")]
    with cf.ThreadPoolExecutor(8) as ex:
        lists = list(ex.map(lambda r: (r, get(f"/v2/{r}/tags/list")["tags"] or []), repos))
        heads = [(r, t) for r, tags in lists for t in tags]
        list(ex.map(lambda rt: get(f"/v2/{rt[0]}/manifests/{rt[1]}", "HEAD"), heads))
    return 1 + len(repos) + len(heads)


best = None
for _ in range(3):
    start = time.perf_counter()
    n = once()
    took = time.perf_counter() - start
    best = took if best is None else min(best, took)
print(f"{best:.3f} {n}")
