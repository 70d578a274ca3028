//! Deterministic synthetic clusters at Kubernetes' published limits, for benchmarks.
//!
//! [`generate`] writes one `kind: List` document shaped like the output of
//! `kubectl get nodes,pods,pvc,pv,sc,leases,sts,deploy,rs,pdb -A -o json` (or `-o yaml`):
//! every node, then the pods, PVCs, PVs, StorageClasses, Leases, StatefulSets, Deployments,
//! ReplicaSets and PodDisruptionBudgets, each kind sorted by namespace and name as the API
//! server lists them. JSON is indented by four spaces with one key per line; YAML follows
//! `kubectl -o yaml` (items at column 0, sequences not indented under their key, strings
//! quoted only when they need it, long strings folded at 80 columns). Keys come in the
//! order kubectl prints them.
//!
//! The cluster:
//! - `nodes` nodes `node-00000`, ... spread round-robin over `zones` zones (`zone-a`, ...) in
//!   `region-1`, each with 16 CPU, 64Gi and room for 110 pods. The first three are control-plane
//!   nodes (tainted `NoSchedule` once the cluster has at least six nodes); about 0.2% of the
//!   workers are NotReady and 0.5% cordoned.
//! - About 35% of the pods belong to StatefulSets of 3 or 5 replicas, each replica with a PVC
//!   `data-<pod>` bound to a zonal EBS PV (`gp3`, WaitForFirstConsumer; about 10% use `gp2`,
//!   Immediate). 60% of the StatefulSets have a zone spread constraint, 20% required host
//!   anti-affinity; about 10% are skewed (a majority of replicas in one zone). About 70% have a
//!   PodDisruptionBudget (of which a few have `maxUnavailable: 0`).
//! - The other pods belong to Deployments of 2 to 10 replicas, through one ReplicaSet each.
//! - One Lease per node in `kube-node-lease`, the two control-plane leader Leases in
//!   `kube-system`, one leader Lease per StatefulSet and one per ten Deployments or so, held by
//!   one of the workload's pods (`<pod>` or `<pod>_<uuid>`), renewed in the 10 s before the
//!   snapshot time 2026-11-20T10:00:00Z. Leaders are concentrated on purpose: up to 30% of
//!   them run on the first 20 nodes, as far as those nodes have room.
//! - Pods never exceed 110 per node, and their requests fit the node's allocatable.
//!
//! Everything comes from [`GenerateParams::seed`] through a small splitmix64 generator, so the
//! same parameters always give the same bytes. Only a compact plan (a small record per node,
//! workload and pod) is kept in memory; the objects are written straight to the output.

use std::collections::HashMap;
use std::io::{self, Write};
use std::ops::Range;

// ---------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------

/// Size and seed of a synthetic cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GenerateParams {
    /// Number of nodes (`node-00000`, ...); the first three are control-plane nodes.
    pub nodes: usize,
    /// Number of pods, about 35% in StatefulSets and the rest in Deployments.
    pub pods: usize,
    /// Number of zones (`zone-a`, `zone-b`, ...); nodes are assigned to them round-robin.
    pub zones: usize,
    /// Seed of the deterministic generator.
    pub seed: u64,
}

impl GenerateParams {
    /// A cluster for `pods` pods: `max(3, pods / 30)` nodes capped at 5,000 (Kubernetes'
    /// published limit), 3 zones and seed 42. `for_pods(150_000)` is the largest supported
    /// cluster: 5,000 nodes and 150,000 pods.
    pub fn for_pods(pods: usize) -> Self {
        GenerateParams {
            nodes: (pods / PODS_PER_NODE).clamp(3, MAX_NODES),
            pods,
            zones: 3,
            seed: 42,
        }
    }
}

/// Output format of [`generate`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GenerateFormat {
    /// As `kubectl get -o json` prints it.
    Json,
    /// As `kubectl get -o yaml` prints it.
    Yaml,
}

/// What [`generate`] wrote.
#[derive(Debug, Default, Clone)]
pub struct GenerateStats {
    /// Nodes written.
    pub nodes: usize,
    /// Pods written.
    pub pods: usize,
    /// StatefulSets written.
    pub statefulsets: usize,
    /// Deployments written (each also has one ReplicaSet).
    pub deployments: usize,
    /// PersistentVolumeClaims written (each also has one PersistentVolume).
    pub pvcs: usize,
    /// Leases written: node heartbeats and leader elections.
    pub leases: usize,
    /// PodDisruptionBudgets written.
    pub pdbs: usize,
    /// Bytes written to the output.
    pub bytes: u64,
}

/// Writes a synthetic cluster described by `params` to `out` as one `kind: List` document.
///
/// The output is streamed through an internal buffer, so memory stays small (a plan of a few
/// dozen bytes per pod) whatever the size. Fails with `InvalidInput` when the pods cannot be
/// placed on the nodes (110 pods, 16 CPU and 64Gi per node), and with the writer's error when
/// writing fails.
pub fn generate(
    params: &GenerateParams,
    format: GenerateFormat,
    out: &mut dyn Write,
) -> io::Result<GenerateStats> {
    let plan = Plan::build(params)?;
    let mut stats = GenerateStats::default();
    let mut e = Em::new(out, format == GenerateFormat::Yaml);
    e.obj();
    e.ks("apiVersion", "v1");
    e.kseq("items");

    for i in 0..plan.nodes.len() {
        plan.write_node(&mut e, i);
        e.maybe_flush()?;
    }
    stats.nodes = plan.nodes.len();

    let pod_order = plan.sorted(0..plan.pods.len(), |p| plan.pod_name(p), |p| plan.pod_ns(p));
    for &p in &pod_order {
        plan.write_pod(&mut e, p as usize);
        e.maybe_flush()?;
    }
    stats.pods = pod_order.len();

    // `data-<pod>` sorts like `<pod>`, so the claims follow the pod order.
    for &p in &pod_order {
        if plan.wl_of(p as usize).sts {
            plan.write_pvc(&mut e, p as usize);
            stats.pvcs += 1;
            e.maybe_flush()?;
        }
    }
    drop(pod_order);

    let mut pv_order: Vec<(Uuid, u32)> = (0..plan.pods.len())
        .filter(|&p| plan.wl_of(p).sts)
        .map(|p| (Uuid::new(plan.seed, T_PVC, p as u64), p as u32))
        .collect();
    pv_order.sort_unstable();
    for &(_, p) in &pv_order {
        plan.write_pv(&mut e, p as usize);
        e.maybe_flush()?;
    }
    drop(pv_order);

    plan.write_storage_class(&mut e, "gp2");
    plan.write_storage_class(&mut e, "gp3");

    for i in 0..plan.nodes.len() {
        plan.write_node_lease(&mut e, i);
        stats.leases += 1;
        e.maybe_flush()?;
    }
    stats.leases += plan.write_control_plane_leases(&mut e);
    let leased = plan.sorted_wls(|w| w.lease, |w| format!("{}-leader", w.name));
    for &wi in &leased {
        plan.write_leader_lease(&mut e, wi as usize);
        stats.leases += 1;
        e.maybe_flush()?;
    }

    for &wi in &plan.sorted_wls(|w| w.sts, |w| w.name.clone()) {
        plan.write_statefulset(&mut e, wi as usize);
        stats.statefulsets += 1;
        e.maybe_flush()?;
    }
    for &wi in &plan.sorted_wls(|w| !w.sts, |w| w.name.clone()) {
        plan.write_deployment(&mut e, wi as usize);
        stats.deployments += 1;
        e.maybe_flush()?;
    }
    for &wi in &plan.sorted_wls(|w| !w.sts, Workload::rs_name) {
        plan.write_replicaset(&mut e, wi as usize);
        e.maybe_flush()?;
    }
    for &wi in &plan.sorted_wls(|w| w.budget.is_some(), |w| format!("{}-pdb", w.name)) {
        plan.write_pdb(&mut e, wi as usize);
        stats.pdbs += 1;
        e.maybe_flush()?;
    }

    e.end();
    e.ks("kind", "List");
    e.ko("metadata");
    e.ks("resourceVersion", "");
    e.end();
    e.end();
    stats.bytes = e.finish()?;
    Ok(stats)
}

// ---------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------

const MAX_NODES: usize = 5_000;
const PODS_PER_NODE: usize = 30;
const MAX_PODS: u32 = 110;
const NODE_CPU_M: u32 = 16_000;
const NODE_MEM_MI: u32 = 64 * 1024;
const NAMESPACES: usize = 50;
/// Leaders are concentrated on the nodes with an index below this.
const HOT_NODES: usize = 20;
/// Share of leader leases whose holder is placed on a hot node (when there is room).
const HOT_LEADERS_PER_MILLE: u64 = 300;
const STS_PERCENT: usize = 35;
const DAY: i64 = 86_400;
/// 2026-11-20T10:00:00Z, the time the export was taken.
const SNAPSHOT: i64 = days_from_civil(2026, 11, 20) * DAY + 10 * 3_600;
const KUBE_VERSION: &str = "v1.33.1";
const REGION: &str = "region-1";
const ZONE_LABEL: &str = "topology.kubernetes.io/zone";
const HOST_LABEL: &str = "kubernetes.io/hostname";
const CSI_DRIVER: &str = "ebs.csi.aws.com";
const CSI_IDENTITY: &str = "1762419321874-9187-ebs.csi.aws.com";
const VOLUME_SIZE: &str = "10Gi";
const SA_MOUNT: &str = "/var/run/secrets/kubernetes.io/serviceaccount";
const FLUSH_AT: usize = 1 << 18;
/// go-yaml's line width: plain and single-quoted strings are folded at a space past it.
const YAML_WIDTH: usize = 80;

const INSTANCE_TYPES: &[&str] = &["m6i.4xlarge", "m6a.4xlarge", "m7i.4xlarge", "m5.4xlarge"];

struct StsRole {
    name: &'static str,
    image: &'static str,
    port: i64,
    port_name: &'static str,
    data_path: &'static str,
}

const STS_ROLES: &[StsRole] = &[
    StsRole {
        name: "postgres",
        image: "docker.io/library/postgres:16.4",
        port: 5432,
        port_name: "postgresql",
        data_path: "/var/lib/postgresql/data",
    },
    StsRole {
        name: "redis",
        image: "docker.io/library/redis:7.4.1",
        port: 6379,
        port_name: "redis",
        data_path: "/data",
    },
    StsRole {
        name: "kafka",
        image: "docker.io/apache/kafka:3.8.1",
        port: 9092,
        port_name: "kafka",
        data_path: "/var/lib/kafka/data",
    },
    StsRole {
        name: "zookeeper",
        image: "docker.io/library/zookeeper:3.9.3",
        port: 2181,
        port_name: "client",
        data_path: "/data",
    },
    StsRole {
        name: "etcd",
        image: "quay.io/coreos/etcd:v3.5.17",
        port: 2379,
        port_name: "client",
        data_path: "/var/lib/etcd",
    },
    StsRole {
        name: "mongodb",
        image: "docker.io/library/mongo:7.0.15",
        port: 27017,
        port_name: "mongodb",
        data_path: "/data/db",
    },
    StsRole {
        name: "cassandra",
        image: "docker.io/library/cassandra:5.0.2",
        port: 9042,
        port_name: "cql",
        data_path: "/var/lib/cassandra",
    },
    StsRole {
        name: "elasticsearch",
        image: "docker.elastic.co/elasticsearch/elasticsearch:8.16.1",
        port: 9200,
        port_name: "http",
        data_path: "/usr/share/elasticsearch/data",
    },
    StsRole {
        name: "rabbitmq",
        image: "docker.io/library/rabbitmq:4.0.4",
        port: 5672,
        port_name: "amqp",
        data_path: "/var/lib/rabbitmq",
    },
    StsRole {
        name: "nats",
        image: "docker.io/library/nats:2.10.22",
        port: 4222,
        port_name: "client",
        data_path: "/data/jetstream",
    },
    StsRole {
        name: "clickhouse",
        image: "docker.io/clickhouse/clickhouse-server:24.8",
        port: 9000,
        port_name: "native",
        data_path: "/var/lib/clickhouse",
    },
    StsRole {
        name: "consul",
        image: "docker.io/hashicorp/consul:1.20.1",
        port: 8500,
        port_name: "http",
        data_path: "/consul/data",
    },
];

const DEPLOY_ROLES: &[&str] = &[
    "api",
    "web",
    "worker",
    "gateway",
    "frontend",
    "auth",
    "billing",
    "search",
    "checkout",
    "cart",
    "notifier",
    "scheduler",
    "ingest",
    "reporting",
    "catalog",
    "payments",
];

const TEAMS: &[&str] = &[
    "orders",
    "users",
    "inventory",
    "shipping",
    "analytics",
    "platform",
    "identity",
    "ledger",
    "media",
    "growth",
    "support",
    "risk",
    "pricing",
    "fleet",
    "maps",
    "chat",
];

/// Images every node has pulled: (repository, tag, size in bytes).
const NODE_IMAGES: &[(&str, &str, i64)] = &[
    (
        "public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver",
        "v1.37.0",
        31_872_315,
    ),
    ("registry.k8s.io/kube-proxy", KUBE_VERSION, 30_905_106),
    ("registry.k8s.io/coredns/coredns", "v1.12.0", 20_939_036),
    ("registry.k8s.io/pause", "3.10", 320_368),
];

// Tags that keep the random streams of different objects apart.
const T_PLAN: u64 = 1;
const T_NODE: u64 = 2;
const T_NODE_DOWN: u64 = 3;
const T_POD: u64 = 4;
const T_POD_TIME: u64 = 5;
const T_PVC: u64 = 6;
const T_PV: u64 = 7;
const T_STS: u64 = 8;
const T_DEPLOY: u64 = 9;
const T_RS: u64 = 10;
const T_LEASE: u64 = 11;
const T_NODE_LEASE: u64 = 12;
const T_PDB: u64 = 13;
const T_SC: u64 = 14;
const T_IMAGE: u64 = 15;
const T_HOLDER: u64 = 16;
const T_CP_LEASE: u64 = 17;
const UID_TAG: u64 = 1 << 40;
const RV_TAG: u64 = 1 << 41;

// ---------------------------------------------------------------------------
// Deterministic randomness
// ---------------------------------------------------------------------------

fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// splitmix64.
#[derive(Clone)]
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix64(self.0)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }

    fn per_mille(&mut self, p: u64) -> bool {
        self.below(1000) < p
    }
}

