//! Nodes, as the kubelet and the AWS cloud provider report them: labels with the zone and the
//! instance type, taints of broken and cordoned nodes, conditions, images and system info.

use super::{image_id, ipv4, node_ip, pod_cidr_base};
use crate::consts::{
    CSI_DRIVER, HOST_LABEL, INSTANCE_TYPES, KUBE_VERSION, NODE_IMAGES, REGION, ZONE_LABEL,
};
use crate::emit::Em;
use crate::plan::{Health, NodePlan, Plan};
use crate::rng::{Rng, T_NODE, T_NODE_DOWN, T_NODE_LEASE, Uuid, hex, rng_for, rv};
use crate::time::{DAY, SNAPSHOT, ts};

/// The node being written, and what its parts share.
struct NodeCtx<'a> {
    plan: &'a Plan,
    i: usize,
    nd: &'a NodePlan,
    name: &'a str,
    zone: &'a str,
    /// When a broken node stopped working.
    down_at: i64,
}

/// Node `i`. Its random stream is drawn in the order the fields are written: the instance id,
/// the cordon time, the heartbeat, the machine id.
pub(crate) fn write_node(plan: &Plan, e: &mut Em, i: usize) {
    let nd = &plan.nodes[i];
    let n = NodeCtx {
        plan,
        i,
        nd,
        name: &plan.node_names[i],
        zone: &plan.zones[nd.zone as usize],
        down_at: plan.node_down_at(i),
    };
    let mut r = rng_for(plan.seed, T_NODE, i as u64 | 1 << 32);
    let instance_id = format!("i-0{}", hex(&mut r, 16));

    e.obj();
    e.ks("apiVersion", "v1");
    e.ks("kind", "Node");
    node_metadata(e, &n, &instance_id);
    node_spec(e, &n, &instance_id, &mut r);
    node_status(e, &n, &mut r);
    e.end();
}

fn node_metadata(e: &mut Em, n: &NodeCtx, instance_id: &str) {
    let (nd, name, zone, seed) = (n.nd, n.name, n.zone, n.plan.seed);
    let instance = INSTANCE_TYPES[nd.instance as usize];
    e.ko("metadata");
    e.ko("annotations");
    e.ks(
        "csi.volume.kubernetes.io/nodeid",
        &format!("{{\"{CSI_DRIVER}\":\"{instance_id}\"}}"),
    );
    e.ks("node.alpha.kubernetes.io/ttl", "0");
    e.ks(
        "volumes.kubernetes.io/controller-managed-attach-detach",
        "true",
    );
    e.end();
    e.ks("creationTimestamp", ts(nd.created).as_str());
    e.ko("labels");
    e.ks("beta.kubernetes.io/arch", "amd64");
    e.ks("beta.kubernetes.io/instance-type", instance);
    e.ks("beta.kubernetes.io/os", "linux");
    e.ks("kubernetes.io/arch", "amd64");
    e.ks(HOST_LABEL, name);
    e.ks("kubernetes.io/os", "linux");
    if nd.control_plane {
        e.ks("node-role.kubernetes.io/control-plane", "");
        e.ks(
            "node.kubernetes.io/exclude-from-external-load-balancers",
            "",
        );
    }
    e.ks("node.kubernetes.io/instance-type", instance);
    e.ks("topology.ebs.csi.aws.com/zone", zone);
    e.ks("topology.kubernetes.io/region", REGION);
    e.ks(ZONE_LABEL, zone);
    e.end();
    e.ks("name", name);
    e.ks("resourceVersion", &rv(seed, T_NODE, n.i as u64));
    e.ks("uid", Uuid::new(seed, T_NODE, n.i as u64).as_str());
    e.end();
}

/// The pod CIDR, the provider id and the taints: the control plane's, the node lifecycle
/// controller's on a broken node, and a cordoned node's.
fn node_spec(e: &mut Em, n: &NodeCtx, instance_id: &str, r: &mut Rng) {
    let (nd, down_at) = (n.nd, n.down_at);
    let cidr = format!("{}/24", ipv4(pod_cidr_base(n.i)));
    e.ko("spec");
    e.ks("podCIDR", &cidr);
    e.kstrs("podCIDRs", &[cidr.as_str()]);
    e.ks("providerID", &format!("aws:///{}/{instance_id}", n.zone));
    let mut taints: Vec<(&str, &str, Option<i64>)> = Vec::new();
    if nd.tainted {
        taints.push(("NoSchedule", "node-role.kubernetes.io/control-plane", None));
    }
    match nd.health {
        Health::Ready => {}
        Health::NotReady => {
            taints.push(("NoSchedule", "node.kubernetes.io/not-ready", Some(down_at)));
            taints.push((
                "NoExecute",
                "node.kubernetes.io/not-ready",
                Some(down_at + 5),
            ));
        }
        Health::Unreachable => {
            taints.push((
                "NoSchedule",
                "node.kubernetes.io/unreachable",
                Some(down_at + 40),
            ));
            taints.push((
                "NoExecute",
                "node.kubernetes.io/unreachable",
                Some(down_at + 45),
            ));
        }
    }
    if nd.cordoned {
        taints.push((
            "NoSchedule",
            "node.kubernetes.io/unschedulable",
            Some(SNAPSHOT - r.range(600, 5 * DAY)),
        ));
    }
    if !taints.is_empty() {
        e.kseq("taints");
        for (effect, key, added) in taints {
            e.obj();
            e.ks("effect", effect);
            e.ks("key", key);
            if let Some(t) = added {
                e.ks("timeAdded", ts(t).as_str());
            }
            e.end();
        }
        e.end();
    }
    if nd.cordoned {
        e.kb("unschedulable", true);
    }
    e.end();
}

