#!/usr/bin/env python3
"""The configuration's JSON Schema against the loader it is made from.

1. config/ocimirror-config.schema.json is exactly what `ocimirror check --schema` prints (regenerate it with
   `build/ocimirror check --schema > config/ocimirror-config.schema.json` when the key table changes), and the
   Helm chart's values.schema.json carries it under `config` (deploy/helm/values_schema.py).
2. It is a valid draft 2020-12 schema, and every shipped configuration passes it: examples/*.yaml,
   systemd/config.example.yaml, the Helm chart's inline config in tests/helm/all-features.yaml, and every block of
   README.md and docs/*.md that is a configuration.
3. Mistakes the loader refuses, the schema refuses too: an unknown key at each level, a wrong type, a choice not
   offered, a number out of range, a missing required key, a per-policy key in `defaults:`.

Usage: config_schema_check.py SOURCE_DIR OCIMIRROR_BINARY
"""
import copy
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

import jsonschema
import yaml

src, binary = sys.argv[1], sys.argv[2]
failures = []
committed_path = os.path.join(src, "config/ocimirror-config.schema.json")
printed = subprocess.run([binary, "check", "--schema"], check=True, capture_output=True, text=True).stdout
with open(committed_path) as f:
    committed = f.read()
if committed != printed:
    failures.append("config/ocimirror-config.schema.json is not what `ocimirror check --schema` prints; regenerate "
                    "it: build/ocimirror check --schema > config/ocimirror-config.schema.json")
helm = subprocess.run([sys.executable, os.path.join(src, "deploy/helm/values_schema.py"), src, "--check"],
                      capture_output=True, text=True)
if helm.returncode != 0:
    failures.append(helm.stdout.strip() or helm.stderr.strip())
schema = json.loads(printed)
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)


def documented_configs():
    """YAML fences and heredocs of README.md and docs/*.md that are configurations (a mapping with `policies`)."""
    out = []
    for path in [os.path.join(src, "README.md")] + sorted(glob.glob(os.path.join(src, "docs", "*.md"))):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        blocks = re.findall(r"```yaml\n(.*?)```", text, re.S) + re.findall(r"<<'YAML'\n(.*?)\nYAML\n", text, re.S)
        for i, b in enumerate(blocks):
            try:
                doc = yaml.safe_load(b)
            except yaml.YAMLError:
                continue
            if isinstance(doc, dict) and "policies" in doc:
                out.append((f"{os.path.relpath(path, src)} config block {i + 1}", doc))
    return out


shipped = []
for path in sorted(glob.glob(os.path.join(src, "examples/*.yaml"))) + [os.path.join(src, "systemd/config.example.yaml")]:
    with open(path) as f:
        shipped.append((os.path.relpath(path, src), yaml.safe_load(f)))
with open(os.path.join(src, "tests/helm/all-features.yaml")) as f:
    shipped.append(("tests/helm/all-features.yaml config:", yaml.safe_load(f)["config"]))
documented = documented_configs()
shipped += documented
if len(shipped) < 9 or len(documented) < 2:
    failures.append(f"only {len(shipped)} configurations found to check, {len(documented)} of them in README.md and "
                    "docs/*.md; the documentation's blocks went missing?")
for name, doc in shipped:
    for e in validator.iter_errors(doc):
        failures.append(f"{name}: {'/'.join(map(str, e.absolute_path))}: {e.message}")

base = {"registries": {"r.io": {"tls": "disabled"}},
        "policies": [{"name": "a", "from": "s.io/x", "to": "r.io/m", "tags": {"latest": 3}, "schedule": {"every": "1h"}}]}


def loader_refuses(doc):
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        yaml.safe_dump(doc, f)
    try:
        return subprocess.run([binary, "check", "--config", f.name], capture_output=True).returncode == 2
    finally:
        os.unlink(f.name)


if not validator.is_valid(base) or loader_refuses(base):
    failures.append("the base configuration of the mistakes below is not valid to both")
mistakes = {
    "unknown top-level key": lambda d: d.update(polices=[]),
    "unknown policy key": lambda d: d["policies"][0].update(repos=["a"]),
    "unknown registry key": lambda d: d["registries"]["r.io"].update(tsl="disabled"),
    "unknown tags key": lambda d: d["policies"][0]["tags"].update(lastest=3),
    "wrong type": lambda d: d["policies"][0].update(prune="maybe"),
    "choice not offered": lambda d: d["registries"]["r.io"].update(tls="off"),
    "number out of range": lambda d: d["policies"][0]["tags"].update(latest=0),
    "bad duration": lambda d: d["policies"][0]["schedule"].update(every="soon"),
    "missing required key": lambda d: d["policies"][0].pop("to"),
    "per-policy key in defaults": lambda d: d.update(defaults={"from": "s.io/y"}),
    "rename without to": lambda d: d["policies"][0].update(rename=[{"from": "a"}]),
    "repositories mapping with an unknown key": lambda d: d["policies"][0].update(repositories={"includes": ["a"]}),
}
for what, change in mistakes.items():
    doc = copy.deepcopy(base)
    change(doc)
    if validator.is_valid(doc):
        failures.append(f"the schema accepts a {what}")
    if not loader_refuses(doc):
        failures.append(f"the loader accepts a {what}")

for f in failures:
    print("FAIL:", f)
print(f"config schema: {len(shipped)} configurations valid, {len(mistakes)} mistakes refused by both"
      if not failures else f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
