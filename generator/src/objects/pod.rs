//! Pods: running on their planned node, owned by their StatefulSet or ReplicaSet, ready unless
//! the node is broken, a few restarted (some OOM-killed).

use super::pod_spec::{PodCtx, write_pod_spec};
use super::{image_id, ipv4, node_ip, owner_ref, pod_cidr_base, scrape_annotations};
use crate::emit::Em;
use crate::plan::{Health, Plan, Workload};
use crate::rng::{Rng, T_POD, T_RS, T_STS, Uuid, ascii, hex, rng_for, rv, safe_suffix};
use crate::time::{SNAPSHOT, ts};

/// What a pod's status tells of its life: when it was scheduled, when its container started,
/// since when it is (not) ready, how often it restarted.
struct Life {
    started: i64,
    running: i64,
    ready: bool,
    ready_since: i64,
    restarts: i64,
}

/// Pod `p`. Its random stream is drawn in the order: start, running and ready times, the
/// service account volume suffix, restarts, then the container ids and the last termination.
pub(crate) fn write_pod(plan: &Plan, e: &mut Em, p: usize) {
    let pod = &plan.pods[p];
    let wi = pod.wl as usize;
    let name = plan.pod_name(p);
    let mut r = rng_for(plan.seed, T_POD, p as u64);
    let created = plan.pod_created(p);
    let started = created + 1 + r.range(0, 2);
    let running = started + r.range(2, 20);
    let ready_at = running + r.range(3, 30);
    let not_ready_at = ready_at.max(plan.node_down_at(pod.node as usize) + 40);
    let ready = plan.nodes[pod.node as usize].health == Health::Ready;
    let api_volume = format!("kube-api-access-{}", ascii(&safe_suffix(&mut r)));
    let restarts = if r.per_mille(40) { r.range(1, 6) } else { 0 };

    e.obj();
    e.ks("apiVersion", "v1");
    e.ks("kind", "Pod");
    pod_metadata(plan, e, p, &name, created);
    e.ko("spec");
    write_pod_spec(
        plan,
        e,
        wi,
        Some(&PodCtx {
            name: &name,
            node: &plan.node_names[pod.node as usize],
            api_volume: &api_volume,
        }),
    );
    e.end();
    let life = Life {
        started,
        running,
        ready,
        ready_since: if ready { ready_at } else { not_ready_at },
        restarts,
    };
    pod_status(plan, e, p, &life, &mut r);
    e.end();
}

fn pod_metadata(plan: &Plan, e: &mut Em, p: usize, name: &str, created: i64) {
    let pod = &plan.pods[p];
    let wi = pod.wl as usize;
    let w = &plan.wls[wi];
    let owner = if w.sts { w.name.clone() } else { w.rs_name() };
    let owner_uid = if w.sts {
        Uuid::new(plan.seed, T_STS, wi as u64)
    } else {
        Uuid::new(plan.seed, T_RS, wi as u64)
    };
    e.ko("metadata");
    if !w.sts && !plan.lean {
        scrape_annotations(e);
    }
    e.ks("creationTimestamp", ts(created).as_str());
    e.ks("generateName", &format!("{owner}-"));
    e.ko("labels");
    e.ks("app", &w.name);
    if w.sts {
        e.ks("apps.kubernetes.io/pod-index", &pod.ordinal.to_string());
        e.ks("controller-revision-hash", &w.rs_name());
        e.ks("statefulset.kubernetes.io/pod-name", name);
    } else {
        e.ks("pod-template-hash", &w.hash);
    }
    e.end();
    e.ks("name", name);
    e.ks("namespace", plan.ns(w));
    e.kseq("ownerReferences");
    owner_ref(
        e,
        "apps/v1",
        if w.sts { "StatefulSet" } else { "ReplicaSet" },
        &owner,
        owner_uid.as_str(),
        true,
    );
    e.end();
    e.ks("resourceVersion", &rv(plan.seed, T_POD, p as u64));
    e.ks("uid", Uuid::new(plan.seed, T_POD, p as u64).as_str());
    e.end();
}

fn pod_status(plan: &Plan, e: &mut Em, p: usize, life: &Life, r: &mut Rng) {
    let pod = &plan.pods[p];
    let w = &plan.wls[pod.wl as usize];
    let host_ip = node_ip(pod.node as usize);
    let pod_ip = ipv4(pod_cidr_base(pod.node as usize) + 2 + u32::from(pod.slot));
    e.ko("status");
    e.kseq("conditions");
    let ready_status = if life.ready { "True" } else { "False" };
    for (at, status, kind) in [
        (life.running - 1, "True", "PodReadyToStartContainers"),
        (life.started, "True", "Initialized"),
        (life.ready_since, ready_status, "Ready"),
        (life.ready_since, ready_status, "ContainersReady"),
        (life.started, "True", "PodScheduled"),
    ] {
        e.obj();
        e.knull("lastProbeTime");
        e.ks("lastTransitionTime", ts(at).as_str());
        e.ks("status", status);
        e.ks("type", kind);
        e.end();
    }
    e.end();
    e.kseq("containerStatuses");
    container_status(plan, e, w, life, r);
    e.end();
    e.ks("hostIP", &host_ip);
    e.kseq("hostIPs");
    e.obj();
    e.ks("ip", &host_ip);
    e.end();
    e.end();
    e.ks("phase", "Running");
    e.ks("podIP", &pod_ip);
    e.kseq("podIPs");
    e.obj();
    e.ks("ip", &pod_ip);
    e.end();
    e.end();
    e.ks(
        "qosClass",
        if w.guaranteed() {
            "Guaranteed"
        } else {
            "Burstable"
        },
    );
    e.ks("startTime", ts(life.started).as_str());
    e.end();
}

/// The one container's status, with its last termination when it restarted.
fn container_status(plan: &Plan, e: &mut Em, w: &Workload, life: &Life, r: &mut Rng) {
    let running = life.running;
    e.obj();
    e.ks("containerID", &format!("containerd://{}", hex(r, 64)));
    e.ks("image", &w.image);
    e.ks("imageID", &image_id(plan.seed, &w.image));
    e.ko("lastState");
    let since = if life.restarts > 0 {
        let finished = running + r.range(60, (SNAPSHOT - running).max(120) - 30);
        e.ko("terminated");
        e.ks("containerID", &format!("containerd://{}", hex(r, 64)));
        let oom = r.per_mille(300);
        e.ki("exitCode", if oom { 137 } else { 1 });
        e.ks("finishedAt", ts(finished).as_str());
        e.ks("reason", if oom { "OOMKilled" } else { "Error" });
        e.ks("startedAt", ts(running).as_str());
        e.end();
        finished + r.range(1, 20)
    } else {
        running
    };
    e.end();
    e.ks("name", w.container_name());
    e.kb("ready", life.ready);
    e.ki("restartCount", life.restarts);
    e.kb("started", true);
    e.ko("state");
    e.ko("running");
    e.ks("startedAt", ts(since).as_str());
    e.end();
    e.end();
    e.end();
}