/// An independent stream for object `idx` of kind `tag`.
fn rng_for(seed: u64, tag: u64, idx: u64) -> Rng {
    Rng(mix64(
        seed ^ mix64(tag.wrapping_mul(0xD6E8_FEB8_6659_FD93) ^ mix64(idx ^ 0x632B_E59B_D9B4_E019)),
    ))
}

const HEX: &[u8; 16] = b"0123456789abcdef";
/// The alphabet Kubernetes uses for generated name suffixes.
const SAFE: &[u8; 27] = b"bcdfghjklmnpqrstvwxz2456789";

fn hex(r: &mut Rng, n: usize) -> String {
    let mut s = String::with_capacity(n);
    let (mut bits, mut left) = (0u64, 0);
    for _ in 0..n {
        if left == 0 {
            bits = r.next_u64();
            left = 16;
        }
        s.push(HEX[(bits & 15) as usize] as char);
        bits >>= 4;
        left -= 1;
    }
    s
}

fn safe_suffix(r: &mut Rng) -> [u8; 5] {
    let mut b = [0u8; 5];
    for c in &mut b {
        *c = SAFE[r.index(SAFE.len())];
    }
    b
}

fn ascii(b: &[u8]) -> &str {
    std::str::from_utf8(b).expect("generated names are ASCII")
}

fn str_hash(s: &str) -> u64 {
    s.bytes().fold(0xCBF2_9CE4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3)
    })
}

/// A version-4-shaped UUID, derived from the object it names.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Uuid([u8; 36]);

impl Uuid {
    fn new(seed: u64, tag: u64, idx: u64) -> Uuid {
        let mut r = rng_for(seed, tag | UID_TAG, idx);
        let (a, b) = (r.next_u64(), r.next_u64());
        let mut nib = [0u8; 32];
        for i in 0..16 {
            nib[i] = ((a >> (60 - 4 * i)) & 15) as u8;
            nib[16 + i] = ((b >> (60 - 4 * i)) & 15) as u8;
        }
        nib[12] = 4;
        nib[16] = 8 | (nib[16] & 3);
        let mut out = [b'-'; 36];
        let mut j = 0;
        for (i, o) in out.iter_mut().enumerate() {
            if !matches!(i, 8 | 13 | 18 | 23) {
                *o = HEX[nib[j] as usize];
                j += 1;
            }
        }
        Uuid(out)
    }

    fn as_str(&self) -> &str {
        ascii(&self.0)
    }
}

/// A resourceVersion, stable for a given object.
fn rv(seed: u64, tag: u64, idx: u64) -> String {
    (10_000_000 + rng_for(seed, tag | RV_TAG, idx).below(80_000_000)).to_string()
}

// ---------------------------------------------------------------------------
// Time
// ---------------------------------------------------------------------------

const fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// An RFC 3339 UTC timestamp, on the stack.
struct Ts {
    b: [u8; 27],
    n: usize,
}

impl Ts {
    fn as_str(&self) -> &str {
        ascii(&self.b[..self.n])
    }
}

fn put_digits(dst: &mut [u8], mut v: i64) {
    for slot in dst.iter_mut().rev() {
        *slot = b'0' + (v % 10) as u8;
        v /= 10;
    }
}

fn fmt_time(secs: i64, micros: Option<i64>) -> Ts {
    let (y, m, d) = civil_from_days(secs.div_euclid(DAY));
    let sod = secs.rem_euclid(DAY);
    let mut b = *b"0000-00-00T00:00:00.000000Z";
    put_digits(&mut b[0..4], y);
    put_digits(&mut b[5..7], m);
    put_digits(&mut b[8..10], d);
    put_digits(&mut b[11..13], sod / 3600);
    put_digits(&mut b[14..16], sod / 60 % 60);
    put_digits(&mut b[17..19], sod % 60);
    let n = match micros {
        Some(us) => {
            put_digits(&mut b[20..26], us);
            27
        }
        None => {
            b[19] = b'Z';
            20
        }
    };
    Ts { b, n }
}

/// `2026-11-20T10:00:00Z`
fn ts(secs: i64) -> Ts {
    fmt_time(secs, None)
}

/// `2026-11-20T09:59:55.123456Z`
fn ts_micros(us: i64) -> Ts {
    fmt_time(us.div_euclid(1_000_000), Some(us.rem_euclid(1_000_000)))
}

// ---------------------------------------------------------------------------
// Streaming JSON / YAML emitter
// ---------------------------------------------------------------------------

struct Frame {
    seq: bool,
    count: u32,
    /// YAML: the column of this mapping's keys, or of this sequence's dashes.
    indent: u32,
    /// YAML: the container is an item of a sequence, so its first entry follows the `-`.
    inline_first: bool,
    #[cfg(debug_assertions)]
    last_key: String,
}

/// Writes JSON as `kubectl -o json` does (Go's `json.MarshalIndent` with four spaces) or YAML as
/// `kubectl -o yaml` does (go-yaml v2), from one sequence of calls. Keys must come sorted, as
/// kubectl prints them; debug builds check it.
struct Em<'a> {
    out: &'a mut dyn Write,
    buf: Vec<u8>,
    yaml: bool,
    stack: Vec<Frame>,
    written: u64,
}

const SPACES: [u8; 128] = [b' '; 128];

impl<'a> Em<'a> {
    fn new(out: &'a mut dyn Write, yaml: bool) -> Self {
        Em {
            out,
            buf: Vec::with_capacity(FLUSH_AT + (64 << 10)),
            yaml,
            stack: Vec::with_capacity(32),
            written: 0,
        }
    }

    fn flush_buf(&mut self) -> io::Result<()> {
        if !self.buf.is_empty() {
            self.out.write_all(&self.buf)?;
            self.written += self.buf.len() as u64;
            self.buf.clear();
        }
        Ok(())
    }

    /// Called between items only: a YAML line never spans two flushes, which [`Em::column`] relies on.
    fn maybe_flush(&mut self) -> io::Result<()> {
        if self.buf.len() >= FLUSH_AT {
            self.flush_buf()
        } else {
            Ok(())
        }
    }

    fn finish(mut self) -> io::Result<u64> {
        debug_assert!(self.stack.is_empty());
        self.buf.push(b'\n');
        self.flush_buf()?;
        self.out.flush()?;
        Ok(self.written)
    }

    fn pad(&mut self, mut n: usize) {
        while n > 0 {
            let k = n.min(SPACES.len());
            self.buf.extend_from_slice(&SPACES[..k]);
            n -= k;
        }
    }

    fn line(&mut self, indent: usize) {
        if self.written > 0 || !self.buf.is_empty() {
            self.buf.push(b'\n');
        }
        self.pad(indent);
    }

    fn column(&self) -> usize {
        match self.buf.iter().rposition(|&b| b == b'\n') {
            Some(p) => self.buf.len() - p - 1,
            None => self.buf.len(),
        }
    }

    fn push_frame(&mut self, seq: bool) {
        let (indent, inline_first) = match self.stack.last() {
            None => (0, false),
            Some(t) if t.seq => (t.indent + 2, true),
            // go-yaml does not indent a sequence under its key.
            Some(t) => (if seq { t.indent } else { t.indent + 2 }, false),
        };
        self.stack.push(Frame {
            seq,
            count: 0,
            indent,
            inline_first,
            #[cfg(debug_assertions)]
            last_key: String::new(),
        });
    }

    /// Starts a value: after a key nothing is needed, in a sequence it starts an item.
    fn before_value(&mut self) {
        let depth = self.stack.len();
        let yaml = self.yaml;
        let Some(top) = self.stack.last_mut() else {
            return;
        };
        if !top.seq {
            return;
        }
        let first = top.count == 0;
        top.count += 1;
        let (indent, inline) = (top.indent as usize, top.inline_first);
        if yaml {
            if first && inline {
                self.buf.extend_from_slice(b" -");
            } else {
                self.line(indent);
                self.buf.push(b'-');
            }
        } else {
            if !first {
                self.buf.push(b',');
            }
            self.buf.push(b'\n');
            self.pad(depth * 4);
        }
    }

    fn key(&mut self, k: &str) {
        let depth = self.stack.len();
        let yaml = self.yaml;
        let top = self.stack.last_mut().expect("key outside of a mapping");
        debug_assert!(!top.seq, "key {k:?} inside a sequence");
        #[cfg(debug_assertions)]
        {
            assert!(
                top.count == 0 || (top.last_key.as_str() < k && yaml_key_less(&top.last_key, k)),
                "keys out of order: {:?} before {:?}",
                top.last_key,
                k
            );
            top.last_key.clear();
            top.last_key.push_str(k);
        }
        let first = top.count == 0;
        top.count += 1;
        let (indent, inline) = (top.indent as usize, top.inline_first);
        if yaml {
            if first && inline {
                self.buf.push(b' ');
            } else {
                self.line(indent);
            }
            self.yaml_scalar(k, false);
            self.buf.push(b':');
        } else {
            if !first {
                self.buf.push(b',');
            }
            self.buf.push(b'\n');
            self.pad(depth * 4);
            json_str(&mut self.buf, k);
            self.buf.extend_from_slice(b": ");
        }
    }

    fn str(&mut self, v: &str) {
        self.before_value();
        if self.yaml {
            self.buf.push(b' ');
            self.yaml_scalar(v, true);
        } else {
            json_str(&mut self.buf, v);
        }
    }

    fn raw(&mut self, v: &[u8]) {
        self.before_value();
        if self.yaml {
            self.buf.push(b' ');
        }
        self.buf.extend_from_slice(v);
    }

    fn int(&mut self, v: i64) {
        let mut tmp = [0u8; 20];
        let mut i = tmp.len();
        let mut u = v.unsigned_abs();
        loop {
            i -= 1;
            tmp[i] = b'0' + (u % 10) as u8;
            u /= 10;
            if u == 0 {
                break;
            }
        }
        if v < 0 {
            i -= 1;
            tmp[i] = b'-';
        }
        self.raw(&tmp[i..]);
    }

    fn boolean(&mut self, v: bool) {
        self.raw(if v { b"true" } else { b"false" });
    }

    fn obj(&mut self) {
        self.before_value();
        if !self.yaml {
            self.buf.push(b'{');
        }
        self.push_frame(false);
    }

    fn seq(&mut self) {
        self.before_value();
        if !self.yaml {
            self.buf.push(b'[');
        }
        self.push_frame(true);
    }

    fn end(&mut self) {
        let f = self.stack.pop().expect("end without an open container");
        if self.yaml {
            if f.count == 0 {
                self.buf
                    .extend_from_slice(if f.seq { b" []" } else { b" {}" });
            }
        } else {
            if f.count > 0 {
                self.buf.push(b'\n');
                self.pad(self.stack.len() * 4);
            }
            self.buf.push(if f.seq { b']' } else { b'}' });
        }
    }

    // Shorthands: key + value.
    fn ks(&mut self, k: &str, v: &str) {
        self.key(k);
        self.str(v);
    }
    fn ki(&mut self, k: &str, v: i64) {
        self.key(k);
        self.int(v);
    }
    fn kb(&mut self, k: &str, v: bool) {
        self.key(k);
        self.boolean(v);
    }
    fn knull(&mut self, k: &str) {
        self.key(k);
        self.raw(b"null");
    }
    fn ko(&mut self, k: &str) {
        self.key(k);
        self.obj();
    }
    fn kseq(&mut self, k: &str) {
        self.key(k);
        self.seq();
    }
    fn kstrs(&mut self, k: &str, vs: &[&str]) {
        self.kseq(k);
        for v in vs {
            self.str(v);
        }
        self.end();
    }
    /// `k: {inner: v}`
    fn kks(&mut self, k: &str, inner: &str, v: &str) {
        self.ko(k);
        self.ks(inner, v);
        self.end();
    }

    fn yaml_scalar(&mut self, s: &str, allow_breaks: bool) {
        match yaml_style(s) {
            YamlStyle::Plain => {
                if allow_breaks && s.contains(' ') {
                    self.folded(s, false);
                } else {
                    self.buf.extend_from_slice(s.as_bytes());
                }
            }
            YamlStyle::Single => {
                self.buf.push(b'\'');
                if allow_breaks && s.contains(' ') {
                    self.folded(s, true);
                } else {
                    for b in s.bytes() {
                        if b == b'\'' {
                            self.buf.push(b'\'');
                        }
                        self.buf.push(b);
                    }
                }
                self.buf.push(b'\'');
            }
            YamlStyle::Double => yaml_double(&mut self.buf, s),
        }
    }

    /// go-yaml's plain and single-quoted writers: past the line width, a single space becomes
    /// a line break indented two columns deeper than the key (or dash).
    fn folded(&mut self, s: &str, single: bool) {
        let cont = self.stack.last().map_or(2, |t| t.indent as usize + 2);
        let mut col = self.column();
        let b = s.as_bytes();
        let mut spaces = false;
        for (i, &c) in b.iter().enumerate() {
            if c == b' ' {
                let next_space = b.get(i + 1) == Some(&b' ');
                let inside = !single || (i > 0 && i + 1 < b.len());
                if !spaces && col > YAML_WIDTH && !next_space && inside {
                    self.buf.push(b'\n');
                    self.pad(cont);
                    col = cont;
                } else {
                    self.buf.push(b' ');
                    col += 1;
                }
                spaces = true;
            } else {
                if single && c == b'\'' {
                    self.buf.push(b'\'');
                    col += 1;
                }
                self.buf.push(c);
                col += 1;
                spaces = false;
            }
        }
    }
}

/// Bytes that make [`json_str`] leave its fast path: control characters, `"`, `\\`, the HTML
/// characters Go escapes, and the lead byte of U+2028/U+2029.
const JSON_SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = true;
        i += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t[b'<' as usize] = true;
    t[b'>' as usize] = true;
    t[b'&' as usize] = true;
    t[0xE2] = true;
    t
};

