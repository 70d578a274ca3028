//! The writers of the objects, one module per kind, and what they share (owner references,
//! label selectors, addresses, quantities, image digests).
//!
//! Each writer takes the [`Plan`](crate::plan::Plan) and an index, draws the object's remaining
//! details from the object's own random stream, and writes the object through [`Em`], keys in
//! kubectl's order.

mod lease;
mod node;
mod pdb;
mod pod;
mod pod_spec;
mod storage;
mod workload;

pub(crate) use lease::{write_control_plane_leases, write_leader_lease, write_node_lease};
pub(crate) use node::write_node;
pub(crate) use pdb::write_pdb;
pub(crate) use pod::write_pod;
pub(crate) use storage::{write_pv, write_pvc, write_storage_class};
pub(crate) use workload::{write_deployment, write_replicaset, write_statefulset};

use crate::emit::Em;
use crate::plan::Workload;
use crate::rng::{T_IMAGE, hex, rng_for, str_hash};

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

fn owner_ref(e: &mut Em, api_version: &str, kind: &str, name: &str, uid: &str, controller: bool) {
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
fn scrape_annotations(e: &mut Em) {
    e.ko("annotations");
    e.ks("prometheus.io/port", "8080");
    e.ks("prometheus.io/scrape", "true");
    e.end();
}
