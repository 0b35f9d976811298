#!/usr/bin/python3
"""Checks what tests/support/go/helmrender (helm's template engine: text/template and sprig) made of the chart.

Usage: helm_render_check.py RENDERED.yaml MODE OCIMIRROR_BINARY [EXPECTED_TOKEN]
MODE names the values rendered (see tests/helm_render_test.sh): default, all, inline, readme, kept, open, fullname,
rename, badregex.

Every object: apiVersion and kind of a known pair, a valid name (a Service's a DNS-1035 label of at most 63
characters, the others DNS-1123 subdomains), the standard labels.
The StatefulSet: a name of at most 52 (its pods' controller-revision-hash label), its selector matches its pod
labels, every volumeMount has its volume, env names are unique, its ServiceAccount exists. The admin API: a token
unless MODE is open (a Secret mounted as daemon.token_file, generated or named), --allow-unauthenticated only when
asked for and only behind a NetworkPolicy. The `check` init container: the daemon's image, env, envFrom, mounts,
resources and securityContext; its command is run here as the pod would run it (each mount a directory with what
its volume holds) and must pass -- or, for badregex, fail naming the regex. Then what each values file turns on.
(No Kubernetes OpenAPI schemas can be had offline here; these are the structural rules the API server enforces.)
"""
import base64
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

rendered, mode, binary = sys.argv[1], sys.argv[2], sys.argv[3]
expected_token = sys.argv[4] if len(sys.argv) > 4 else None
src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
chart_meta = yaml.safe_load(open(os.path.join(src, "deploy/helm/ocimirror/Chart.yaml")))
docs = [d for d in yaml.safe_load_all(open(rendered)) if d]
problems = []
KINDS = {
    "ConfigMap": "v1", "Service": "v1", "ServiceAccount": "v1", "Secret": "v1", "StatefulSet": "apps/v1",
    "PodDisruptionBudget": "policy/v1", "NetworkPolicy": "networking.k8s.io/v1",
    "ServiceMonitor": "monitoring.coreos.com/v1", "PrometheusRule": "monitoring.coreos.com/v1",
}
DNS1123 = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
DNS1035 = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
STANDARD_LABELS = ("helm.sh/chart", "app.kubernetes.io/name", "app.kubernetes.io/instance",
                   "app.kubernetes.io/version", "app.kubernetes.io/managed-by")
PLACEHOLDER = "placeholder-secret-0123456789"  # what a Secret made outside the chart holds, here
TOKEN_DIR = "/etc/ocimirror-token"


def check(cond, what):
    if not cond:
        problems.append(what)


by_kind, by_name = {}, {}
for d in docs:
    kind, meta = d.get("kind"), d.get("metadata") or {}
    name = meta.get("name", "")
    check(kind in KINDS, f"unknown kind {kind}")
    check(d.get("apiVersion") == KINDS.get(kind), f"{kind} {name}: apiVersion {d.get('apiVersion')}")
    if kind == "Service":  # a DNS-1035 label; every other name here is a DNS-1123 subdomain
        check(bool(DNS1035.match(name)) and len(name) <= 63, f"{kind}: name '{name}' is not a DNS-1035 label")
    else:
        check(bool(DNS1123.match(name)) and len(name) <= 253, f"{kind}: name '{name}' is not a DNS-1123 subdomain")
    labels = meta.get("labels") or {}
    check(all(k in labels for k in STANDARD_LABELS), f"{kind} {name}: standard labels missing: {labels}")
    for k, v in labels.items():
        check(len(str(v)) <= 63 and LABEL_VALUE.match(str(v)), f"{kind} {name}: label {k}={v!r} is not a label value")
    by_kind.setdefault(kind, []).append(d)
    by_name[(kind, name)] = d

sts = by_kind["StatefulSet"][0]
check(len(sts["metadata"]["name"]) <= 52, f"StatefulSet name {sts['metadata']['name']} over 52 characters: its pods' "
      "controller-revision-hash label would pass 63")
pod = sts["spec"]["template"]
labels = pod["metadata"]["labels"]
for k, v in sts["spec"]["selector"]["matchLabels"].items():
    check(labels.get(k) == v, f"StatefulSet selector {k}={v} does not match its pod labels")
spec = pod["spec"]
c = spec["containers"][0]
inits = spec.get("initContainers") or []
volumes = {v["name"]: v for v in spec.get("volumes", [])}
claims = {t["metadata"]["name"] for t in sts["spec"].get("volumeClaimTemplates", [])}
for ctr in [c] + inits:
    for m in ctr.get("volumeMounts", []):
        check(m["name"] in volumes or m["name"] in claims, f"{ctr['name']}: volumeMount {m['name']} has no volume")