fn node_status(e: &mut Em, n: &NodeCtx, r: &mut Rng) {
    let (i, seed) = (n.i, n.plan.seed);
    let ip = node_ip(i);
    e.ko("status");
    e.kseq("addresses");
    let dns = format!("ip-{}.{REGION}.compute.internal", ip.replace('.', "-"));
    for (address, kind) in [
        (ip.as_str(), "InternalIP"),
        (dns.as_str(), "InternalDNS"),
        (n.name, "Hostname"),
    ] {
        e.obj();
        e.ks("address", address);
        e.ks("type", kind);
        e.end();
    }
    e.end();
    for (key, storage) in [("allocatable", "95491281146"), ("capacity", "104845292Ki")] {
        e.ko(key);
        e.ks("cpu", "16");
        e.ks("ephemeral-storage", storage);
        e.ks("hugepages-1Gi", "0");
        e.ks("hugepages-2Mi", "0");
        e.ks("memory", "64Gi");
        e.ks("pods", "110");
        e.end();
    }
    node_conditions(e, n, r);
    e.ko("daemonEndpoints");
    e.ko("kubeletEndpoint");
    e.ki("Port", 10250);
    e.end();
    e.end();
    e.kseq("images");
    for &(repo, tag, size) in NODE_IMAGES {
        let image = format!("{repo}:{tag}");
        e.obj();
        e.kstrs("names", &[image_id(seed, &image).as_str(), image.as_str()]);
        e.ki("sizeBytes", size);
        e.end();
    }
    e.end();
    e.ko("nodeInfo");
    e.ks("architecture", "amd64");
    e.ks("bootID", Uuid::new(seed, T_NODE_DOWN, i as u64).as_str());
    e.ks("containerRuntimeVersion", "containerd://1.7.27");
    e.ks("kernelVersion", "6.1.134-152.225.amzn2023.x86_64");
    e.ks("kubeProxyVersion", KUBE_VERSION);
    e.ks("kubeletVersion", KUBE_VERSION);
    e.ks("machineID", &hex(r, 32));
    e.ks("operatingSystem", "linux");
    e.ks("osImage", "Amazon Linux 2023.7.20250512");
    e.ks(
        "systemUUID",
        &format!(
            "ec2{}",
            &Uuid::new(seed, T_NODE_LEASE, i as u64).as_str()[3..]
        ),
    );
    e.end();
    e.end();
}

/// The kubelet's four conditions; a node that stopped reporting has them all `Unknown`.
fn node_conditions(e: &mut Em, n: &NodeCtx, r: &mut Rng) {
    let (nd, down_at) = (n.nd, n.down_at);
    let heartbeat = SNAPSHOT - r.range(0, 290);
    let unknown = nd.health == Health::Unreachable;
    let conditions: [(&str, &str, &str, &str); 4] = [
        (
            "kubelet has sufficient memory available",
            "KubeletHasSufficientMemory",
            "False",
            "MemoryPressure",
        ),
        (
            "kubelet has no disk pressure",
            "KubeletHasNoDiskPressure",
            "False",
            "DiskPressure",
        ),
        (
            "kubelet has sufficient PID available",
            "KubeletHasSufficientPID",
            "False",
            "PIDPressure",
        ),
        match nd.health {
            Health::Ready => (
                "kubelet is posting ready status",
                "KubeletReady",
                "True",
                "Ready",
            ),
            _ => (
                "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized",
                "KubeletNotReady",
                "False",
                "Ready",
            ),
        },
    ];
    e.kseq("conditions");
    for (k, (message, reason, status, kind)) in conditions.into_iter().enumerate() {
        e.obj();
        e.ks(
            "lastHeartbeatTime",
            ts(if unknown { down_at } else { heartbeat }).as_str(),
        );
        let since = if unknown || (k == 3 && nd.health == Health::NotReady) {
            down_at + 40
        } else {
            nd.created + 30 + i64::from(k == 3) * 60
        };
        e.ks("lastTransitionTime", ts(since).as_str());
        if unknown {
            e.ks("message", "Kubelet stopped posting node status.");
            e.ks("reason", "NodeStatusUnknown");
            e.ks("status", "Unknown");
        } else {
            e.ks("message", message);
            e.ks("reason", reason);
            e.ks("status", status);
        }
        e.ks("type", kind);
        e.end();
    }
    e.end();
}
