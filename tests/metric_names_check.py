#!/usr/bin/env python3
"""Every metric a dashboard or alert expression names is one the daemon exports.

Usage: metric_names_check.py SCRAPE_FILE FILE...   (a Grafana dashboard .json or a Prometheus rules .yaml each)
SCRAPE_FILE is a /metrics answer. A histogram's _bucket/_sum/_count count as its family. Exit 1 naming each
expression's unknown metric, with the file and the panel or alert it is in.
"""
import json
import re
import sys

import yaml

NAME = re.compile(r"\b((?:ocimirror|process)_[a-zA-Z0-9_]*)\b")


def exported(scrape):
    names = set()
    for line in scrape.splitlines():
        m = re.match(r"# TYPE (\S+) (\S+)", line)
        if not m:
            continue
        names.add(m.group(1))
        if m.group(2) in ("histogram", "summary"):
            names |= {m.group(1) + s for s in ("_bucket", "_sum", "_count")}
    return names


def expressions(path):
    if path.endswith(".json"):
        for panel in json.load(open(path)).get("panels", []):
            for t in panel.get("targets", []):
                yield "panel '%s'" % panel.get("title"), t.get("expr", "")
    else:
        for group in yaml.safe_load(open(path)).get("groups", []):
            for rule in group.get("rules", []):
                yield "rule '%s'" % (rule.get("alert") or rule.get("record")), rule.get("expr", "")


def main():
    have = exported(open(sys.argv[1]).read())
    if not have:
        sys.exit("%s: no '# TYPE' lines: not a /metrics answer" % sys.argv[1])
    bad, seen = [], 0
    for path in sys.argv[2:]:
        for where, expr in expressions(path):
            for name in NAME.findall(expr):
                seen += 1
                if name not in have:
                    bad.append("%s: %s names %s, which the daemon does not export" % (path, where, name))
    for b in bad:
        print(b)
    if not seen:
        sys.exit("no metric names found in %s" % " ".join(sys.argv[2:]))
    if bad:
        sys.exit(1)
    print("metric names: %d references, all exported" % seen)


if __name__ == "__main__":
    main()
