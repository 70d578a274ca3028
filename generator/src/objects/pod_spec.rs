//! Pod specs, of pods and of the templates of StatefulSets, Deployments and ReplicaSets: the one
//! container with its probes and resources, the spread constraint or anti-affinity, volumes.

use super::{cpu_quantity, match_labels, mem_quantity, scrape_annotations};
use crate::consts::{HOST_LABEL, SA_MOUNT, STS_ROLES, ZONE_LABEL};
use crate::emit::Em;
use crate::plan::{Plan, Spread, Workload};

/// The pod being written, for the parts of a pod spec that a template does not have.
pub(crate) struct PodCtx<'a> {
    pub(crate) name: &'a str,
    pub(crate) node: &'a str,
    pub(crate) api_volume: &'a str,
}

/// A pod's spec, or a pod template's when `pod` is `None`.
pub(crate) fn write_pod_spec(plan: &Plan, e: &mut Em, wi: usize, pod: Option<&PodCtx>) {
    let w = &plan.wls[wi];
    if w.spread == Spread::HostAntiAffinity {
        e.ko("affinity");
        e.ko("podAntiAffinity");
        e.kseq("requiredDuringSchedulingIgnoredDuringExecution");
        e.obj();
        match_labels(e, "labelSelector", w, false);
        e.ks("topologyKey", HOST_LABEL);
        e.end();
        e.end();
        e.end();
        e.end();
    }
    if plan.lean && pod.is_some() {
        e.kb("automountServiceAccountToken", false);
    }
    e.kseq("containers");
    write_container(plan, e, wi, pod);
    e.end();
    e.ks("dnsPolicy", "ClusterFirst");
    if let Some(pc) = pod {
        e.kb("enableServiceLinks", true);
        if w.sts {
            e.ks("hostname", pc.name);
        }
        e.ks("nodeName", pc.node);
        e.ks("preemptionPolicy", "PreemptLowerPriority");
        e.ki("priority", 0);
    }
    e.ks("restartPolicy", "Always");
    e.ks("schedulerName", "default-scheduler");
    e.ko("securityContext");
    if w.sts {
        e.ki("fsGroup", 1000);
    }
    e.end();
    if pod.is_some() {
        e.ks("serviceAccount", "default");
        e.ks("serviceAccountName", "default");
        if w.sts {
            e.ks("subdomain", &w.service());
        }
    }
    e.ki("terminationGracePeriodSeconds", if w.sts { 60 } else { 30 });
    if pod.is_some() {
        e.kseq("tolerations");
        for key in [
            "node.kubernetes.io/not-ready",
            "node.kubernetes.io/unreachable",
        ] {
            e.obj();
            e.ks("effect", "NoExecute");
            e.ks("key", key);
            e.ks("operator", "Exists");
            e.ki("tolerationSeconds", 300);
            e.end();
        }
        e.end();
    }
    if w.spread == Spread::Zone {
        e.kseq("topologySpreadConstraints");
        e.obj();
        match_labels(e, "labelSelector", w, false);
        e.ki("maxSkew", 1);
        e.ks("topologyKey", ZONE_LABEL);
        e.ks("whenUnsatisfiable", "DoNotSchedule");
        e.end();
        e.end();
    }
    if let Some(pc) = pod {
        pod_volumes(e, w, pc, plan.lean);
    }
}

/// The claim of a StatefulSet's replica, and the service account token every pod mounts.
/// A lean pod has no token volume: a lean Deployment's pod has no volumes at all.
fn pod_volumes(e: &mut Em, w: &Workload, pc: &PodCtx, lean: bool) {
    if lean && !w.sts {
        return;
    }
    e.kseq("volumes");
    if w.sts {
        e.obj();
        e.ks("name", "data");
        e.kks(
            "persistentVolumeClaim",
            "claimName",
            &format!("data-{}", pc.name),
        );
        e.end();
    }
    if lean {
        e.end();
        return;
    }
    e.obj();
    e.ks("name", pc.api_volume);
    e.ko("projected");
    e.ki("defaultMode", 420);
    e.kseq("sources");
    e.obj();
    e.ko("serviceAccountToken");
    e.ki("expirationSeconds", 3607);
    e.ks("path", "token");
    e.end();
    e.end();
    e.obj();
    e.ko("configMap");
    e.kseq("items");
    e.obj();
    e.ks("key", "ca.crt");
    e.ks("path", "ca.crt");
    e.end();
    e.end();
    e.ks("name", "kube-root-ca.crt");
    e.end();
    e.end();
    e.obj();
    e.ko("downwardAPI");
    e.kseq("items");
    e.obj();
    e.ko("fieldRef");
    e.ks("apiVersion", "v1");
    e.ks("fieldPath", "metadata.namespace");
    e.end();
    e.ks("path", "namespace");
    e.end();
    e.end();
    e.end();
    e.end();
    e.end();
    e.end();
    e.end();
    e.end();
}

