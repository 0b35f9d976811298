#!/usr/bin/python3
"""Checks what tests/support/go/helmrender (helm's template engine: text/template and sprig) made of the chart.

Usage: helm_render_check.py RENDERED.yaml default|all|inline OCIMIRROR_BINARY
Every object: apiVersion and kind of a known pair, a DNS-1123 name of at most 63 characters. The StatefulSet: its
selector matches its pod labels, every volumeMount has its volume, env names are unique, its ServiceAccount exists.
Then what each values file turns on (see tests/helm/*.yaml and tests/helm_render_test.sh), and the rendered
config.yaml passes `ocimirror check`. (No Kubernetes OpenAPI schemas can be had offline here; these are the
structural rules the API server would enforce on these objects.)
"""
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

rendered, mode, binary = sys.argv[1], sys.argv[2], sys.argv[3]
docs = [d for d in yaml.safe_load_all(open(rendered)) if d]
problems = []
KINDS = {
    "ConfigMap": "v1", "Service": "v1", "ServiceAccount": "v1", "Secret": "v1", "StatefulSet": "apps/v1",
    "PodDisruptionBudget": "policy/v1", "NetworkPolicy": "networking.k8s.io/v1",
    "ServiceMonitor": "monitoring.coreos.com/v1", "PrometheusRule": "monitoring.coreos.com/v1",
}
DNS1123 = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def check(cond, what):
    if not cond:
        problems.append(what)


by_kind = {}
for d in docs:
    kind, name = d.get("kind"), (d.get("metadata") or {}).get("name", "")
    check(kind in KINDS, f"unknown kind {kind}")
    check(d.get("apiVersion") == KINDS.get(kind), f"{kind} {name}: apiVersion {d.get('apiVersion')}")
    check(bool(DNS1123.match(name)) and len(name) <= 63, f"{kind}: name '{name}' is not a DNS-1123 name")
    by_kind.setdefault(kind, []).append(d)

sts = by_kind["StatefulSet"][0]
pod = sts["spec"]["template"]
labels = pod["metadata"]["labels"]
for k, v in sts["spec"]["selector"]["matchLabels"].items():
    check(labels.get(k) == v, f"StatefulSet selector {k}={v} does not match its pod labels")
spec = pod["spec"]
c = spec["containers"][0]
volumes = {v["name"]: v for v in spec.get("volumes", [])}
claims = {t["metadata"]["name"] for t in sts["spec"].get("volumeClaimTemplates", [])}
for m in c.get("volumeMounts", []):
    check(m["name"] in volumes or m["name"] in claims, f"volumeMount {m['name']} has no volume")
env = [e["name"] for e in c.get("env") or []]
check(len(env) == len(set(env)), f"duplicate env names: {env}")
accounts = [a["metadata"]["name"] for a in by_kind.get("ServiceAccount", [])]
check(spec["serviceAccountName"] in accounts, f"serviceAccountName {spec['serviceAccountName']} is not created")
check(spec["automountServiceAccountToken"] is False, "the service account token is mounted")
check("PodDisruptionBudget" in by_kind, "no PodDisruptionBudget")

docker = volumes.get("docker-config")
if mode == "default":
    check(docker is None and "DOCKER_CONFIG" not in env, "a docker config is mounted though none was given")
    check(set(by_kind) == {"ConfigMap", "Service", "ServiceAccount", "StatefulSet", "PodDisruptionBudget"},
          f"kinds by default: {sorted(by_kind)}")
else:
    check(docker is not None and "DOCKER_CONFIG" in env, "no docker config mounted")
    if docker:
        check("optional" not in docker["secret"], "the docker config Secret is optional: a missing one runs anonymously")
        check(docker["secret"].get("items") == [{"key": ".dockerconfigjson", "path": "config.json"}],
              f"docker config items: {docker['secret'].get('items')}")