/// A JSON string as Go's encoding/json writes it (HTML characters escaped).
fn json_str(buf: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    buf.reserve(bytes.len() + 2);
    buf.push(b'"');
    if !bytes.iter().any(|&b| JSON_SPECIAL[b as usize]) {
        buf.extend_from_slice(bytes);
        buf.push(b'"');
        return;
    }
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let line_sep = b == 0xE2
            && bytes.get(i + 1) == Some(&0x80)
            && matches!(bytes.get(i + 2), Some(0xA8 | 0xA9));
        if !(b < 0x20 || matches!(b, b'"' | b'\\' | b'<' | b'>' | b'&') || line_sep) {
            i += 1;
            continue;
        }
        buf.extend_from_slice(&bytes[start..i]);
        if line_sep {
            buf.extend_from_slice(if bytes[i + 2] == 0xA8 {
                b"\\u2028"
            } else {
                b"\\u2029"
            });
            i += 3;
            start = i;
            continue;
        }
        match b {
            b'"' => buf.extend_from_slice(b"\\\""),
            b'\\' => buf.extend_from_slice(b"\\\\"),
            b'\n' => buf.extend_from_slice(b"\\n"),
            b'\r' => buf.extend_from_slice(b"\\r"),
            b'\t' => buf.extend_from_slice(b"\\t"),
            0x08 => buf.extend_from_slice(b"\\b"),
            0x0C => buf.extend_from_slice(b"\\f"),
            _ => {
                buf.extend_from_slice(b"\\u00");
                buf.push(HEX[(b >> 4) as usize]);
                buf.push(HEX[(b & 15) as usize]);
            }
        }
        i += 1;
        start = i;
    }
    buf.extend_from_slice(&bytes[start..]);
    buf.push(b'"');
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum YamlStyle {
    Plain,
    Single,
    Double,
}

/// The style go-yaml v2 picks for a string: double quotes when the plain text would read as
/// another type (numbers, booleans, null, timestamps, ""), single quotes when it is not a valid
/// plain scalar, plain otherwise.
fn yaml_style(s: &str) -> YamlStyle {
    let b = s.as_bytes();
    let Some(&first) = b.first() else {
        return YamlStyle::Double;
    };
    if resolves_to_non_string(s) {
        return YamlStyle::Double;
    }
    // One pass over the bytes; the rarer checks only run when a ':' or '#' is present.
    let class = b.iter().fold(0u8, |acc, &c| acc | YAML_CLASS[c as usize]);
    if class & 1 != 0 {
        return YamlStyle::Double;
    }
    let colon_or_hash = class & 2 != 0;
    let starts_with_indicator = match first {
        b'#' | b',' | b'[' | b']' | b'{' | b'}' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\''
        | b'"' | b'%' | b'@' | b'`' => true,
        b'?' | b':' | b'-' => matches!(b.get(1), None | Some(b' ' | b'\t')) || s.starts_with("---"),
        b'.' => s.starts_with("..."),
        b' ' => true,
        _ => false,
    };
    if starts_with_indicator || b[b.len() - 1] == b' ' {
        return YamlStyle::Single;
    }
    if colon_or_hash {
        for i in 1..b.len() {
            let followed_by_ws = matches!(b.get(i + 1), None | Some(b' ' | b'\t'));
            if (b[i] == b':' && followed_by_ws) || (b[i] == b'#' && b[i - 1] == b' ') {
                return YamlStyle::Single;
            }
        }
    }
    YamlStyle::Plain
}

/// Per byte: 1 for characters only a double-quoted scalar can hold, 2 for ':' and '#'.
const YAML_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = 1;
        i += 1;
    }
    t[0x7F] = 1;
    t[b':' as usize] = 2;
    t[b'#' as usize] = 2;
    t
};

fn resolves_to_non_string(s: &str) -> bool {
    if matches!(
        s,
        "y" | "Y"
            | "yes"
            | "Yes"
            | "YES"
            | "n"
            | "N"
            | "no"
            | "No"
            | "NO"
            | "true"
            | "True"
            | "TRUE"
            | "false"
            | "False"
            | "FALSE"
            | "on"
            | "On"
            | "ON"
            | "off"
            | "Off"
            | "OFF"
            | "null"
            | "Null"
            | "NULL"
            | "~"
            | "<<"
            | ".inf"
            | ".Inf"
            | ".INF"
            | "+.inf"
            | "+.Inf"
            | "+.INF"
            | "-.inf"
            | "-.Inf"
            | "-.INF"
            | ".nan"
            | ".NaN"
            | ".NAN"
    ) {
        return true;
    }
    let b = s.as_bytes();
    if !(b[0].is_ascii_digit() || matches!(b[0], b'+' | b'-' | b'.')) {
        return false;
    }
    // YYYY-... may be a timestamp.
    if b.len() > 4 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' {
        return true;
    }
    let number = |t: &str| looks_like_int(t) || t.parse::<f64>().is_ok();
    (if s.contains('_') {
        number(&s.replace('_', ""))
    } else {
        number(s)
    }) || is_base60(s)
}

fn looks_like_int(s: &str) -> bool {
    let t = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (digits, ok): (&str, fn(&u8) -> bool) =
        if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
            (h, u8::is_ascii_hexdigit)
        } else if let Some(o) = t.strip_prefix("0o").or_else(|| t.strip_prefix("0O")) {
            (o, |c| (b'0'..=b'7').contains(c))
        } else if let Some(bin) = t.strip_prefix("0b").or_else(|| t.strip_prefix("0B")) {
            (bin, |c| matches!(c, b'0' | b'1'))
        } else {
            (t, u8::is_ascii_digit)
        };
    !digits.is_empty() && digits.as_bytes().iter().all(ok)
}

/// `[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?`, which YAML 1.1 reads as a sexagesimal number.
fn is_base60(s: &str) -> bool {
    let t = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (main, frac) = match t.split_once('.') {
        Some((m, f)) => (m, Some(f)),
        None => (t, None),
    };
    let mut parts = main.split(':');
    let head = parts.next().unwrap_or("");
    let head_ok = head.as_bytes().first().is_some_and(u8::is_ascii_digit)
        && head.bytes().all(|c| c.is_ascii_digit() || c == b'_');
    let mut n = 0;
    let rest_ok = parts.all(|p| {
        n += 1;
        let pb = p.as_bytes();
        match pb.len() {
            1 => pb[0].is_ascii_digit(),
            2 => (b'0'..=b'5').contains(&pb[0]) && pb[1].is_ascii_digit(),
            _ => false,
        }
    });
    head_ok
        && n > 0
        && rest_ok
        && frac.is_none_or(|f| f.bytes().all(|c| c.is_ascii_digit() || c == b'_'))
}

fn yaml_double(buf: &mut Vec<u8>, s: &str) {
    buf.push(b'"');
    for b in s.bytes() {
        match b {
            b'"' => buf.extend_from_slice(b"\\\""),
            b'\\' => buf.extend_from_slice(b"\\\\"),
            b'\n' => buf.extend_from_slice(b"\\n"),
            b'\t' => buf.extend_from_slice(b"\\t"),
            b'\r' => buf.extend_from_slice(b"\\r"),
            c if c < 0x20 || c == 0x7F => {
                buf.extend_from_slice(b"\\x");
                buf.push(HEX[(c >> 4) as usize].to_ascii_uppercase());
                buf.push(HEX[(c & 15) as usize].to_ascii_uppercase());
            }
            c => buf.push(c),
        }
    }
    buf.push(b'"');
}

