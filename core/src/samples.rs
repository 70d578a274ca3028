//! The sample clusters, built into the binaries so `quorum demo` works from any directory.

use crate::model::Snapshot;

pub struct Sample {
    pub name: &'static str,
    pub description: &'static str,
    /// (cluster, path as shown in reports, text)
    pub files: &'static [(&'static str, &'static str, &'static str)],
}

macro_rules! sample_file {
    ($cluster:expr, $path:literal) => {
        (
            $cluster,
            concat!("samples/", $path),
            include_str!(concat!("../../samples/", $path)),
        )
    };
}

pub const SAMPLES: &[Sample] = &[
    Sample {
        name: "three-zones",
        description: "three zones, a StatefulSet skewed into one zone, a pile-up of leaders on one node",
        files: &[sample_file!("default", "three-zones/cluster.yaml")],
    },
    Sample {
        name: "two-dcs",
        description: "two data centres as two clusters: a dual-active workload and a 2+2 StatefulSet",
        files: &[
            sample_file!("dc-a", "two-dcs/dc-a.yaml"),
            sample_file!("dc-b", "two-dcs/dc-b.yaml"),
        ],
    },
    Sample {
        name: "broken-storage",
        description: "a PV in a zone without nodes, local volumes, Immediate binding, a PDB that blocks drains",
        files: &[sample_file!("default", "broken-storage/cluster.yaml")],
    },
    Sample {
        name: "healthy",
        description: "a healthy reference: spread replicas, spread leaders, budgets in place",
        files: &[sample_file!("default", "healthy/cluster.yaml")],
    },
];

pub const DRILLS: &[(&str, &str)] = &[
    (
        "three-zones",
        include_str!("../../samples/drills/three-zones-lose-a.yaml"),
    ),
    (
        "two-dcs",
        include_str!("../../samples/drills/two-dcs-lose-dc-a-1.yaml"),
    ),
    (
        "broken-storage",
        include_str!("../../samples/drills/broken-storage-drain-elastic-node.yaml"),
    ),
    (
        "healthy",
        include_str!("../../samples/drills/healthy-lose-b.yaml"),
    ),
];

pub fn find(name: &str) -> Option<&'static Sample> {
    SAMPLES.iter().find(|s| s.name == name)
}

impl Sample {
    pub fn load(&self) -> Snapshot {
        let texts: Vec<(&str, &str, &[u8])> = self
            .files
            .iter()
            .map(|(cluster, path, text)| (*cluster, *path, text.as_bytes()))
            .collect();
        crate::load::load_texts(&texts)
    }
}
