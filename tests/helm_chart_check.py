#!/usr/bin/python3
"""Static checks of the Helm chart, for a machine without helm: Chart.yaml and values.yaml parse and carry what Helm
needs; every .Values path a template reads exists in values.yaml; every included template is defined; template
actions balance (if/with/range/define against end); the configuration the chart renders from the least a
user gives passes `ocimirror check`. Usage: helm_chart_check.py CHART_DIR [OCIMIRROR_BINARY]"""
import os
import re
import subprocess
import sys
import tempfile

import yaml

chart = sys.argv[1]
problems = []


def load(name):
    with open(os.path.join(chart, name)) as f:
        return yaml.safe_load(f)


meta = load("Chart.yaml")
for key in ("apiVersion", "name", "version", "appVersion"):
    if key not in meta:
        problems.append(f"Chart.yaml: missing {key}")
if meta.get("apiVersion") != "v2":
    problems.append("Chart.yaml: apiVersion must be v2")
values = load("values.yaml")

defined, included = set(), set()
tdir = os.path.join(chart, "templates")
for name in sorted(os.listdir(tdir)):
    text = open(os.path.join(tdir, name)).read()
    where = f"templates/{name}"
    if text.count("{{") != text.count("}}"):
        problems.append(f"{where}: unbalanced {{{{ }}}}")
    actions = re.findall(r"\{\{-?\s*(if|with|range|define|end)\b", text)
    depth = 0
    for a in actions:
        depth += -1 if a == "end" else 1
        if depth < 0:
            problems.append(f"{where}: 'end' without an opening action")
            break
    if depth > 0:
        problems.append(f"{where}: {depth} action(s) never closed with end")
    defined.update(re.findall(r'define\s+"([^"]+)"', text))
    included.update(re.findall(r'include\s+"([^"]+)"', text))
    for path in re.findall(r"\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)", text):
        node = values
        for part in path.strip(".").split("."):
            if not isinstance(node, dict) or part not in node:
                problems.append(f"{where}: .Values{path} is not in values.yaml")
                break
            node = node[part]
for name in sorted(included - defined):
    problems.append(f"include \"{name}\" is never defined")

if len(sys.argv) > 2:
    # values.yaml ships no policy (the chart refuses to render without one, rather than mirror before being told
    # where); with the least a user gives (tests/helm/minimal.yaml) the configuration it renders passes check.
    config = dict(values["config"])
    if config.get("policies"):
        problems.append("values.yaml ships a policy: the chart would mirror before being told where")
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "helm/minimal.yaml")) as f:
        config.update(yaml.safe_load(f)["config"])
    config["state_dir"] = "/var/lib/ocimirror"
    config["daemon"] = {"drain_timeout": f"{values['drainTimeoutSeconds']}s"}
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "config.yaml")
        with open(path, "w") as f:
            yaml.safe_dump(config, f)
        r = subprocess.run([sys.argv[2], "check", "--config", path, "--state-dir", os.path.join(tmp, "state")],
                           capture_output=True, text=True)
    if r.returncode != 0:
        problems.append("the configuration the chart renders does not pass ocimirror check:\n" + r.stdout + r.stderr)

for p in problems:
    print("helm chart:", p)
sys.exit(1 if problems else 0)
