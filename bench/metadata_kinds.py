#!/usr/bin/env python3
"""The ConfigMaps, Endpoints and Namespaces a real cluster of a generated cluster's size holds,
which the generator does not make (BENCHMARKS.md, "Live clusters: kinds read for their metadata").

Reads a generated cluster (the generator's pretty-printed List, streamed line by line: the
150,000-pod file is 2 GB) and writes a List of:
- one Namespace per namespace of its pods;
- per namespace, `kube-root-ca.crt` (the 1.1 kB CA bundle Kubernetes puts in every namespace);
- per app (the pods' `app` label), an Endpoints object with one address per running pod (its IP,
  node and pod reference, as the endpoints controller writes them) and a ConfigMap of the app's
  configuration (a few kB, as applications keep there);
- per namespace, one ConfigMap leader lock (`control-plane.alpha.kubernetes.io/leader`, as older
  controllers write them) held by one of its pods, with a little state in its data.
Deterministic: the same cluster gives the same file.
"""
import hashlib
import json
import sys

ITEM = " " * 8
FIELD = " " * 12
META = " " * 16


def value(line):
    return json.loads(line.split(":", 1)[1].strip().rstrip(","))


def pods(path):
    """(namespace, name, app, node, ip, uid) of every pod, streamed."""
    kind = None
    section = None
    pod = {}
    in_labels = False
    with open(path) as f:
        for line in f:
            if line.startswith(ITEM + "{"):
                kind, section, pod, in_labels = None, None, {}, False
            elif line.startswith(ITEM + "}"):
                if kind == "Pod":
                    yield pod
            elif line.startswith(FIELD + '"'):
                key = line.strip().split('"')[1]
                if key == "kind":
                    kind = value(line)
                section = key
            elif kind != "Pod":
                continue
            elif line.startswith(META + '"'):
                key = line.strip().split('"')[1]
                in_labels = section == "metadata" and key == "labels"
                if section == "metadata" and key in ("name", "namespace", "uid"):
                    pod[key] = value(line)
                elif section == "spec" and key == "nodeName":
                    pod["node"] = value(line)
                elif section == "status" and key == "podIP":
                    pod["ip"] = value(line)
            elif in_labels and line.startswith(META + '    "app"'):
                pod["app"] = value(line)


def uid(*parts):
    h = hashlib.sha256("/".join(parts).encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


CA = (
    "-----BEGIN CERTIFICATE-----\n"
    + "\n".join(
        hashlib.sha512(str(i).encode()).hexdigest()[:64] for i in range(17)
    )
    + "\n-----END CERTIFICATE-----\n"
)


def app_config(ns, app):
    lines = [f"# {app} in {ns}", "server:", "  port: 8080", "  shutdownGrace: 30s"]
    for i in range(60):
        lines.append(f"feature.{app}.flag{i:02}: {'true' if i % 3 else 'false'}")
    return {
        "application.yaml": "\n".join(lines) + "\n",
        "log-level": "info",
        "database-url": f"postgres://{app}.{ns}.svc:5432/{app}",
    }


def main():
    source, out = sys.argv[1], sys.argv[2]
    by_app = {}
    for p in pods(source):
        by_app.setdefault((p["namespace"], p.get("app", p["name"])), []).append(p)
    namespaces = sorted({ns for ns, _ in by_app})
    rv = 90000000
    items = []

    def meta(name, ns=None, **extra):
        nonlocal rv
        rv += 1
        m = {"name": name, "resourceVersion": str(rv), "uid": uid(ns or "", name, str(rv)),
             "creationTimestamp": "2025-11-27T22:40:00Z"}
        if ns:
            m["namespace"] = ns
        m.update(extra)
        return m

    for ns in namespaces:
        items.append({"apiVersion": "v1", "kind": "Namespace",
                      "metadata": meta(ns, labels={"kubernetes.io/metadata.name": ns}),
                      "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}})
        items.append({"apiVersion": "v1", "kind": "ConfigMap",
                      "metadata": meta("kube-root-ca.crt", ns, annotations={
                          "kubernetes.io/description": "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IPs or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."}),
                      "data": {"ca.crt": CA}})
    for (ns, app), members in sorted(by_app.items()):
        members.sort(key=lambda p: p["name"])
        addresses = [{"ip": p["ip"], "nodeName": p["node"],
                      "targetRef": {"kind": "Pod", "name": p["name"], "namespace": ns,
                                    "uid": p["uid"]}}
                     for p in members if p.get("ip") and p.get("node")]
        endpoints = {"apiVersion": "v1", "kind": "Endpoints",
                     "metadata": meta(app, ns, labels={"app": app}, annotations={
                         "endpoints.kubernetes.io/last-change-trigger-time": "2026-07-06T11:40:00Z"})}
        if addresses:
            endpoints["subsets"] = [{"addresses": addresses,
                                     "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]}]
        items.append(endpoints)
        items.append({"apiVersion": "v1", "kind": "ConfigMap",
                      "metadata": meta(f"{app}-config", ns, labels={"app": app}),
                      "data": app_config(ns, app)})
    for ns in namespaces:
        (app, members) = next((a, m) for (n, a), m in sorted(by_app.items()) if n == ns)
        holder = members[0]["name"]
        record = {"holderIdentity": holder, "leaseDurationSeconds": 15,
                  "acquireTime": "2026-07-06T11:35:00Z", "renewTime": "2026-07-06T11:39:50Z",
                  "leaderTransitions": 2}
        items.append({"apiVersion": "v1", "kind": "ConfigMap",
                      "metadata": meta(f"{app}-leader", ns, annotations={
                          "control-plane.alpha.kubernetes.io/leader": json.dumps(record, separators=(",", ":"))}),
                      "data": {"state": json.dumps({"epoch": 41, "members": [m["name"] for m in members[:5]]})}})
    with open(out, "w") as f:
        json.dump({"apiVersion": "v1", "kind": "List", "items": items}, f, separators=(",", ":"))
    counts = {}
    for i in items:
        counts[i["kind"]] = counts.get(i["kind"], 0) + 1
    print(out, counts, file=sys.stderr)


if __name__ == "__main__":
    main()