if mode == "inline":
    secret = by_kind["Secret"][0]
    check(secret["type"] == "kubernetes.io/dockerconfigjson", f"Secret type {secret['type']}")
    check(list(secret["data"]) == [".dockerconfigjson"], f"Secret keys {list(secret['data'])}")
    check(docker and docker["secret"]["secretName"] == secret["metadata"]["name"], "the Secret mounted is not the one made")
if mode == "all":
    check({"HARBOR_PASSWORD", "OCIMIRROR_ADMIN_TOKEN"} <= set(env), f"env: {env}")
    check(c.get("envFrom") == [{"secretRef": {"name": "mirror-env"}}], "envFrom")
    check({"registry-secret", "corp-ca"} <= set(volumes), "extraVolumes")
    check(spec.get("imagePullSecrets") == [{"name": "regcred"}], "imagePullSecrets")
    check(spec.get("priorityClassName") == "mirror", "priorityClassName")
    check(spec["topologySpreadConstraints"][0]["topologyKey"] == "topology.kubernetes.io/zone", "topologySpread")
    check(labels.get("team") == "platform", "podLabels")
    check(pod["metadata"]["annotations"].get("example.com/owner") == "platform", "podAnnotations")
    sa = by_kind["ServiceAccount"][0]
    check("eks.amazonaws.com/role-arn" in sa["metadata"].get("annotations", {}), "serviceAccount annotations (IRSA)")
    np = by_kind["NetworkPolicy"][0]["spec"]
    check(np["ingress"][0]["ports"] == [{"port": "admin", "protocol": "TCP"}], "NetworkPolicy ports")
    check("namespaceSelector" in np["ingress"][0]["from"][0], "NetworkPolicy ingressFrom")
    sm = by_kind["ServiceMonitor"][0]
    headless = [s for s in by_kind["Service"] if s["spec"].get("clusterIP") == "None"][0]
    for k, v in sm["spec"]["selector"]["matchLabels"].items():
        check(headless["metadata"]["labels"].get(k) == v, f"the ServiceMonitor does not select the headless Service ({k})")
    others = [s for s in by_kind["Service"] if s is not headless]
    check(all(s["metadata"]["labels"].get("app.kubernetes.io/component") != "replicas" for s in others),
          "the ServiceMonitor would scrape every replica twice")
    check(sm["metadata"]["labels"].get("release") == "prometheus", "ServiceMonitor labels")
    rules = by_kind["PrometheusRule"][0]["spec"]
    chart_rules = yaml.safe_load(open(os.path.join(os.path.dirname(__file__), "..", "deploy/prometheus/alerts.yaml")))
    check(rules == chart_rules, "the PrometheusRule is not deploy/prometheus/alerts.yaml")
    dash = [m for m in by_kind["ConfigMap"] if m["metadata"]["name"].endswith("-dashboard")][0]
    check(dash["metadata"]["labels"].get("grafana_dashboard") == "1", "dashboard label")
    check(len(json.loads(dash["data"]["ocimirror.json"])["panels"]) > 5, "dashboard panels")

# The configuration the chart rendered passes `ocimirror check` (secrets as the pod would have them).
config = [m for m in by_kind["ConfigMap"] if "config.yaml" in m["data"]][0]["data"]["config.yaml"]
with tempfile.TemporaryDirectory() as tmp:
    password = os.path.join(tmp, "password")
    open(password, "w").write("s3cret\n")
    config = config.replace("/etc/ocimirror-secrets/registry/password", password)
    path = os.path.join(tmp, "config.yaml")
    open(path, "w").write(config)
    envs = dict(os.environ, HARBOR_PASSWORD="example", OCIMIRROR_ADMIN_TOKEN="example-token-0123456789")
    r = subprocess.run([binary, "check", "--config", path], capture_output=True, text=True, env=envs)
    check(r.returncode == 0, "the rendered config.yaml fails ocimirror check:\n" + r.stdout + r.stderr)

for p in problems:
    print(f"helm render ({mode}):", p)
sys.exit(1 if problems else 0)