env = [e["name"] for e in c.get("env") or []]
check(len(env) == len(set(env)), f"duplicate env names: {env}")
accounts = [a["metadata"]["name"] for a in by_kind.get("ServiceAccount", [])]
check(spec["serviceAccountName"] in accounts, f"serviceAccountName {spec['serviceAccountName']} is not created")
check(spec["automountServiceAccountToken"] is False, "the service account token is mounted")
check("PodDisruptionBudget" in by_kind, "no PodDisruptionBudget")
args = c["args"]
check(args[0] == "daemon" and f"--shard=auto/{sts['spec']['replicas']}" in args,
      f"daemon args do not shard over the replicas ({sts['spec']['replicas']}): {args}")
config_text = [m for m in by_kind["ConfigMap"] if "config.yaml" in m["data"]][0]["data"]["config.yaml"]
config = yaml.safe_load(config_text)

# The check init container: the daemon's configuration, read with everything the daemon has.
check([i["name"] for i in inits] == ["check"], f"init containers: {[i['name'] for i in inits]}")
init = inits[0] if inits else {"args": []}
config_arg = [a for a in args if a.startswith("--config=")]
check(init["args"] == ["check"] + config_arg, f"the init container does not check the daemon's config: {init['args']}")
for key in ("image", "imagePullPolicy", "env", "envFrom", "volumeMounts", "securityContext", "resources"):
    check(init.get(key) == c.get(key), f"the init container's {key} is not the daemon's")

# The admin API: a token, or none only as asked and behind a NetworkPolicy that names who may come in.
token_volume = volumes.get("admin-token")
token_secret = token_volume and by_name.get(("Secret", token_volume["secret"]["secretName"]))
if mode == "open":
    check("--allow-unauthenticated" in args, "allowUnauthenticated: no --allow-unauthenticated")
    check(token_volume is None and "token_file" not in config["daemon"], "allowUnauthenticated: a token all the same")
    np = (by_kind.get("NetworkPolicy") or [{}])[0].get("spec", {})
    check(np and np["ingress"][0]["from"] != [{"podSelector": {}}], "no token and the admin port open to any pod")
else:
    check("--allow-unauthenticated" not in args, "--allow-unauthenticated without adminToken.allowUnauthenticated")
    check(config["daemon"].get("token_file") == TOKEN_DIR + "/token", f"daemon: {config['daemon']}")
    check(token_volume and len(token_volume["secret"]["items"]) == 1 and "optional" not in token_volume["secret"],
          f"the token volume: {token_volume}")
    check({"name": "admin-token", "mountPath": TOKEN_DIR, "readOnly": True} in c["volumeMounts"], "token not mounted")
    if mode == "all":
        check(token_volume["secret"] == {"secretName": "mirror-admin", "items": [{"key": "token", "path": "token"}]},
              f"adminToken.existingSecret not mounted: {token_volume}")
        check(token_secret is None, "a token Secret generated though adminToken.existingSecret names one")
    else:
        check(token_secret is not None, "no token Secret generated")
        token = base64.b64decode(token_secret["data"]["token"]).decode() if token_secret else ""
        check(token_secret and token_secret["type"] == "Opaque", "token Secret type")
        if expected_token:
            check(token == expected_token, f"the token in the cluster was not kept: {token!r}")
        else:
            check(re.fullmatch(r"[A-Za-z0-9]{40}", token), f"generated token {token!r}: not 40 random characters")


def run_in_pod(container):
    """Runs CONTAINER's command as the kubelet starts it: each mount a directory holding its volume's files (those of
    the rendered ConfigMap or Secret; for a Secret made outside the chart, a placeholder at each path it is read
    at), its env (secrets as placeholders), and the mount paths in its args and the config rewritten to them."""
    with tempfile.TemporaryDirectory() as tmp:
        mounts = {}
        for i, m in enumerate(container.get("volumeMounts", [])):
            d = mounts[m["mountPath"]] = os.path.join(tmp, f"mount{i}")
            os.makedirs(d)
            v = volumes.get(m["name"], {})
            source = v.get("configMap") or v.get("secret") or {}
            kind = "ConfigMap" if "configMap" in v else "Secret"
            obj = by_name.get((kind, source.get("name") or source.get("secretName")))
            data = dict((obj or {}).get("data") or {})
            if kind == "Secret":
                data = {k: base64.b64decode(x).decode() for k, x in data.items()}
            for item in source.get("items") or [{"key": k, "path": k} for k in data]:
                check(obj is None or item["key"] in data, f"volume {m['name']}: no key {item['key']} in {obj and kind}")
                with open(os.path.join(d, item["path"]), "w") as f:
                    f.write(data.get(item["key"], PLACEHOLDER))

        def remap(text):
            for path in sorted(mounts, key=len, reverse=True):
                text = re.sub(re.escape(path) + r"(?![\w.-])", mounts[path], text)
            return text

        argv = [binary] + [remap(a) for a in container["args"]]
        config_file = [a.split("=", 1)[1] for a in argv if a.startswith("--config=")][0]
        if not os.path.isfile(config_file):
            return subprocess.CompletedProcess(argv, 1, "", f"{container['args']}: no such file in the pod")
        text = remap(open(config_file).read())
        with open(config_file, "w") as f:
            f.write(text)
        for path in re.findall(re.escape(tmp) + r"/[^\s'\"]+", text):
            if not os.path.exists(path):
                os.makedirs(os.path.dirname(path), exist_ok=True)
                open(path, "w").write(PLACEHOLDER + "\n")
        envs = {"PATH": os.environ["PATH"], "HOME": tmp}
        for e in container.get("env") or []:
            envs[e["name"]] = remap(e["value"]) if "value" in e else PLACEHOLDER
        return subprocess.run(argv, capture_output=True, text=True, env=envs)


