#!/usr/bin/env python3
"""The fewest requests a cold mirror of a registry's repositories under PREFIX into an empty destination can cost,
from what the source holds:
  source:       the catalog, one tag list per repository, one GET per manifest (per repository), one GET per
                distinct blob (a blob needed again in another repository is mounted at the destination, not re-read)
  destination:  per blob and repository one upload (POST + PUT) where the digest is new to the registry, else one
                mount (POST); one PUT per manifest and per extra tag; per tag at most one check (the tag counted once)
Usage: cold_floor.py HOST:PORT PREFIX   -> prints "SOURCE DESTINATION" """
import json
import sys
import urllib.request

ACCEPT = ", ".join([
    "application/vnd.oci.image.manifest.v1+json", "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json"])
host, prefix = sys.argv[1], sys.argv[2]


def get(path):
    req = urllib.request.Request(f"http://{host}{path}", headers={"Accept": ACCEPT})
    with urllib.request.urlopen(req) as r:
        return r.headers, r.read()


def walk(repo, target, manifests, blobs):
    """Adds the manifest graph under target to manifests (digests) and blobs (digests)."""
    h, body = get(f"/v2/{repo}/manifests/{target}")
    digest = h["Docker-Content-Digest"]
    if digest in manifests:
        return digest
    manifests.add(digest)
    m = json.loads(body)
    for child in m.get("manifests") or []:
        walk(repo, child["digest"], manifests, blobs)
    for d in ([m["config"]] if "config" in m else []) + (m.get("layers") or []):
        blobs.add(d["digest"])
    return digest


_, body = get("/v2/_catalog?n=1000")
repos = [r for r in json.loads(body)["repositories"] if r.startswith(prefix + "/")]
src, dst, seen_blobs = 1 + len(repos), 0, set()
for repo in repos:
    tags = json.loads(get(f"/v2/{repo}/tags/list")[1]).get("tags") or []
    manifests, blobs, tops = set(), set(), set()
    for t in tags:
        tops.add(walk(repo, t, manifests, blobs))
    extra_tags = len(tags) - len(tops)  # a second tag on a manifest already pushed: one more PUT
    src += len(manifests) + len(blobs - seen_blobs)
    dst += sum(1 if b in seen_blobs else 2 for b in blobs) + len(manifests) + extra_tags + len(tags)
    seen_blobs |= blobs
print(src, dst)
