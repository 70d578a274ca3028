//! StorageClasses that pick a volume's zone before the pod is scheduled.

use super::*;

pub const CHECK: Check = Check {
    id: "storageclass-immediate-binding",
    severity: Severity::Warning,
    summary: "A StorageClass with Immediate binding provisions zonal volumes in a multi-zone cluster.",
    help: "Create a copy of the class with volumeBindingMode: WaitForFirstConsumer (classes are \
           immutable) and move claims to it.",
    run: Some(run),
    per_group: None,
};

/// Provisioners whose volumes live in one zone.
pub(crate) fn zonal_provisioner(provisioner: &str) -> bool {
    matches!(
        provisioner,
        "ebs.csi.aws.com"
            | "kubernetes.io/aws-ebs"
            | "pd.csi.storage.gke.io"
            | "kubernetes.io/gce-pd"
            | "disk.csi.azure.com"
            | "kubernetes.io/azure-disk"
            | "cinder.csi.openstack.org"
            | "kubernetes.io/cinder"
            | "csi.vsphere.vmware.com"
    )
}

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let t = ctx.topology;
    let mut out = Vec::new();
    for c in &t.classes {
        let class = &c.class;
        if class.wait_for_first_consumer || class.regional {
            continue;
        }
        let zonal_pvs = c
            .pvs
            .iter()
            .filter(|pv| matches!(t.pvs[pv.index()].pin, Pin::Zones(_)))
            .count();
        let zonal = zonal_pvs > 0 || zonal_provisioner(&class.provisioner);
        if !zonal {
            continue;
        }
        if let Some(allowed) = &class.allowed_topologies
            && allowed
                .terms
                .iter()
                .flat_map(|t| &t.expressions)
                .map(|r| r.values.len())
                .sum::<usize>()
                == 1
        {
            continue;
        }
        let zones = t.known_zone_count(c.cluster);
        let no_nodes = t.clusters[c.cluster.index()].zones.is_empty();
        let (severity, context) = if zones > 1 {
            (Severity::Warning, format!("in a cluster of {zones} zones"))
        } else if no_nodes {
            (
                Severity::Info,
                "(no nodes in the input: if the cluster spans zones)".to_string(),
            )
        } else {
            continue;
        };
        let used = if zonal_pvs > 0 {
            format!(
                " {} of this class {} zonal.",
                crate::contract::count(zonal_pvs, "volume", "volumes"),
                if zonal_pvs == 1 { "is" } else { "are" }
            )
        } else {
            String::new()
        };
        let message = format!(
            "binds volumes Immediately {context}: a volume's zone is chosen before its pod is \
             scheduled, so a replica can get a disk in a zone where it cannot run, or where its \
             anti-affinity or spread forbids it.{used} Classes are immutable: create a copy with \
             volumeBindingMode: WaitForFirstConsumer (and allowedTopologies listing your zones), and \
             move new claims to it.",
        );
        out.push(ctx.finding(
            CHECK.id,
            severity,
            c.cluster,
            "StorageClass",
            &class.meta,
            Some(&c.source),
            message,
        ));
    }
    out
}
