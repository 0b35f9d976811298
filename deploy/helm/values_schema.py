#!/usr/bin/env python3
"""Puts the configuration's JSON Schema into the Helm chart's values.schema.json, under `config`.

The chart's `config:` value is the mirror configuration minus `daemon` and `state_dir` (the chart sets those), so
its schema is the configuration's own for `registries`, `defaults` and `policies`, taken from
config/ocimirror-config.schema.json (what `ocimirror check --schema` prints, generated from the loader's key
table). `helm install` then refuses a mistyped policy key naming it, as `ocimirror check` would, instead of a pod
that fails to start.

Usage: values_schema.py SOURCE_DIR          rewrite deploy/helm/ocimirror/values.schema.json
       values_schema.py SOURCE_DIR --check  exit 1 when it is not what this script would write
"""
import json
import os
import sys

src = sys.argv[1]
config_path = os.path.join(src, "config/ocimirror-config.schema.json")
values_path = os.path.join(src, "deploy/helm/ocimirror/values.schema.json")
with open(config_path) as f:
    config = json.load(f)
with open(values_path) as f:
    current = f.read()
values = json.loads(current)

keys = config["properties"]
# No policy is left to the chart's own check (templates/_helpers.tpl, ocimirror.validate), which says what to write;
# the schema would only say "Array must have at least 1 items" or "policies is required".
policies = {k: v for k, v in keys["policies"].items() if k != "minItems"}
config_values = values["properties"]["config"]
config_values.pop("required", None)
config_values["properties"] = {
    "registries": keys["registries"],
    "defaults": keys["defaults"],
    "policies": policies,
}
# draft-07 is what helm's validator (gojsonschema) reads; the configuration's schema uses nothing newer.
written = json.dumps(values, indent=2, ensure_ascii=False) + "\n"
if "--check" in sys.argv[2:]:
    if written != current:
        print(f"{os.path.relpath(values_path, src)} does not carry config/ocimirror-config.schema.json under "
              f"`config`; regenerate it: python3 deploy/helm/values_schema.py .")
        sys.exit(1)
    sys.exit(0)
with open(values_path, "w") as f:
    f.write(written)
