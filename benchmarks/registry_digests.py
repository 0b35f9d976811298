#!/usr/bin/env python3
"""Prints "REPO:TAG DIGEST" for every tag of every repository under PREFIX in a plain-HTTP registry, with
PREFIX removed, sorted: two registries hold the same artifacts when their outputs are equal. --basename keeps only
the last path component of each repository (skopeo sync without --scoped writes repositories that way) and leaves
out referrers tags (sha256-<hex>): skopeo 1.9.3 cannot copy such an index of SBOMs with --preserve-digests ("Manifest
list must be converted ... Instructed to preserve digests"), so its side of the benchmark is given every other tag.
Usage: registry_digests.py [--basename] HOST:PORT PREFIX   (or --yaml HOST:PORT PREFIX: a skopeo sync source file)"""
import json, re, sys, urllib.error, urllib.request

REFERRERS_TAG = re.compile(r"^sha256-[0-9a-f]{64}$")

ACCEPT = ", ".join([
    "application/vnd.oci.image.manifest.v1+json", "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json"])


def get(url, method="GET"):
    req = urllib.request.Request(url, method=method, headers={"Accept": ACCEPT})
    with urllib.request.urlopen(req) as r:
        return r.headers, r.read()


def repos(host, prefix):
    _, body = get(f"http://{host}/v2/_catalog?n=1000")
    return [r for r in json.loads(body)["repositories"] if r.startswith(prefix + "/")]


def main():
    yaml = sys.argv[1] == "--yaml"
    host, prefix = sys.argv[-2], sys.argv[-1]
    if yaml:
        print(f"{host}:\n  tls-verify: false\n  images:")
        for r in repos(host, prefix):
            _, body = get(f"http://{host}/v2/{r}/tags/list")
            tags = [t for t in json.loads(body).get("tags") or [] if not REFERRERS_TAG.match(t)]
            print(f"    {r}: {json.dumps(tags)}")
        return
    out = []
    for r in repos(host, prefix):
        try:
            _, body = get(f"http://{host}/v2/{r}/tags/list")
        except urllib.error.HTTPError as e:  # a repository with blobs but no tag yet (an interrupted copy)
            if e.code == 404:
                continue
            raise
        for t in json.loads(body).get("tags") or []:
            if "--basename" in sys.argv and REFERRERS_TAG.match(t):
                continue
            h, _ = get(f"http://{host}/v2/{r}/manifests/{t}", "HEAD")
            name = r.rsplit("/", 1)[-1] if "--basename" in sys.argv else r[len(prefix) + 1:]
            out.append(f"{name}:{t} {h['Docker-Content-Digest']}")
    print("\n".join(sorted(out)))


main()