/// go-yaml v2's order of mapping keys (letters after other characters, digit runs compared
/// as numbers). The generator's keys sort the same way under it and under Go's byte order.
#[cfg(debug_assertions)]
fn yaml_key_less(a: &str, b: &str) -> bool {
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    for i in 0..ar.len().min(br.len()) {
        if ar[i] == br[i] {
            continue;
        }
        let (al, bl) = (ar[i].is_alphabetic(), br[i].is_alphabetic());
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return bl;
        }
        let (mut an, mut bn) = (0i64, 0i64);
        if ar[i] == '0' || br[i] == '0' {
            for j in (0..i).rev() {
                if !ar[j].is_ascii_digit() {
                    break;
                }
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && ar[ai].is_ascii_digit() {
            an = an * 10 + i64::from(ar[ai] as u8 - b'0');
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && br[bi].is_ascii_digit() {
            bn = bn * 10 + i64::from(br[bi] as u8 - b'0');
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    ar.len() < br.len()
}

// ---------------------------------------------------------------------------
// The plan: where everything is, decided before anything is written
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Spread {
    Free,
    Zone,
    HostAntiAffinity,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Budget {
    MinAvailable(u32),
    MaxUnavailable(u32),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Health {
    Ready,
    /// The kubelet reports Ready=False.
    NotReady,
    /// The kubelet stopped reporting: Ready=Unknown.
    Unreachable,
}

struct NodePlan {
    zone: u32,
    control_plane: bool,
    tainted: bool,
    health: Health,
    cordoned: bool,
    instance: u8,
    pods: u32,
    cpu_m: u32,
    mem_mi: u32,
    created: i64,
}

struct Workload {
    sts: bool,
    ns: u16,
    role: u8,
    name: String,
    /// pod-template-hash (Deployment) or controller-revision hash suffix (StatefulSet).
    hash: String,
    image: String,
    replicas: u32,
    first_pod: u32,
    gp2: bool,
    spread: Spread,
    skewed: bool,
    parallel: bool,
    budget: Option<Budget>,
    lease: bool,
    holder: u32,
    holder_with_uuid: bool,
    cpu_m: u32,
    mem_mi: u32,
    cpu_limit_m: u32,
    mem_limit_mi: u32,
    created: i64,
    ready: u32,
}

impl Workload {
    fn pods(&self) -> Range<usize> {
        self.first_pod as usize..(self.first_pod + self.replicas) as usize
    }

    fn rs_name(&self) -> String {
        format!("{}-{}", self.name, self.hash)
    }

    fn service(&self) -> String {
        format!("{}-headless", self.name)
    }

    fn guaranteed(&self) -> bool {
        self.cpu_m == self.cpu_limit_m && self.mem_mi == self.mem_limit_mi
    }

    fn port(&self) -> (i64, &'static str) {
        if self.sts {
            let r = &STS_ROLES[self.role as usize];
            (r.port, r.port_name)
        } else {
            (8080, "http")
        }
    }

    fn container_name(&self) -> &'static str {
        if self.sts {
            STS_ROLES[self.role as usize].name
        } else {
            DEPLOY_ROLES[self.role as usize]
        }
    }

    fn storage_class(&self) -> &'static str {
        if self.gp2 { "gp2" } else { "gp3" }
    }
}

struct PodPlan {
    wl: u32,
    ordinal: u16,
    /// Position on the node, for the pod IP.
    slot: u16,
    node: u32,
    suffix: [u8; 5],
}

struct Plan {
    seed: u64,
    zones: Vec<String>,
    node_names: Vec<String>,
    nodes: Vec<NodePlan>,
    namespaces: Vec<String>,
    wls: Vec<Workload>,
    pods: Vec<PodPlan>,
}

fn invalid(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, msg)
}

fn zone_name(z: usize) -> String {
    if z < 26 {
        format!("zone-{}", (b'a' + z as u8) as char)
    } else {
        format!("zone-{}", z + 1)
    }
}

fn pick<T: Copy>(r: &mut Rng, xs: &[T]) -> T {
    xs[r.index(xs.len())]
}

impl Plan {
    fn build(p: &GenerateParams) -> io::Result<Plan> {
        let seed = p.seed;
        let mut rng = rng_for(seed, T_PLAN, 0);
        // Zones beyond the node count would stay empty.
        let zone_count = p.zones.clamp(1, p.nodes.max(1));
        let n = p.nodes;
        // Small clusters run their workloads on the control plane too.
        let taint_control_plane = n >= 6;
        let mut nodes: Vec<NodePlan> = (0..n)
            .map(|i| {
                let mut r = rng_for(seed, T_NODE, i as u64);
                NodePlan {
                    zone: (i % zone_count) as u32,
                    control_plane: i < 3,
                    tainted: taint_control_plane && i < 3,
                    health: Health::Ready,
                    cordoned: false,
                    instance: r.index(INSTANCE_TYPES.len()) as u8,
                    pods: 0,
                    cpu_m: 0,
                    mem_mi: 0,
                    created: SNAPSHOT - r.range(200 * DAY, 400 * DAY),
                }
            })
            .collect();
        let workers: Vec<u32> = (0..n as u32)
            .filter(|&i| !nodes[i as usize].tainted)
            .collect();
        if p.pods > 0 && workers.is_empty() {
            return Err(invalid(format!(
                "cannot place {} pods: no schedulable node",
                p.pods
            )));
        }

        // A few broken and cordoned workers, away from the hot nodes.
        let mut pool: Vec<u32> = workers
            .iter()
            .copied()
            .filter(|&i| i as usize >= HOT_NODES)
            .collect();
        if pool.len() >= 50 {
            let not_ready = ((n * 2 + 500) / 1000).max(1);
            let cordoned = ((n * 5 + 500) / 1000).max(1);
            for k in 0..(not_ready + cordoned).min(pool.len()) {
                let j = k + rng.index(pool.len() - k);
                pool.swap(k, j);
                let node = &mut nodes[pool[k] as usize];
                if k < not_ready {
                    node.health = if k % 2 == 0 {
                        Health::NotReady
                    } else {
                        Health::Unreachable
                    };
                } else {
                    node.cordoned = true;
                }
            }
        }

        // Workloads: StatefulSets up to ~35% of the pods, Deployments for the rest.
        let mut wls = Vec::new();
        let mut pods: Vec<PodPlan> = Vec::with_capacity(p.pods);
        let mut names: HashMap<(u16, bool, u8, u8), u32> = HashMap::new();
        let sts_target = p.pods * STS_PERCENT / 100;
        while sts_target - pods.len() >= 3 {
            let replicas = if sts_target - pods.len() >= 5 && rng.per_mille(350) {
                5
            } else {
                3
            };
            let w = new_workload(&mut rng, &mut names, true, replicas, pods.len() as u32);
            add_pods(&mut rng, &mut pods, &w, wls.len() as u32);
            wls.push(w);
        }
        while pods.len() < p.pods {
            let replicas = (rng.range(2, 10) as usize).min(p.pods - pods.len()) as u32;
            let w = new_workload(&mut rng, &mut names, false, replicas, pods.len() as u32);
            add_pods(&mut rng, &mut pods, &w, wls.len() as u32);
            wls.push(w);
        }

        // Placement, in a shuffled order so that both kinds compete for the hot nodes.
        {
            let hot: Vec<u32> = if n > HOT_NODES {
                workers
                    .iter()
                    .copied()
                    .filter(|&i| (i as usize) < HOT_NODES)
                    .collect()
            } else {
                Vec::new()
            };
            let general: Vec<u32> = workers
                .iter()
                .copied()
                .filter(|&i| n <= HOT_NODES || i as usize >= HOT_NODES)
                .collect();
            let by_zone = |list: &[u32]| {
                let mut v = vec![Vec::new(); zone_count];
                for &i in list {
                    v[nodes[i as usize].zone as usize].push(i);
                }
                v
            };
            let (hot_zone, general_zone) = (by_zone(&hot), by_zone(&general));
            let mut placer = Placer {
                nodes: &mut nodes,
                general,
                general_zone,
                hot,
                hot_zone,
            };
            let mut order: Vec<u32> = (0..wls.len() as u32).collect();
            for i in (1..order.len()).rev() {
                order.swap(i, rng.index(i + 1));
            }
            for &wi in &order {
                placer.place(&wls[wi as usize], &mut pods, &mut rng, zone_count).ok_or_else(|| {
                    invalid(format!(
                        "cannot place {} pods on {} schedulable nodes ({MAX_PODS} pods, 16 CPU and 64Gi each)",
                        p.pods,
                        workers.len()
                    ))
                })?;
            }
        }

        // Readiness follows the nodes; the leader is the replica on the lowest node index.
        for w in &mut wls {
            w.ready = w
                .pods()
                .filter(|&i| nodes[pods[i].node as usize].health == Health::Ready)
                .count() as u32;
            w.holder = w
                .pods()
                .min_by_key(|&i| (pods[i].node, i))
                .unwrap_or(w.first_pod as usize) as u32;
        }

        Ok(Plan {
            seed,
            zones: (0..zone_count).map(zone_name).collect(),
            node_names: (0..n).map(|i| format!("node-{i:05}")).collect(),
            nodes,
            namespaces: (0..NAMESPACES).map(|i| format!("ns-{i:03}")).collect(),
            wls,
            pods,
        })
    }
}

fn new_workload(
    rng: &mut Rng,
    names: &mut HashMap<(u16, bool, u8, u8), u32>,
    sts: bool,
    replicas: u32,
    first_pod: u32,
) -> Workload {
    let ns = rng.index(NAMESPACES) as u16;
    let role = rng.index(if sts {
        STS_ROLES.len()
    } else {
        DEPLOY_ROLES.len()
    });
    let team = rng.index(TEAMS.len());
    let role_name = if sts {
        STS_ROLES[role].name
    } else {
        DEPLOY_ROLES[role]
    };
    let seen = names.entry((ns, sts, role as u8, team as u8)).or_insert(0);
    *seen += 1;
    let name = if *seen == 1 {
        format!("{role_name}-{}", TEAMS[team])
    } else {
        format!("{role_name}-{}-{}", TEAMS[team], *seen)
    };
    let hash = hex(rng, 10);
    let image = if sts {
        STS_ROLES[role].image.to_string()
    } else {
        format!(
            "registry.example.com/{}/{role_name}:1.{}.{}",
            TEAMS[team],
            rng.below(30),
            rng.below(10)
        )
    };
    let mut w = Workload {
        sts,
        ns,
        role: role as u8,
        name,
        hash,
        image,
        replicas,
        first_pod,
        gp2: false,
        spread: Spread::Free,
        skewed: false,
        parallel: false,
        budget: None,
        lease: false,
        holder: first_pod,
        holder_with_uuid: rng.per_mille(500),
        cpu_m: 0,
        mem_mi: 0,
        cpu_limit_m: 0,
        mem_limit_mi: 0,
        created: SNAPSHOT - rng.range(DAY / 2, 150 * DAY),
        ready: 0,
    };
    if sts {
        let s = rng.below(100);
        w.spread = if s < 60 {
            Spread::Zone
        } else if s < 80 {
            Spread::HostAntiAffinity
        } else {
            Spread::Free
        };
        // 25% of the 40% without a zone constraint: ~10% of all StatefulSets.
        w.skewed = w.spread != Spread::Zone && rng.per_mille(250);
        w.gp2 = rng.per_mille(100);
        w.parallel = rng.per_mille(200);
        let b = rng.below(100);
        w.budget = if b < 65 {
            Some(if rng.per_mille(500) {
                Budget::MinAvailable(replicas / 2 + 1)
            } else {
                Budget::MaxUnavailable(1)
            })
        } else if b < 70 {
            Some(Budget::MaxUnavailable(0))
        } else {
            None
        };
        w.lease = true;
        w.cpu_m = pick(rng, &[100, 150, 200]);
        w.mem_mi = pick(rng, &[256, 384, 512]);
    } else {
        w.lease = rng.per_mille(100);
        w.cpu_m = pick(rng, &[50, 100, 100, 150, 200]);
        w.mem_mi = pick(rng, &[64, 128, 128, 256, 512]);
    }
    if rng.per_mille(200) {
        (w.cpu_limit_m, w.mem_limit_mi) = (w.cpu_m, w.mem_mi);
    } else {
        (w.cpu_limit_m, w.mem_limit_mi) = (w.cpu_m * 4, w.mem_mi * 2);
    }
    w
}

fn add_pods(rng: &mut Rng, pods: &mut Vec<PodPlan>, w: &Workload, wl: u32) {
    let start = pods.len();
    for ordinal in 0..w.replicas {
        let mut suffix = safe_suffix(rng);
        while !w.sts && pods[start..].iter().any(|p| p.suffix == suffix) {
            suffix = safe_suffix(rng);
        }
        pods.push(PodPlan {
            wl,
            ordinal: ordinal as u16,
            slot: 0,
            node: 0,
            suffix,
        });
    }
}

struct Placer<'a> {
    nodes: &'a mut [NodePlan],
    general: Vec<u32>,
    general_zone: Vec<Vec<u32>>,
    hot: Vec<u32>,
    hot_zone: Vec<Vec<u32>>,
}

impl Placer<'_> {
    fn fits(&self, n: u32, w: &Workload) -> bool {
        let x = &self.nodes[n as usize];
        x.pods < MAX_PODS && x.cpu_m + w.cpu_m <= NODE_CPU_M && x.mem_mi + w.mem_mi <= NODE_MEM_MI
    }

    fn pick(&self, list: &[u32], rng: &mut Rng, w: &Workload, avoid: &[u32]) -> Option<u32> {
        if list.is_empty() {
            return None;
        }
        let ok = |n: u32| !avoid.contains(&n) && self.fits(n, w);
        for _ in 0..24 {
            let n = list[rng.index(list.len())];
            if ok(n) {
                return Some(n);
            }
        }
        let start = rng.index(list.len());
        (0..list.len())
            .map(|k| list[(start + k) % list.len()])
            .find(|&n| ok(n))
    }

    fn take(&mut self, n: u32, w: &Workload) -> u16 {
        let x = &mut self.nodes[n as usize];
        let slot = x.pods as u16;
        x.pods += 1;
        x.cpu_m += w.cpu_m;
        x.mem_mi += w.mem_mi;
        slot
    }

    fn choose(
        &self,
        zone: Option<usize>,
        rng: &mut Rng,
        w: &Workload,
        avoid: &[u32],
    ) -> Option<u32> {
        let general_zone = zone.map_or(&self.general[..], |z| &self.general_zone[z][..]);
        let hot_zone = zone.map_or(&self.hot[..], |z| &self.hot_zone[z][..]);
        for list in [general_zone, &self.general[..], hot_zone, &self.hot[..]] {
            if let Some(n) = self.pick(list, rng, w, avoid) {
                return Some(n);
            }
        }
        // Last resort: share a node with another replica.
        for list in [&self.general[..], &self.hot[..]] {
            if let Some(n) = self.pick(list, rng, w, &[]) {
                return Some(n);
            }
        }
        None
    }

    fn place(
        &mut self,
        w: &Workload,
        pods: &mut [PodPlan],
        rng: &mut Rng,
        zones: usize,
    ) -> Option<()> {
        let r = w.replicas as usize;
        // The zone each StatefulSet replica should land in; Deployments go anywhere.
        let mut want: Vec<Option<usize>> = vec![None; r];
        if w.sts {
            let start = rng.index(zones);
            let major = if w.skewed && zones > 1 {
                r / 2 + 1 + usize::from(r >= 5 && rng.per_mille(500))
            } else {
                0
            };
            for (i, z) in want.iter_mut().enumerate() {
                *z = Some(if i < major {
                    start
                } else if major > 0 {
                    (start + 1 + i - major) % zones
                } else {
                    (start + i) % zones
                });
            }
        }
        let mut chosen = vec![u32::MAX; r];
        let mut slots = vec![0u16; r];
        if w.lease && !self.hot.is_empty() && rng.per_mille(HOT_LEADERS_PER_MILLE) {
            for i in 0..r {
                let list = want[i].map_or(&self.hot[..], |z| &self.hot_zone[z][..]);
                if let Some(n) = self.pick(list, rng, w, &[]) {
                    chosen[i] = n;
                    slots[i] = self.take(n, w);
                    break;
                }
            }
        }
        for i in 0..r {
            if chosen[i] != u32::MAX {
                continue;
            }
            let n = self.choose(want[i], rng, w, &chosen)?;
            chosen[i] = n;
            slots[i] = self.take(n, w);
        }
        for (i, pod) in pods[w.pods()].iter_mut().enumerate() {
            pod.node = chosen[i];
            pod.slot = slots[i];
        }
        Some(())
    }
}

// ---------------------------------------------------------------------------
// Writing the objects
// ---------------------------------------------------------------------------

fn ipv4(v: u32) -> String {
    format!(
        "{}.{}.{}.{}",
        v >> 24,
        (v >> 16) & 255,
        (v >> 8) & 255,
        v & 255
    )
}

fn node_ip(i: usize) -> String {
    ipv4((10 << 24) + 16 + i as u32)
}

fn pod_cidr_base(i: usize) -> u32 {
    (10 << 24) + (64 << 16) + ((i as u32) << 8)
}

fn cpu_quantity(m: u32) -> String {
    if m.is_multiple_of(1000) {
        (m / 1000).to_string()
    } else {
        format!("{m}m")
    }
}

fn mem_quantity(mi: u32) -> String {
    if mi.is_multiple_of(1024) {
        format!("{}Gi", mi / 1024)
    } else {
        format!("{mi}Mi")
    }
}

fn image_id(seed: u64, image: &str) -> String {
    let repo = image.rsplit_once(':').map_or(image, |(r, _)| r);
    format!(
        "{repo}@sha256:{}",
        hex(&mut rng_for(seed, T_IMAGE, str_hash(image)), 64)
    )
}

/// The pod being written, for the parts of a pod spec that a template does not have.
struct PodCtx<'a> {
    name: &'a str,
    node: &'a str,
    api_volume: &'a str,
}

impl Plan {
    fn wl_of(&self, p: usize) -> &Workload {
        &self.wls[self.pods[p].wl as usize]
    }

    fn ns(&self, w: &Workload) -> &str {
        &self.namespaces[w.ns as usize]
    }

    fn pod_ns(&self, p: usize) -> u16 {
        self.wl_of(p).ns
    }

    fn pod_name(&self, p: usize) -> String {
        let pod = &self.pods[p];
        let w = &self.wls[pod.wl as usize];
        if w.sts {
            format!("{}-{}", w.name, pod.ordinal)
        } else {
            format!("{}-{}-{}", w.name, w.hash, ascii(&pod.suffix))
        }
    }

    fn zone_of(&self, node: u32) -> &str {
        &self.zones[self.nodes[node as usize].zone as usize]
    }

    /// Indices sorted by (namespace, name), as the API server lists namespaced objects.
    fn sorted(
        &self,
        range: Range<usize>,
        name: impl Fn(usize) -> String,
        ns: impl Fn(usize) -> u16,
    ) -> Vec<u32> {
        let mut v: Vec<u32> = range.map(|i| i as u32).collect();
        v.sort_by_cached_key(|&i| (ns(i as usize), name(i as usize)));
        v
    }

    fn sorted_wls(
        &self,
        keep: impl Fn(&Workload) -> bool,
        name: impl Fn(&Workload) -> String,
    ) -> Vec<u32> {
        let mut v: Vec<u32> = (0..self.wls.len() as u32)
            .filter(|&i| keep(&self.wls[i as usize]))
            .collect();
        v.sort_by_cached_key(|&i| {
            let w = &self.wls[i as usize];
            (w.ns, name(w))
        });
        v
    }

    /// When the pod was created: shortly after its workload, or recently for the ~15% that were
    /// recreated since (rollouts, evictions).
    fn pod_created(&self, p: usize) -> i64 {
        let pod = &self.pods[p];
        let w = &self.wls[pod.wl as usize];
        let mut r = rng_for(self.seed, T_POD_TIME, p as u64);
        let step = if w.sts { 25 } else { 0 };
        let base = w.created + 2 + i64::from(pod.ordinal) * step + r.range(0, 4);
        if r.per_mille(150) {
            let age = (SNAPSHOT - base).max(1_200);
            SNAPSHOT - r.range(600, age)
        } else {
            base
        }
    }

    fn pvc_created(&self, p: usize) -> i64 {
        let pod = &self.pods[p];
        let w = &self.wls[pod.wl as usize];
        w.created + 1 + i64::from(pod.ordinal) * 25
    }

    fn node_down_at(&self, i: usize) -> i64 {
        SNAPSHOT - rng_for(self.seed, T_NODE_DOWN, i as u64).range(900, 7200)
    }

    fn owner_ref(
        e: &mut Em,
        api_version: &str,
        kind: &str,
        name: &str,
        uid: &str,
        controller: bool,
    ) {
        e.obj();
        e.ks("apiVersion", api_version);
        if controller {
            e.kb("blockOwnerDeletion", true);
            e.kb("controller", true);
        }
        e.ks("kind", kind);
        e.ks("name", name);
        e.ks("uid", uid);
        e.end();
    }

    fn match_labels(e: &mut Em, key: &str, w: &Workload, with_hash: bool) {
        e.ko(key);
        e.ko("matchLabels");
        e.ks("app", &w.name);
        if with_hash {
            e.ks("pod-template-hash", &w.hash);
        }
        e.end();
        e.end();
    }

    // --- Node --------------------------------------------------------------