if inits:
    r = run_in_pod(init)
    if mode == "badregex":
        check(r.returncode == 2 and "invalid regular expression" in r.stdout + r.stderr,
              f"a bad regex passed the init container (exit {r.returncode}):\n{r.stdout}{r.stderr}")
    else:
        check(r.returncode == 0, f"the init container's check fails:\n{r.stdout}{r.stderr}")

docker = volumes.get("docker-config")
image = f"ghcr.io/ocimirror/ocimirror:{chart_meta['appVersion']}"
if mode in ("default", "kept"):
    check(docker is None and "DOCKER_CONFIG" not in env, "a docker config is mounted though none was given")
    check(set(by_kind) == {"ConfigMap", "Service", "ServiceAccount", "StatefulSet", "PodDisruptionBudget", "Secret"},
          f"kinds by default: {sorted(by_kind)}")
    check(sts["metadata"]["name"] == "mirror-ocimirror" and sts["spec"]["replicas"] == 1, "default name, replicas")
    check(c["image"] == image, f"image {c['image']}, not the appVersion's")
elif mode in ("all", "inline"):
    check(docker is not None and "DOCKER_CONFIG" in env, "no docker config mounted")
    if docker:
        check("optional" not in docker["secret"], "the docker config Secret is optional: a missing one runs anonymously")
        check(docker["secret"].get("items") == [{"key": ".dockerconfigjson", "path": "config.json"}],
              f"docker config items: {docker['secret'].get('items')}")
if mode == "fullname":
    check(sts["metadata"]["name"] == "a" * 40 + "-" + "b" * 11, f"fullnameOverride: {sts['metadata']['name']}")
    check(labels["app.kubernetes.io/name"] == "mirrorbot", "nameOverride not in app.kubernetes.io/name")
if mode == "rename":
    check(sts["metadata"]["name"] == "mirror-mirrorbot", f"nameOverride: {sts['metadata']['name']}")
    check(all(d["metadata"]["labels"]["app.kubernetes.io/name"] == "mirrorbot" for d in docs), "nameOverride labels")
if mode == "inline":
    secret = by_name[("Secret", "mirror-ocimirror-docker-config")]
    check(secret["type"] == "kubernetes.io/dockerconfigjson", f"Secret type {secret['type']}")
    check(list(secret["data"]) == [".dockerconfigjson"], f"Secret keys {list(secret['data'])}")
    check(docker and docker["secret"]["secretName"] == secret["metadata"]["name"], "the Secret mounted is not the one made")
if mode == "all":
    check(sts["spec"]["replicas"] == 3, "replicaCount")
    check(c["image"] == "ghcr.io/ocimirror/ocimirror@sha256:" + "0123456789abcdef" * 4, f"image.digest: {c['image']}")
    check(args[-2:] == ["--jobs=8", "--log-level=debug"], f"extraArgs are not the daemon's last args: {args}")
    check("HARBOR_PASSWORD" in env, f"env: {env}")
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
    chart_rules = yaml.safe_load(open(os.path.join(src, "deploy/prometheus/alerts.yaml")))
    check(rules == chart_rules, "the PrometheusRule is not deploy/prometheus/alerts.yaml")
    dash = [m for m in by_kind["ConfigMap"] if m["metadata"]["name"].endswith("-dashboard")][0]
    check(dash["metadata"]["labels"].get("grafana_dashboard") == "1", "dashboard label")
    check(len(json.loads(dash["data"]["ocimirror.json"])["panels"]) > 5, "dashboard panels")

for p in problems:
    print(f"helm render ({mode}):", p)
sys.exit(1 if problems else 0)