fn write_container(plan: &Plan, e: &mut Em, wi: usize, pod: Option<&PodCtx>) {
    let w = &plan.wls[wi];
    let (port, port_name) = w.port();
    e.obj();
    if !plan.lean {
        write_env(plan, e, w);
    }
    e.ks("image", &w.image);
    e.ks("imagePullPolicy", "IfNotPresent");
    if w.sts && !plan.lean {
        probe(e, w, "livenessProbe", 30, "/healthz");
    }
    e.ks("name", w.container_name());
    e.kseq("ports");
    e.obj();
    e.ki("containerPort", port);
    e.ks("name", port_name);
    e.ks("protocol", "TCP");
    e.end();
    e.end();
    if !plan.lean {
        probe(e, w, "readinessProbe", 5, "/readyz");
    }
    write_resources(e, w);
    e.ks("terminationMessagePath", "/dev/termination-log");
    e.ks("terminationMessagePolicy", "File");
    let token = pod.filter(|_| !plan.lean);
    if w.sts || token.is_some() {
        e.kseq("volumeMounts");
        if w.sts {
            e.obj();
            e.ks("mountPath", STS_ROLES[w.role as usize].data_path);
            e.ks("name", "data");
            e.end();
        }
        if let Some(pc) = token {
            e.obj();
            e.ks("mountPath", SA_MOUNT);
            e.ks("name", pc.api_volume);
            e.kb("readOnly", true);
            e.end();
        }
        e.end();
    }
    e.end();
}

fn write_env(plan: &Plan, e: &mut Em, w: &Workload) {
    let (port, _) = w.port();
    let port_text = port.to_string();
    e.kseq("env");
    e.obj();
    e.ks("name", "POD_NAME");
    e.ko("valueFrom");
    e.ko("fieldRef");
    e.ks("apiVersion", "v1");
    e.ks("fieldPath", "metadata.name");
    e.end();
    e.end();
    e.end();
    let peers = format!("{}.{}.svc.cluster.local", w.service(), plan.ns(w));
    let last = if w.sts {
        ("PEER_SERVICE", peers.as_str())
    } else {
        ("PORT", port_text.as_str())
    };
    for (name, value) in [("LOG_LEVEL", "info"), last] {
        e.obj();
        e.ks("name", name);
        e.ks("value", value);
        e.end();
    }
    e.end();
}

fn write_resources(e: &mut Em, w: &Workload) {
    e.ko("resources");
    for (key, cpu, mem) in [
        ("limits", w.cpu_limit_m, w.mem_limit_mi),
        ("requests", w.cpu_m, w.mem_mi),
    ] {
        e.ko(key);
        e.ks("cpu", &cpu_quantity(cpu));
        e.ks("memory", &mem_quantity(mem));
        e.end();
    }
    e.end();
}

fn probe(e: &mut Em, w: &Workload, key: &str, initial_delay: i64, path: &str) {
    let (port, _) = w.port();
    e.ko(key);
    e.ki("failureThreshold", 3);
    if !w.sts {
        e.ko("httpGet");
        e.ks("path", path);
        e.ki("port", port);
        e.ks("scheme", "HTTP");
        e.end();
    }
    e.ki("initialDelaySeconds", initial_delay);
    e.ki("periodSeconds", 10);
    e.ki("successThreshold", 1);
    if w.sts {
        e.ko("tcpSocket");
        e.ki("port", port);
        e.end();
    }
    e.ki("timeoutSeconds", if w.sts { 5 } else { 1 });
    e.end();
}

pub(crate) fn write_template(plan: &Plan, e: &mut Em, wi: usize, with_hash: bool) {
    let w = &plan.wls[wi];
    e.ko("template");
    e.ko("metadata");
    if !w.sts && !plan.lean {
        scrape_annotations(e);
    }
    e.knull("creationTimestamp");
    e.ko("labels");
    e.ks("app", &w.name);
    if with_hash {
        e.ks("pod-template-hash", &w.hash);
    }
    e.end();
    e.end();
    e.ko("spec");
    write_pod_spec(plan, e, wi, None);
    e.end();
    e.end();
}