    fn write_node(&self, e: &mut Em, i: usize) {
        let nd = &self.nodes[i];
        let name = &self.node_names[i];
        let zone = &self.zones[nd.zone as usize];
        let mut r = rng_for(self.seed, T_NODE, i as u64 | 1 << 32);
        let instance_id = format!("i-0{}", hex(&mut r, 16));
        let instance = INSTANCE_TYPES[nd.instance as usize];
        let ip = node_ip(i);
        let cidr = format!("{}/24", ipv4(pod_cidr_base(i)));
        let down_at = self.node_down_at(i);

        e.obj();
        e.ks("apiVersion", "v1");
        e.ks("kind", "Node");
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
        e.ks("resourceVersion", &rv(self.seed, T_NODE, i as u64));
        e.ks("uid", Uuid::new(self.seed, T_NODE, i as u64).as_str());
        e.end();

        e.ko("spec");
        e.ks("podCIDR", &cidr);
        e.kstrs("podCIDRs", &[cidr.as_str()]);
        e.ks("providerID", &format!("aws:///{zone}/{instance_id}"));
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

        e.ko("status");
        e.kseq("addresses");
        let dns = format!("ip-{}.{REGION}.compute.internal", ip.replace('.', "-"));
        for (address, kind) in [
            (ip.as_str(), "InternalIP"),
            (dns.as_str(), "InternalDNS"),
            (name.as_str(), "Hostname"),
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
        e.ko("daemonEndpoints");
        e.ko("kubeletEndpoint");
        e.ki("Port", 10250);
        e.end();
        e.end();
        e.kseq("images");
        for &(repo, tag, size) in NODE_IMAGES {
            let image = format!("{repo}:{tag}");
            e.obj();
            e.kstrs(
                "names",
                &[image_id(self.seed, &image).as_str(), image.as_str()],
            );
            e.ki("sizeBytes", size);
            e.end();
        }
        e.end();
        e.ko("nodeInfo");
        e.ks("architecture", "amd64");
        e.ks(
            "bootID",
            Uuid::new(self.seed, T_NODE_DOWN, i as u64).as_str(),
        );
        e.ks("containerRuntimeVersion", "containerd://1.7.27");
        e.ks("kernelVersion", "6.1.134-152.225.amzn2023.x86_64");
        e.ks("kubeProxyVersion", KUBE_VERSION);
        e.ks("kubeletVersion", KUBE_VERSION);
        e.ks("machineID", &hex(&mut r, 32));
        e.ks("operatingSystem", "linux");
        e.ks("osImage", "Amazon Linux 2023.7.20250512");
        e.ks(
            "systemUUID",
            &format!(
                "ec2{}",
                &Uuid::new(self.seed, T_NODE_LEASE, i as u64).as_str()[3..]
            ),
        );
        e.end();
        e.end();
        e.end();
    }

    // --- Pod ---------------------------------------------------------------

    fn write_pod(&self, e: &mut Em, p: usize) {
        let pod = &self.pods[p];
        let wi = pod.wl as usize;
        let w = &self.wls[wi];
        let ns = self.ns(w);
        let name = self.pod_name(p);
        let node = &self.nodes[pod.node as usize];
        let node_name = &self.node_names[pod.node as usize];
        let ready = node.health == Health::Ready;
        let mut r = rng_for(self.seed, T_POD, p as u64);
        let created = self.pod_created(p);
        let started = created + 1 + r.range(0, 2);
        let running = started + r.range(2, 20);
        let ready_at = running + r.range(3, 30);
        let not_ready_at = ready_at.max(self.node_down_at(pod.node as usize) + 40);
        let owner = if w.sts { w.name.clone() } else { w.rs_name() };
        let owner_uid = if w.sts {
            Uuid::new(self.seed, T_STS, wi as u64)
        } else {
            Uuid::new(self.seed, T_RS, wi as u64)
        };
        let api_volume = format!("kube-api-access-{}", ascii(&safe_suffix(&mut r)));
        let host_ip = node_ip(pod.node as usize);
        let pod_ip = ipv4(pod_cidr_base(pod.node as usize) + 2 + u32::from(pod.slot));
        let restarts = if r.per_mille(40) { r.range(1, 6) } else { 0 };

        e.obj();
        e.ks("apiVersion", "v1");
        e.ks("kind", "Pod");
        e.ko("metadata");
        if !w.sts {
            Self::scrape_annotations(e);
        }
        e.ks("creationTimestamp", ts(created).as_str());
        e.ks("generateName", &format!("{owner}-"));
        e.ko("labels");
        e.ks("app", &w.name);
        if w.sts {
            e.ks("apps.kubernetes.io/pod-index", &pod.ordinal.to_string());
            e.ks("controller-revision-hash", &w.rs_name());
            e.ks("statefulset.kubernetes.io/pod-name", &name);
        } else {
            e.ks("pod-template-hash", &w.hash);
        }
        e.end();
        e.ks("name", &name);
        e.ks("namespace", ns);
        e.kseq("ownerReferences");
        Self::owner_ref(
            e,
            "apps/v1",
            if w.sts { "StatefulSet" } else { "ReplicaSet" },
            &owner,
            owner_uid.as_str(),
            true,
        );
        e.end();
        e.ks("resourceVersion", &rv(self.seed, T_POD, p as u64));
        e.ks("uid", Uuid::new(self.seed, T_POD, p as u64).as_str());
        e.end();

        e.ko("spec");
        self.write_pod_spec(
            e,
            wi,
            Some(&PodCtx {
                name: &name,
                node: node_name,
                api_volume: &api_volume,
            }),
        );
        e.end();

        e.ko("status");
        e.kseq("conditions");
        let ready_status = if ready { "True" } else { "False" };
        let ready_since = if ready { ready_at } else { not_ready_at };
        for (at, status, kind) in [
            (running - 1, "True", "PodReadyToStartContainers"),
            (started, "True", "Initialized"),
            (ready_since, ready_status, "Ready"),
            (ready_since, ready_status, "ContainersReady"),
            (started, "True", "PodScheduled"),
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
        e.obj();
        e.ks("containerID", &format!("containerd://{}", hex(&mut r, 64)));
        e.ks("image", &w.image);
        e.ks("imageID", &image_id(self.seed, &w.image));
        e.ko("lastState");
        let since = if restarts > 0 {
            let finished = running + r.range(60, (SNAPSHOT - running).max(120) - 30);
            e.ko("terminated");
            e.ks("containerID", &format!("containerd://{}", hex(&mut r, 64)));
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
        e.kb("ready", ready);
        e.ki("restartCount", restarts);
        e.kb("started", true);
        e.ko("state");
        e.ko("running");
        e.ks("startedAt", ts(since).as_str());
        e.end();
        e.end();
        e.end();
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
        e.ks("startTime", ts(started).as_str());
        e.end();
        e.end();
    }

    fn scrape_annotations(e: &mut Em) {
        e.ko("annotations");
        e.ks("prometheus.io/port", "8080");
        e.ks("prometheus.io/scrape", "true");
        e.end();
    }

    /// A pod's spec, or a pod template's when `pod` is `None`.
    fn write_pod_spec(&self, e: &mut Em, wi: usize, pod: Option<&PodCtx>) {
        let w = &self.wls[wi];
        if w.spread == Spread::HostAntiAffinity {
            e.ko("affinity");
            e.ko("podAntiAffinity");
            e.kseq("requiredDuringSchedulingIgnoredDuringExecution");
            e.obj();
            Self::match_labels(e, "labelSelector", w, false);
            e.ks("topologyKey", HOST_LABEL);
            e.end();
            e.end();
            e.end();
            e.end();
        }
        e.kseq("containers");
        self.write_container(e, wi, pod);
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
            Self::match_labels(e, "labelSelector", w, false);
            e.ki("maxSkew", 1);
            e.ks("topologyKey", ZONE_LABEL);
            e.ks("whenUnsatisfiable", "DoNotSchedule");
            e.end();
            e.end();
        }
        if let Some(pc) = pod {
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
    }

    fn write_container(&self, e: &mut Em, wi: usize, pod: Option<&PodCtx>) {
        let w = &self.wls[wi];
        let (port, port_name) = w.port();
        let port_text = port.to_string();
        e.obj();
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
        let peers = format!("{}.{}.svc.cluster.local", w.service(), self.ns(w));
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
        e.ks("image", &w.image);
        e.ks("imagePullPolicy", "IfNotPresent");
        if w.sts {
            Self::probe(e, w, "livenessProbe", 30, "/healthz");
        }
        e.ks("name", w.container_name());
        e.kseq("ports");
        e.obj();
        e.ki("containerPort", port);
        e.ks("name", port_name);
        e.ks("protocol", "TCP");
        e.end();
        e.end();
        Self::probe(e, w, "readinessProbe", 5, "/readyz");
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
        e.ks("terminationMessagePath", "/dev/termination-log");
        e.ks("terminationMessagePolicy", "File");
        if w.sts || pod.is_some() {
            e.kseq("volumeMounts");
            if w.sts {
                e.obj();
                e.ks("mountPath", STS_ROLES[w.role as usize].data_path);
                e.ks("name", "data");
                e.end();
            }
            if let Some(pc) = pod {
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

    fn write_template(&self, e: &mut Em, wi: usize, with_hash: bool) {
        let w = &self.wls[wi];
        e.ko("template");
        e.ko("metadata");
        if !w.sts {
            Self::scrape_annotations(e);
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
        self.write_pod_spec(e, wi, None);
        e.end();
        e.end();
    }

    // --- Storage -----------------------------------------------------------

    fn claim_spec(e: &mut Em, w: &Workload) {
        e.kstrs("accessModes", &["ReadWriteOnce"]);
        e.ko("resources");
        e.kks("requests", "storage", VOLUME_SIZE);
        e.end();
        e.ks("storageClassName", w.storage_class());
        e.ks("volumeMode", "Filesystem");
    }

    fn write_pvc(&self, e: &mut Em, p: usize) {
        let pod = &self.pods[p];
        let w = self.wl_of(p);
        let pvc_uid = Uuid::new(self.seed, T_PVC, p as u64);
        e.obj();
        e.ks("apiVersion", "v1");
        e.ks("kind", "PersistentVolumeClaim");
        e.ko("metadata");
        e.ko("annotations");
        e.ks("pv.kubernetes.io/bind-completed", "yes");
        e.ks("pv.kubernetes.io/bound-by-controller", "yes");
        e.ks("volume.beta.kubernetes.io/storage-provisioner", CSI_DRIVER);
        if !w.gp2 {
            e.ks(
                "volume.kubernetes.io/selected-node",
                &self.node_names[pod.node as usize],
            );
        }
        e.ks("volume.kubernetes.io/storage-provisioner", CSI_DRIVER);
        e.end();
        e.ks("creationTimestamp", ts(self.pvc_created(p)).as_str());
        e.kstrs("finalizers", &["kubernetes.io/pvc-protection"]);
        e.kks("labels", "app", &w.name);
        e.ks("name", &format!("data-{}", self.pod_name(p)));
        e.ks("namespace", self.ns(w));
        e.ks("resourceVersion", &rv(self.seed, T_PVC, p as u64));
        e.ks("uid", pvc_uid.as_str());
        e.end();
        e.ko("spec");
        Self::claim_spec(e, w);
        e.ks("volumeName", &format!("pvc-{}", pvc_uid.as_str()));
        e.end();
        e.ko("status");
        e.kstrs("accessModes", &["ReadWriteOnce"]);
        e.kks("capacity", "storage", VOLUME_SIZE);
        e.ks("phase", "Bound");
        e.end();
        e.end();
    }

    fn write_pv(&self, e: &mut Em, p: usize) {
        let pod = &self.pods[p];
        let w = self.wl_of(p);
        let pvc_uid = Uuid::new(self.seed, T_PVC, p as u64);
        let mut r = rng_for(self.seed, T_PV, p as u64);
        let created = self.pvc_created(p) + r.range(2, 8);
        e.obj();
        e.ks("apiVersion", "v1");
        e.ks("kind", "PersistentVolume");
        e.ko("metadata");
        e.ko("annotations");
        e.ks("pv.kubernetes.io/provisioned-by", CSI_DRIVER);
        e.ks("volume.kubernetes.io/provisioner-deletion-secret-name", "");
        e.ks(
            "volume.kubernetes.io/provisioner-deletion-secret-namespace",
            "",
        );
        e.end();
        e.ks("creationTimestamp", ts(created).as_str());
        e.kstrs(
            "finalizers",
            &[
                "kubernetes.io/pv-protection",
                "external-provisioner.volume.kubernetes.io/finalizer",
                "external-attacher/ebs-csi-aws-com",
            ],
        );
        e.ks("name", &format!("pvc-{}", pvc_uid.as_str()));
        e.ks("resourceVersion", &rv(self.seed, T_PV, p as u64));
        e.ks("uid", Uuid::new(self.seed, T_PV, p as u64).as_str());
        e.end();
        e.ko("spec");
        e.kstrs("accessModes", &["ReadWriteOnce"]);
        e.kks("capacity", "storage", VOLUME_SIZE);
        e.ko("claimRef");
        e.ks("apiVersion", "v1");
        e.ks("kind", "PersistentVolumeClaim");
        e.ks("name", &format!("data-{}", self.pod_name(p)));
        e.ks("namespace", self.ns(w));
        e.ks("resourceVersion", &rv(self.seed, T_PVC, p as u64));
        e.ks("uid", pvc_uid.as_str());
        e.end();
        e.ko("csi");
        e.ks("driver", CSI_DRIVER);
        e.ks("fsType", "ext4");
        e.kks(
            "volumeAttributes",
            "storage.kubernetes.io/csiProvisionerIdentity",
            CSI_IDENTITY,
        );
        e.ks("volumeHandle", &format!("vol-0{}", hex(&mut r, 16)));
        e.end();
        e.ko("nodeAffinity");
        e.ko("required");
        e.kseq("nodeSelectorTerms");
        e.obj();
        e.kseq("matchExpressions");
        e.obj();
        e.ks("key", ZONE_LABEL);
        e.ks("operator", "In");
        e.kstrs("values", &[self.zone_of(pod.node)]);
        e.end();
        e.end();
        e.end();
        e.end();
        e.end();
        e.end();
        e.ks("persistentVolumeReclaimPolicy", "Delete");
        e.ks("storageClassName", w.storage_class());
        e.ks("volumeMode", "Filesystem");
        e.end();
        e.ko("status");
        e.ks("lastPhaseTransitionTime", ts(created + 1).as_str());
        e.ks("phase", "Bound");
        e.end();
        e.end();
    }

    fn write_storage_class(&self, e: &mut Em, name: &str) {
        let gp3 = name == "gp3";
        let idx = u64::from(gp3);
        e.obj();
        e.kb("allowVolumeExpansion", true);
        e.ks("apiVersion", "storage.k8s.io/v1");
        e.ks("kind", "StorageClass");
        e.ko("metadata");
        if gp3 {
            e.kks(
                "annotations",
                "storageclass.kubernetes.io/is-default-class",
                "true",
            );
        }
        e.ks(
            "creationTimestamp",
            ts(SNAPSHOT - 400 * DAY + 3_600 * idx as i64).as_str(),
        );
        e.ks("name", name);
        e.ks("resourceVersion", &rv(self.seed, T_SC, idx));
        e.ks("uid", Uuid::new(self.seed, T_SC, idx).as_str());
        e.end();
        e.ko("parameters");
        e.ks("csi.storage.k8s.io/fstype", "ext4");
        e.ks("encrypted", "true");
        e.ks("type", name);
        e.end();
        e.ks("provisioner", CSI_DRIVER);
        e.ks("reclaimPolicy", "Delete");
        e.ks(
            "volumeBindingMode",
            if gp3 {
                "WaitForFirstConsumer"
            } else {
                "Immediate"
            },
        );
        e.end();
    }

    // --- Leases ------------------------------------------------------------

    fn write_node_lease(&self, e: &mut Em, i: usize) {
        let nd = &self.nodes[i];
        let name = &self.node_names[i];
        let mut r = rng_for(self.seed, T_NODE_LEASE, i as u64);
        let renew = if nd.health == Health::Unreachable {
            self.node_down_at(i) * 1_000_000 + r.range(0, 999_999)
        } else {
            SNAPSHOT * 1_000_000 - r.range(0, 9_999_999)
        };
        e.obj();
        e.ks("apiVersion", "coordination.k8s.io/v1");
        e.ks("kind", "Lease");
        e.ko("metadata");
        e.ks("creationTimestamp", ts(nd.created + 1).as_str());
        e.ks("name", name);
        e.ks("namespace", "kube-node-lease");
        e.kseq("ownerReferences");
        Self::owner_ref(
            e,
            "v1",
            "Node",
            name,
            Uuid::new(self.seed, T_NODE, i as u64).as_str(),
            false,
        );
        e.end();
        e.ks("resourceVersion", &rv(self.seed, T_NODE_LEASE, i as u64));
        e.ks(
            "uid",
            Uuid::new(self.seed, T_NODE_LEASE, i as u64 | 1 << 32).as_str(),
        );
        e.end();
        e.ko("spec");
        e.ks("holderIdentity", name);
        e.ki("leaseDurationSeconds", 40);
        e.ks("renewTime", ts_micros(renew).as_str());
        e.end();
        e.end();
    }

    #[allow(clippy::too_many_arguments)]
    fn lease(
        e: &mut Em,
        seed: u64,
        tag: u64,
        idx: u64,
        name: &str,
        ns: &str,
        created: i64,
        holder: &str,
        acquired_us: i64,
    ) {
        let mut r = rng_for(seed, tag, idx);
        e.obj();
        e.ks("apiVersion", "coordination.k8s.io/v1");
        e.ks("kind", "Lease");
        e.ko("metadata");
        e.ks("creationTimestamp", ts(created).as_str());
        e.ks("name", name);
        e.ks("namespace", ns);
        e.ks("resourceVersion", &rv(seed, tag, idx));
        e.ks("uid", Uuid::new(seed, tag, idx).as_str());
        e.end();
        e.ko("spec");
        e.ks("acquireTime", ts_micros(acquired_us).as_str());
        e.ks("holderIdentity", holder);
        e.ki("leaseDurationSeconds", 15);
        e.ki("leaseTransitions", r.range(0, 6));
        e.ks(
            "renewTime",
            ts_micros(SNAPSHOT * 1_000_000 - r.range(0, 9_999_999)).as_str(),
        );
        e.end();
        e.end();
    }

    /// `kube-system/kube-controller-manager` and `kube-scheduler`, held by control-plane nodes.
    fn write_control_plane_leases(&self, e: &mut Em) -> usize {
        let cps: Vec<usize> = (0..self.nodes.len())
            .filter(|&i| self.nodes[i].control_plane)
            .collect();
        if cps.is_empty() {
            return 0;
        }
        for (k, name) in ["kube-controller-manager", "kube-scheduler"]
            .into_iter()
            .enumerate()
        {
            let mut r = rng_for(self.seed, T_CP_LEASE, k as u64 | 1 << 32);
            let node = cps[r.index(cps.len())];
            let holder = format!(
                "{}_{}",
                self.node_names[node],
                Uuid::new(self.seed, T_CP_LEASE, k as u64 | 1 << 33).as_str()
            );
            let created = self.nodes[cps[0]].created + 60;
            let acquired = SNAPSHOT * 1_000_000 - r.range(DAY * 1_000_000, 30 * DAY * 1_000_000);
            Self::lease(
                e,
                self.seed,
                T_CP_LEASE,
                k as u64,
                name,
                "kube-system",
                created,
                &holder,
                acquired,
            );
        }
        2
    }

    fn write_leader_lease(&self, e: &mut Em, wi: usize) {
        let w = &self.wls[wi];
        let holder = w.holder as usize;
        let pod_name = self.pod_name(holder);
        let identity = if w.holder_with_uuid {
            format!(
                "{pod_name}_{}",
                Uuid::new(self.seed, T_HOLDER, wi as u64).as_str()
            )
        } else {
            pod_name
        };
        let mut r = rng_for(self.seed, T_HOLDER, wi as u64);
        let acquired = (self.pod_created(holder) + r.range(5, 60)).min(SNAPSHOT - 15);
        let created = (w.created + 5).min(acquired);
        let acquired_us = acquired * 1_000_000 + r.range(0, 999_999);
        let name = format!("{}-leader", w.name);
        Self::lease(
            e,
            self.seed,
            T_LEASE,
            wi as u64,
            &name,
            self.ns(w),
            created,
            &identity,
            acquired_us,
        );
    }

    // --- Workloads ---------------------------------------------------------

    fn workload_meta(
        &self,
        e: &mut Em,
        w: &Workload,
        tag: u64,
        wi: usize,
        with_hash: bool,
        annotations: &[(&str, &str)],
    ) {
        e.ko("metadata");
        if !annotations.is_empty() {
            e.ko("annotations");
            for (k, v) in annotations {
                e.ks(k, v);
            }
            e.end();
        }
        e.ks(
            "creationTimestamp",
            ts(w.created + i64::from(with_hash)).as_str(),
        );
        e.ki("generation", 1);
        e.ko("labels");
        e.ks("app", &w.name);
        if with_hash {
            e.ks("pod-template-hash", &w.hash);
        }
        e.end();
        e.ks(
            "name",
            &if with_hash {
                w.rs_name()
            } else {
                w.name.clone()
            },
        );
        e.ks("namespace", self.ns(w));
        if with_hash {
            e.kseq("ownerReferences");
            Self::owner_ref(
                e,
                "apps/v1",
                "Deployment",
                &w.name,
                Uuid::new(self.seed, T_DEPLOY, wi as u64).as_str(),
                true,
            );
            e.end();
        }
        e.ks("resourceVersion", &rv(self.seed, tag, wi as u64));
        e.ks("uid", Uuid::new(self.seed, tag, wi as u64).as_str());
        e.end();
    }

    fn write_statefulset(&self, e: &mut Em, wi: usize) {
        let w = &self.wls[wi];
        let revision = w.rs_name();
        e.obj();
        e.ks("apiVersion", "apps/v1");
        e.ks("kind", "StatefulSet");
        self.workload_meta(e, w, T_STS, wi, false, &[]);
        e.ko("spec");
        e.ko("persistentVolumeClaimRetentionPolicy");
        e.ks("whenDeleted", "Retain");
        e.ks("whenScaled", "Retain");
        e.end();
        e.ks(
            "podManagementPolicy",
            if w.parallel {
                "Parallel"
            } else {
                "OrderedReady"
            },
        );
        e.ki("replicas", i64::from(w.replicas));
        e.ki("revisionHistoryLimit", 10);
        Self::match_labels(e, "selector", w, false);
        e.ks("serviceName", &w.service());
        self.write_template(e, wi, false);
        e.ko("updateStrategy");
        e.ko("rollingUpdate");
        e.ki("partition", 0);
        e.end();
        e.ks("type", "RollingUpdate");
        e.end();
        e.kseq("volumeClaimTemplates");
        e.obj();
        e.ks("apiVersion", "v1");
        e.ks("kind", "PersistentVolumeClaim");
        e.ko("metadata");
        e.knull("creationTimestamp");
        e.ks("name", "data");
        e.end();
        e.ko("spec");
        Self::claim_spec(e, w);
        e.end();
        e.kks("status", "phase", "Pending");
        e.end();
        e.end();
        e.end();
        e.ko("status");
        if w.ready > 0 {
            e.ki("availableReplicas", i64::from(w.ready));
        }
        e.ki("collisionCount", 0);
        e.ki("currentReplicas", i64::from(w.replicas));
        e.ks("currentRevision", &revision);
        e.ki("observedGeneration", 1);
        if w.ready > 0 {
            e.ki("readyReplicas", i64::from(w.ready));
        }
        e.ki("replicas", i64::from(w.replicas));
        e.ks("updateRevision", &revision);
        e.ki("updatedReplicas", i64::from(w.replicas));
        e.end();
        e.end();
    }

    fn write_deployment(&self, e: &mut Em, wi: usize) {
        let w = &self.wls[wi];
        let replicas = i64::from(w.replicas);
        let max_unavailable = replicas / 4;
        let available = i64::from(w.ready) >= replicas - max_unavailable;
        let mut r = rng_for(self.seed, T_DEPLOY, wi as u64);
        let last = SNAPSHOT - r.range(3_600, (SNAPSHOT - w.created).max(7_200));
        e.obj();
        e.ks("apiVersion", "apps/v1");
        e.ks("kind", "Deployment");
        self.workload_meta(
            e,
            w,
            T_DEPLOY,
            wi,
            false,
            &[("deployment.kubernetes.io/revision", "1")],
        );
        e.ko("spec");
        e.ki("progressDeadlineSeconds", 600);
        e.ki("replicas", replicas);
        e.ki("revisionHistoryLimit", 10);
        Self::match_labels(e, "selector", w, false);
        e.ko("strategy");
        e.ko("rollingUpdate");
        e.ks("maxSurge", "25%");
        e.ks("maxUnavailable", "25%");
        e.end();
        e.ks("type", "RollingUpdate");
        e.end();
        self.write_template(e, wi, false);
        e.end();
        e.ko("status");
        if w.ready > 0 {
            e.ki("availableReplicas", i64::from(w.ready));
        }
        e.kseq("conditions");
        let progressed = format!(
            "ReplicaSet \"{}\" has successfully progressed.",
            w.rs_name()
        );
        for (at, message, reason, status, kind) in [
            if available {
                (
                    last,
                    "Deployment has minimum availability.",
                    "MinimumReplicasAvailable",
                    "True",
                    "Available",
                )
            } else {
                (
                    last,
                    "Deployment does not have minimum availability.",
                    "MinimumReplicasUnavailable",
                    "False",
                    "Available",
                )
            },
            (
                w.created + 40,
                progressed.as_str(),
                "NewReplicaSetAvailable",
                "True",
                "Progressing",
            ),
        ] {
            e.obj();
            e.ks("lastTransitionTime", ts(at).as_str());
            e.ks("lastUpdateTime", ts(at).as_str());
            e.ks("message", message);
            e.ks("reason", reason);
            e.ks("status", status);
            e.ks("type", kind);
            e.end();
        }
        e.end();
        e.ki("observedGeneration", 1);
        if w.ready > 0 {
            e.ki("readyReplicas", i64::from(w.ready));
        }
        e.ki("replicas", replicas);
        e.ki("updatedReplicas", replicas);
        e.end();
        e.end();
    }

    fn write_replicaset(&self, e: &mut Em, wi: usize) {
        let w = &self.wls[wi];
        let replicas = i64::from(w.replicas);
        let desired = replicas.to_string();
        let max = (replicas + (replicas + 3) / 4).to_string();
        e.obj();
        e.ks("apiVersion", "apps/v1");
        e.ks("kind", "ReplicaSet");
        self.workload_meta(
            e,
            w,
            T_RS,
            wi,
            true,
            &[
                ("deployment.kubernetes.io/desired-replicas", &desired),
                ("deployment.kubernetes.io/max-replicas", &max),
                ("deployment.kubernetes.io/revision", "1"),
            ],
        );
        e.ko("spec");
        e.ki("replicas", replicas);
        Self::match_labels(e, "selector", w, true);
        self.write_template(e, wi, true);
        e.end();
        e.ko("status");
        if w.ready > 0 {
            e.ki("availableReplicas", i64::from(w.ready));
        }
        e.ki("fullyLabeledReplicas", replicas);
        e.ki("observedGeneration", 1);
        if w.ready > 0 {
            e.ki("readyReplicas", i64::from(w.ready));
        }
        e.ki("replicas", replicas);
        e.end();
        e.end();
    }

    fn write_pdb(&self, e: &mut Em, wi: usize) {
        let w = &self.wls[wi];
        let Some(budget) = w.budget else { return };
        let expected = w.replicas;
        let desired = match budget {
            Budget::MinAvailable(m) => m,
            Budget::MaxUnavailable(u) => expected.saturating_sub(u),
        };
        let allowed = w.ready.saturating_sub(desired);
        let mut r = rng_for(self.seed, T_PDB, wi as u64);
        e.obj();
        e.ks("apiVersion", "policy/v1");
        e.ks("kind", "PodDisruptionBudget");
        e.ko("metadata");
        e.ks("creationTimestamp", ts(w.created).as_str());
        e.ki("generation", 1);
        e.kks("labels", "app", &w.name);
        e.ks("name", &format!("{}-pdb", w.name));
        e.ks("namespace", self.ns(w));
        e.ks("resourceVersion", &rv(self.seed, T_PDB, wi as u64));
        e.ks("uid", Uuid::new(self.seed, T_PDB, wi as u64).as_str());
        e.end();
        e.ko("spec");
        match budget {
            Budget::MaxUnavailable(u) => e.ki("maxUnavailable", i64::from(u)),
            Budget::MinAvailable(m) => e.ki("minAvailable", i64::from(m)),
        }
        Self::match_labels(e, "selector", w, false);
        e.end();
        e.ko("status");
        e.kseq("conditions");
        e.obj();
        e.ks(
            "lastTransitionTime",
            ts(SNAPSHOT - r.range(600, (SNAPSHOT - w.created).max(1_200))).as_str(),
        );
        e.ks("message", "");
        e.ki("observedGeneration", 1);
        e.ks(
            "reason",
            if allowed > 0 {
                "SufficientPods"
            } else {
                "InsufficientPods"
            },
        );
        e.ks("status", if allowed > 0 { "True" } else { "False" });
        e.ks("type", "DisruptionAllowed");
        e.end();
        e.end();
        e.ki("currentHealthy", i64::from(w.ready));
        e.ki("desiredHealthy", i64::from(desired));
        e.ki("disruptionsAllowed", i64::from(allowed));
        e.ki("expectedPods", i64::from(expected));
        e.ki("observedGeneration", 1);
        e.end();
        e.end();
    }
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Map, Value};
    use std::collections::{BTreeMap, HashSet};

    const KIND_ORDER: &[&str] = &[
        "Node",
        "Pod",
        "PersistentVolumeClaim",
        "PersistentVolume",
        "StorageClass",
        "Lease",
        "StatefulSet",
        "Deployment",
        "ReplicaSet",
        "PodDisruptionBudget",
    ];

    fn run(params: &GenerateParams, format: GenerateFormat) -> (Vec<u8>, GenerateStats) {
        let mut out = Vec::new();
        let stats = generate(params, format, &mut out).expect("generate");
        assert_eq!(stats.bytes, out.len() as u64);
        (out, stats)
    }

    fn s<'a>(v: &'a Value, path: &[&str]) -> &'a str {
        let mut cur = v;
        for k in path {
            cur = &cur[*k];
        }
        cur.as_str()
            .unwrap_or_else(|| panic!("{path:?} is not a string in {}", v["metadata"]["name"]))
    }

    fn millicpu(q: &str) -> u64 {
        match q.strip_suffix('m') {
            Some(m) => m.parse().unwrap(),
            None => q.parse::<u64>().unwrap() * 1000,
        }
    }

    fn expected_total(st: &GenerateStats) -> usize {
        // PVs = PVCs, ReplicaSets = Deployments, two StorageClasses.
        st.nodes
            + st.pods
            + 2 * st.pvcs
            + 2
            + st.leases
            + st.statefulsets
            + 2 * st.deployments
            + st.pdbs
    }

    #[test]
    fn for_pods_follows_the_published_limits() {
        assert_eq!(
            GenerateParams::for_pods(150_000),
            GenerateParams {
                nodes: 5_000,
                pods: 150_000,
                zones: 3,
                seed: 42
            }
        );
        assert_eq!(GenerateParams::for_pods(3_000).nodes, 100);
        assert_eq!(GenerateParams::for_pods(10).nodes, 3);
        assert_eq!(GenerateParams::for_pods(1_000_000).nodes, 5_000);
    }

    #[test]
    fn json_3000_pods_is_a_consistent_kubectl_list() {
        let params = GenerateParams::for_pods(3_000);
        let (bytes, st) = run(&params, GenerateFormat::Json);
        let text = std::str::from_utf8(&bytes).unwrap();
        assert!(text.starts_with("{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n        {\n            \"apiVersion\": \"v1\",\n            \"kind\": \"Node\",\n"));
        assert!(text.ends_with("\n    ],\n    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n"));

        let doc: Value = serde_json::from_slice(&bytes).expect("valid JSON");
        assert_eq!(doc["kind"], "List");
        let items = doc["items"].as_array().unwrap();
        assert_eq!(items.len(), expected_total(&st));

        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        let mut kinds_in_order: Vec<&str> = Vec::new();
        for it in items {
            let k = s(it, &["kind"]);
            *counts.entry(k).or_default() += 1;
            if kinds_in_order.last() != Some(&k) {
                kinds_in_order.push(k);
            }
        }
        assert_eq!(kinds_in_order, KIND_ORDER);
        assert_eq!(counts["Node"], 100);
        assert_eq!(st.nodes, 100);
        assert_eq!(counts["Pod"], 3_000);
        assert_eq!(counts["PersistentVolumeClaim"], st.pvcs);
        assert_eq!(counts["PersistentVolume"], st.pvcs);
        assert_eq!(counts["StorageClass"], 2);
        assert_eq!(counts["Lease"], st.leases);
        assert_eq!(counts["StatefulSet"], st.statefulsets);
        assert_eq!(counts["Deployment"], st.deployments);
        assert_eq!(counts["ReplicaSet"], st.deployments);
        assert_eq!(counts["PodDisruptionBudget"], st.pdbs);
        // ~35% of the pods in StatefulSets, one PVC each.
        assert!((1_000..=1_060).contains(&st.pvcs), "pvcs {}", st.pvcs);
        assert!(st.pdbs * 100 >= st.statefulsets * 55 && st.pdbs * 100 <= st.statefulsets * 85);

        let by_kind = |k: &'static str| items.iter().filter(move |it| it["kind"] == k);
        let key = |it: &Value| {
            format!(
                "{}/{}",
                it["metadata"]["namespace"].as_str().unwrap_or(""),
                s(it, &["metadata", "name"])
            )
        };

        // Nodes: zones round-robin, three control-plane nodes, a few broken or cordoned.
        let mut node_zone: HashMap<String, String> = HashMap::new();
        let mut node_index: HashMap<String, usize> = HashMap::new();
        let (mut control_plane, mut not_ready, mut cordoned) = (0, 0, 0);
        for (i, n) in by_kind("Node").enumerate() {
            let name = s(n, &["metadata", "name"]).to_string();
            assert_eq!(name, format!("node-{i:05}"));
            let zone = s(n, &["metadata", "labels", ZONE_LABEL]);
            assert_eq!(zone, ["zone-a", "zone-b", "zone-c"][i % 3]);
            assert_eq!(s(n, &["status", "nodeInfo", "kubeletVersion"]), "v1.33.1");
            assert_eq!(s(n, &["status", "allocatable", "pods"]), "110");
            control_plane += usize::from(
                n["metadata"]["labels"]
                    .get("node-role.kubernetes.io/control-plane")
                    .is_some(),
            );
            let ready = n["status"]["conditions"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["type"] == "Ready")
                .unwrap();
            not_ready += usize::from(ready["status"] != "True");
            cordoned += usize::from(n["spec"]["unschedulable"] == true);
            node_zone.insert(name.clone(), zone.to_string());
            node_index.insert(name, i);
        }
        assert_eq!((control_plane, not_ready, cordoned), (3, 1, 1));

        // Pods: on known nodes, within 110 pods and the allocatable CPU and memory.
        let mut per_node: HashMap<&str, (u32, u64)> = HashMap::new();
        let mut pod_node: HashMap<String, String> = HashMap::new();
        let mut pod_ips = HashSet::new();
        for pod in by_kind("Pod") {
            let node = s(pod, &["spec", "nodeName"]);
            assert!(
                node_zone.contains_key(node),
                "pod {} on unknown node {node}",
                key(pod)
            );
            assert!(node_index[node] >= 3, "pod on a tainted control-plane node");
            let e = per_node.entry(node).or_default();
            e.0 += 1;
            e.1 += millicpu(s(
                &pod["spec"]["containers"][0],
                &["resources", "requests", "cpu"],
            ));
            assert!(
                pod_ips.insert(s(pod, &["status", "podIP"]).to_string()),
                "duplicate pod IP"
            );
            assert_eq!(pod["metadata"]["ownerReferences"][0]["controller"], true);
            pod_node.insert(key(pod), node.to_string());
        }
        assert!(per_node.values().all(|&(n, cpu)| n <= 110 && cpu <= 16_000));

        // Owners: every pod's owner exists with the referenced uid; every RS is owned by its Deployment.
        let uid_of: HashMap<String, String> = items
            .iter()
            .filter(|it| it["metadata"]["namespace"].is_string())
            .map(|it| {
                (
                    format!("{}:{}", s(it, &["kind"]), key(it)),
                    s(it, &["metadata", "uid"]).to_string(),
                )
            })
            .collect();
        for it in by_kind("Pod").chain(by_kind("ReplicaSet")) {
            let owner = &it["metadata"]["ownerReferences"][0];
            let ns = s(it, &["metadata", "namespace"]);
            let id = format!("{}:{ns}/{}", s(owner, &["kind"]), s(owner, &["name"]));
            assert_eq!(
                uid_of.get(&id).map(String::as_str),
                Some(s(owner, &["uid"])),
                "owner of {}",
                key(it)
            );
        }

        // Storage: pod volume -> PVC -> PV -> claimRef back, PV zone = the pod's node zone.
        let pvs: HashMap<&str, &Value> = by_kind("PersistentVolume")
            .map(|pv| (s(pv, &["metadata", "name"]), pv))
            .collect();
        let pvcs: HashMap<String, &Value> = by_kind("PersistentVolumeClaim")
            .map(|c| (key(c), c))
            .collect();
        for pod in by_kind("Pod") {
            let ns = s(pod, &["metadata", "namespace"]);
            for vol in pod["spec"]["volumes"].as_array().unwrap() {
                if let Some(claim) = vol["persistentVolumeClaim"]["claimName"].as_str() {
                    let pvc = pvcs
                        .get(&format!("{ns}/{claim}"))
                        .unwrap_or_else(|| panic!("missing PVC {ns}/{claim}"));
                    let pv = pvs
                        .get(s(pvc, &["spec", "volumeName"]))
                        .expect("PVC bound to a missing PV");
                    assert_eq!(s(pv, &["spec", "claimRef", "name"]), claim);
                    assert_eq!(
                        s(pv, &["spec", "claimRef", "uid"]),
                        s(pvc, &["metadata", "uid"])
                    );
                    assert_eq!(
                        s(pv, &["spec", "claimRef", "resourceVersion"]),
                        s(pvc, &["metadata", "resourceVersion"])
                    );
                    let zone = pv["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"][0]["matchExpressions"][0]["values"][0]
                        .as_str()
                        .unwrap();
                    assert_eq!(zone, node_zone[s(pod, &["spec", "nodeName"])]);
                    assert_eq!(
                        s(pv, &["spec", "storageClassName"]),
                        s(pvc, &["spec", "storageClassName"])
                    );
                }
            }
        }
        for pvc in pvcs.values() {
            assert!(pvs.contains_key(s(pvc, &["spec", "volumeName"])));
        }

        // StatefulSets: zone spread holds where it is required; anti-affinity means distinct nodes.
        let mut skewed = 0;
        for sts in by_kind("StatefulSet") {
            let ns = s(sts, &["metadata", "namespace"]);
            let name = s(sts, &["metadata", "name"]);
            let replicas = sts["spec"]["replicas"].as_u64().unwrap();
            assert!(replicas == 3 || replicas == 5);
            let nodes: Vec<&String> = (0..replicas)
                .map(|i| &pod_node[&format!("{ns}/{name}-{i}")])
                .collect();
            let mut zones: HashMap<&str, u64> = HashMap::new();
            for n in &nodes {
                *zones.entry(node_zone[*n].as_str()).or_default() += 1;
            }
            let max = *zones.values().max().unwrap();
            let min = if zones.len() < 3 {
                0
            } else {
                *zones.values().min().unwrap()
            };
            let tpl = &sts["spec"]["template"]["spec"];
            if tpl.get("topologySpreadConstraints").is_some() {
                assert!(max - min <= 1, "{ns}/{name} breaks its spread constraint");
            }
            if tpl.get("affinity").is_some() {
                assert_eq!(nodes.iter().collect::<HashSet<_>>().len(), nodes.len());
            }
            skewed += usize::from(max > replicas / 2);
        }
        assert!(
            skewed > 0 && skewed * 100 <= st.statefulsets * 25,
            "skewed {skewed} of {}",
            st.statefulsets
        );

        // Leases: node leases, control-plane leases, and leaders held by a pod of the workload.
        let pod_names: HashSet<String> = by_kind("Pod").map(&key).collect();
        let (mut leaders, mut hot, mut with_uuid) = (0, 0, 0);
        for lease in by_kind("Lease") {
            let ns = s(lease, &["metadata", "namespace"]);
            let holder = s(lease, &["spec", "holderIdentity"]);
            let renew = s(lease, &["spec", "renewTime"]);
            if ns == "kube-node-lease" {
                assert!(node_zone.contains_key(holder));
                continue;
            }
            assert!(
                renew.starts_with("2026-11-20T09:59:5") && renew.len() == 27,
                "{renew}"
            );
            assert_eq!(lease["spec"]["leaseDurationSeconds"], 15);
            if ns == "kube-system" {
                continue;
            }
            leaders += 1;
            let pod = holder.split_once('_').map_or(holder, |(p, uuid)| {
                with_uuid += 1;
                assert_eq!(uuid.len(), 36);
                p
            });
            let lease_name = s(lease, &["metadata", "name"]);
            let workload = lease_name.strip_suffix("-leader").unwrap();
            assert!(
                pod.starts_with(&format!("{workload}-")),
                "{holder} does not belong to {workload}"
            );
            assert!(
                pod_names.contains(&format!("{ns}/{pod}")),
                "holder {holder} is not a pod"
            );
            hot += usize::from(node_index[&pod_node[&format!("{ns}/{pod}")]] < HOT_NODES);
        }
        assert!(leaders >= st.statefulsets && leaders <= st.statefulsets + st.deployments / 5);
        assert!(with_uuid > leaders / 4 && with_uuid < leaders * 3 / 4);
        assert!(
            hot * 100 >= leaders * 20 && hot * 100 <= leaders * 40,
            "{hot} of {leaders} leaders on hot nodes"
        );

        // PDB arithmetic.
        for pdb in by_kind("PodDisruptionBudget") {
            let stt = &pdb["status"];
            let allowed = stt["disruptionsAllowed"].as_i64().unwrap();
            let expect = (stt["currentHealthy"].as_i64().unwrap()
                - stt["desiredHealthy"].as_i64().unwrap())
            .max(0);
            assert_eq!(allowed, expect);
            if pdb["spec"]["maxUnavailable"] == 0 {
                assert_eq!(allowed, 0);
            }
        }
    }

    // A reader for the YAML subset kubectl prints, to compare the YAML with the JSON.
    fn yaml_to_value(src: &str) -> Value {
        let mut lines: Vec<(usize, &str)> = src
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let t = l.trim_start_matches(' ');
                (l.len() - t.len(), t)
            })
            .collect();
        let mut i = 0;
        let v = yaml_node(&mut lines, &mut i, 0);
        assert_eq!(i, lines.len(), "trailing YAML at line {i}");
        v
    }

    fn is_dash(t: &str) -> bool {
        t == "-" || t.starts_with("- ")
    }

    fn yaml_node(lines: &mut [(usize, &str)], i: &mut usize, indent: usize) -> Value {
        assert_eq!(
            lines[*i].0, indent,
            "bad indentation at line {i}: {:?}",
            lines[*i]
        );
        if is_dash(lines[*i].1) {
            yaml_seq(lines, i, indent)
        } else {
            yaml_map(lines, i, indent)
        }
    }

    fn yaml_seq(lines: &mut [(usize, &str)], i: &mut usize, indent: usize) -> Value {
        let mut out = Vec::new();
        while *i < lines.len() && lines[*i].0 == indent && is_dash(lines[*i].1) {
            let rest = lines[*i].1.get(2..).unwrap_or("");
            let is_entry = !rest.starts_with(['\'', '"', '{', '['])
                && (rest.contains(": ") || rest.ends_with(':'));
            if is_dash(rest) {
                lines[*i] = (indent + 2, rest);
                out.push(yaml_seq(lines, i, indent + 2));
            } else if is_entry {
                lines[*i] = (indent + 2, rest);
                out.push(yaml_map(lines, i, indent + 2));
            } else {
                *i += 1;
                out.push(yaml_scalar_lines(lines, i, indent, rest));
            }
        }
        Value::Array(out)
    }

    fn yaml_map(lines: &mut [(usize, &str)], i: &mut usize, indent: usize) -> Value {
        let mut m = Map::new();
        while *i < lines.len() && lines[*i].0 == indent && !is_dash(lines[*i].1) {
            let text = lines[*i].1;
            let (k, v) = match text.find(": ") {
                Some(p) => (&text[..p], &text[p + 2..]),
                None => (
                    text.strip_suffix(':')
                        .unwrap_or_else(|| panic!("not a key: {text:?}")),
                    "",
                ),
            };
            *i += 1;
            let val = if !v.is_empty() {
                yaml_scalar_lines(lines, i, indent, v)
            } else if *i < lines.len() && lines[*i].0 > indent {
                let child = lines[*i].0;
                yaml_node(lines, i, child)
            } else if *i < lines.len() && lines[*i].0 == indent && is_dash(lines[*i].1) {
                yaml_seq(lines, i, indent)
            } else {
                Value::Null
            };
            assert!(m.insert(k.to_string(), val).is_none(), "duplicate key {k}");
        }
        Value::Object(m)
    }

    /// A scalar and its folded continuation lines (deeper than `indent`).
    fn yaml_scalar_lines(
        lines: &[(usize, &str)],
        i: &mut usize,
        indent: usize,
        first: &str,
    ) -> Value {
        let mut text = first.to_string();
        while *i < lines.len() && lines[*i].0 > indent {
            text.push(' ');
            text.push_str(lines[*i].1);
            *i += 1;
        }
        match text.as_str() {
            "{}" => Value::Object(Map::new()),
            "[]" => Value::Array(Vec::new()),
            "null" => Value::Null,
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            t if t.starts_with('\'') => Value::String(t[1..t.len() - 1].replace("''", "'")),
            t if t.starts_with('"') => Value::String(
                t[1..t.len() - 1]
                    .replace("\\\"", "\"")
                    .replace("\\\\", "\\"),
            ),
            t => t
                .parse::<i64>()
                .map_or_else(|_| Value::String(t.to_string()), Value::from),
        }
    }

    #[test]
    fn yaml_3000_pods_has_the_same_items() {
        let params = GenerateParams::for_pods(3_000);
        let (bytes, st) = run(&params, GenerateFormat::Yaml);
        let text = std::str::from_utf8(&bytes).unwrap();
        assert!(text.starts_with("apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Node\n  metadata:\n    annotations:\n"));
        assert!(text.ends_with("\nkind: List\nmetadata:\n  resourceVersion: \"\"\n"));
        // Every item starts at column 0; a StorageClass's first key is `allowVolumeExpansion`.
        let items = text.lines().filter(|l| l.starts_with("- ")).count();
        assert_eq!(items, expected_total(&st));
        let with_api_version_first = text
            .lines()
            .filter(|l| l.starts_with("- apiVersion:"))
            .count();
        assert_eq!(with_api_version_first, expected_total(&st) - 2);
        assert_eq!(
            text.lines()
                .filter(|l| l.starts_with("- allowVolumeExpansion: true"))
                .count(),
            2
        );
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for l in text.lines().filter(|l| l.starts_with("  kind: ")) {
            *counts.entry(&l[8..]).or_default() += 1;
        }
        assert_eq!(counts["Node"], 100);
        assert_eq!(counts["Pod"], 3_000);
        assert_eq!(counts["PersistentVolumeClaim"], st.pvcs);
        assert_eq!(counts["PersistentVolume"], st.pvcs);
        assert_eq!(counts["Lease"], st.leases);
        assert_eq!(counts["StatefulSet"], st.statefulsets);
        assert_eq!(counts["ReplicaSet"], st.deployments);
        assert_eq!(counts["PodDisruptionBudget"], st.pdbs);
        // kubectl-style quoting.
        assert!(text.contains("\n      node.alpha.kubernetes.io/ttl: \"0\"\n"));
        assert!(text.contains("\n      cpu: \"16\"\n"));
        assert!(text.contains("\n      memory: 64Gi\n"));
        assert!(text.contains("\n    creationTimestamp: \"20"));
        assert!(
            text.contains("\n      csi.volume.kubernetes.io/nodeid: '{\"ebs.csi.aws.com\":\"i-0")
        );
        assert!(text.contains("\n        maxSurge: 25%\n"));
        assert!(text.contains("\n    - lastProbeTime: null\n"));
        // The NotReady node's long message is folded at 80 columns.
        assert!(text.contains("\n      message: 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady\n        message:Network plugin returns error: cni plugin not initialized'\n"));
        assert!(text.lines().all(|l| !l.ends_with(' ')));
    }

    #[test]
    fn yaml_and_json_describe_the_same_objects() {
        let params = GenerateParams {
            nodes: 800,
            pods: 2_400,
            zones: 3,
            seed: 7,
        };
        let (json, _) = run(&params, GenerateFormat::Json);
        let (yaml, _) = run(&params, GenerateFormat::Yaml);
        let from_json: Value = serde_json::from_slice(&json).unwrap();
        let from_yaml = yaml_to_value(std::str::from_utf8(&yaml).unwrap());
        let (a, b) = (
            from_json["items"].as_array().unwrap(),
            from_yaml["items"].as_array().unwrap(),
        );
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(b) {
            assert_eq!(x, y, "item {} differs", x["metadata"]["name"]);
        }
        assert_eq!(from_json, from_yaml);
    }

    #[test]
    fn same_seed_same_bytes() {
        let params = GenerateParams {
            nodes: 40,
            pods: 700,
            zones: 3,
            seed: 1234,
        };
        for format in [GenerateFormat::Json, GenerateFormat::Yaml] {
            let (a, sa) = run(&params, format);
            let (b, sb) = run(&params, format);
            assert!(a == b, "{format:?} output is not deterministic");
            assert_eq!(format!("{sa:?}"), format!("{sb:?}"));
            let (c, _) = run(
                &GenerateParams {
                    seed: 1235,
                    ..params
                },
                format,
            );
            assert!(a != c, "the seed changes nothing");
        }
    }

    #[test]
    fn small_and_degenerate_clusters() {
        // No pods: nodes, their leases and the storage classes only.
        let (json, st) = run(
            &GenerateParams {
                nodes: 3,
                pods: 0,
                zones: 3,
                seed: 1,
            },
            GenerateFormat::Json,
        );
        let doc: Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(doc["items"].as_array().unwrap().len(), 3 + 2 + 3 + 2);
        assert_eq!(
            (st.pods, st.statefulsets, st.deployments, st.leases),
            (0, 0, 0, 5)
        );
        // Tiny cluster: the control plane takes workloads, five replicas share three nodes.
        let (json, st) = run(&GenerateParams::for_pods(50), GenerateFormat::Json);
        let doc: Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(st.pods, 50);
        assert_eq!(doc["items"].as_array().unwrap().len(), expected_total(&st));
        // One zone, odd counts.
        let (_, st) = run(
            &GenerateParams {
                nodes: 7,
                pods: 101,
                zones: 1,
                seed: 3,
            },
            GenerateFormat::Yaml,
        );
        assert_eq!(st.pods, 101);
        // No nodes, or more pods than nodes can hold.
        let mut sink = io::sink();
        let err = generate(
            &GenerateParams {
                nodes: 0,
                pods: 5,
                zones: 3,
                seed: 1,
            },
            GenerateFormat::Json,
            &mut sink,
        );
        assert_eq!(err.unwrap_err().kind(), io::ErrorKind::InvalidInput);
        let err = generate(
            &GenerateParams {
                nodes: 10,
                pods: 2_000,
                zones: 3,
                seed: 1,
            },
            GenerateFormat::Json,
            &mut sink,
        );
        assert_eq!(err.unwrap_err().kind(), io::ErrorKind::InvalidInput);
    }

    #[test]
    fn yaml_quoting_follows_go_yaml() {
        use YamlStyle::*;
        for (text, style) in [
            ("", Double),
            ("0", Double),
            ("16", Double),
            ("110", Double),
            ("1.5", Double),
            ("-3", Double),
            ("0x1F", Double),
            ("1e3", Double),
            ("true", Double),
            ("False", Double),
            ("yes", Double),
            ("n", Double),
            ("null", Double),
            ("~", Double),
            ("2026-11-20T10:00:00Z", Double),
            ("1:30", Double),
            ("64Gi", Plain),
            ("100m", Plain),
            ("25%", Plain),
            ("10.0.0.16", Plain),
            ("10.64.0.0/24", Plain),
            ("v1.33.1", Plain),
            ("docker.io/library/postgres:16.4", Plain),
            ("1762419321874-9187-ebs.csi.aws.com", Plain),
            ("ReplicaSet \"x\" has successfully progressed.", Plain),
            ("a#b", Plain),
            ("{\"a\":\"b\"}", Single),
            ("a: b", Single),
            ("a #b", Single),
            ("- x", Single),
            ("*", Single),
            ("'q'", Single),
            ("x ", Single),
        ] {
            assert_eq!(yaml_style(text), style, "{text:?}");
        }
    }

    #[test]
    fn json_strings_are_escaped_like_go() {
        let mut buf = Vec::new();
        json_str(&mut buf, "a\"b\\c\nd\t<&>\u{1}\u{2028}é");
        assert_eq!(
            std::str::from_utf8(&buf).unwrap(),
            r#""a\"b\\c\nd\t\u003c\u0026\u003e\u0001\u2028é""#
        );
    }

    #[test]
    fn timestamps() {
        assert_eq!(ts(SNAPSHOT).as_str(), "2026-11-20T10:00:00Z");
        assert_eq!(ts(0).as_str(), "1970-01-01T00:00:00Z");
        assert_eq!(ts(951_782_400).as_str(), "2000-02-29T00:00:00Z");
        assert_eq!(
            ts_micros(SNAPSHOT * 1_000_000 - 4_876_544).as_str(),
            "2026-11-20T09:59:55.123456Z"
        );
    }

    #[test]
    fn emitter_handles_empty_and_nested_containers() {
        for (yaml, expected) in [
            (
                false,
                "{\n    \"a\": {},\n    \"b\": [],\n    \"c\": [\n        [\n            1\n        ],\n        {}\n    ]\n}\n",
            ),
            (true, "a: {}\nb: []\nc:\n- - 1\n- {}\n"),
        ] {
            let mut out = Vec::new();
            let mut e = Em::new(&mut out, yaml);
            e.obj();
            e.ko("a");
            e.end();
            e.kseq("b");
            e.end();
            e.kseq("c");
            e.seq();
            e.int(1);
            e.end();
            e.obj();
            e.end();
            e.end();
            e.end();
            e.finish().unwrap();
            assert_eq!(std::str::from_utf8(&out).unwrap(), expected);
        }
    }

    /// Sizes and timings at Kubernetes' limits:
    /// `cargo test --release -- --ignored --nocapture limits_report`.
    #[test]
    #[ignore]
    fn limits_report() {
        let params = GenerateParams::for_pods(150_000);
        let plan = Plan::build(&params).unwrap();
        let leased: Vec<&Workload> = plan.wls.iter().filter(|w| w.lease).collect();
        let hot = leased
            .iter()
            .filter(|w| (plan.pods[w.holder as usize].node as usize) < HOT_NODES)
            .count();
        eprintln!(
            "leader leases: {} ({} on the first {HOT_NODES} nodes, {:.1}%)",
            leased.len(),
            hot,
            100.0 * hot as f64 / leased.len() as f64
        );
        // Pod sizes inside the list (8 columns deep, as in the export) and alone (as
        // `kubectl get pod NAME -o json` prints one).
        let mut out = Vec::new();
        let mut e = Em::new(&mut out, false);
        e.obj();
        e.kseq("items");
        let mut in_list = 0u64;
        for p in 0..plan.pods.len() {
            let before = e.buf.len();
            plan.write_pod(&mut e, p);
            in_list += (e.buf.len() - before) as u64;
            e.buf.clear();
        }
        drop(e);
        let mut alone = 0u64;
        for p in 0..plan.pods.len() {
            let mut out = Vec::new();
            let mut e = Em::new(&mut out, false);
            plan.write_pod(&mut e, p);
            alone += e.finish().unwrap();
        }
        let n = plan.pods.len() as f64;
        eprintln!(
            "average pod JSON: {:.0} bytes in the list, {:.0} bytes alone",
            in_list as f64 / n,
            alone as f64 / n
        );
        for format in [GenerateFormat::Json, GenerateFormat::Yaml] {
            let path = std::env::temp_dir().join(format!("quorum-generate-{format:?}.out"));
            let file = std::fs::File::create(&path).unwrap();
            let mut w = io::BufWriter::new(file);
            let t = std::time::Instant::now();
            let st = generate(&params, format, &mut w).unwrap();
            drop(w);
            let file_time = t.elapsed();
            let t = std::time::Instant::now();
            generate(&params, format, &mut io::sink()).unwrap();
            let sink_time = t.elapsed();
            std::fs::remove_file(&path).unwrap();
            eprintln!(
                "{format:?}: {} bytes ({:.1} MiB), {:.2?} to a file, {:.2?} to a sink; {st:?}",
                st.bytes,
                st.bytes as f64 / (1 << 20) as f64,
                file_time,
                sink_time
            );
        }
    }
}
