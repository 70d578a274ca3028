//! Storage: a PersistentVolumeClaim per StatefulSet replica, bound to a zonal EBS volume
//! provisioned by the CSI driver, and the two StorageClasses (`gp3`, the default and
//! WaitForFirstConsumer; `gp2`, Immediate).

use crate::consts::{CSI_DRIVER, CSI_IDENTITY, VOLUME_SIZE, ZONE_LABEL};
use crate::emit::Em;
use crate::plan::{Plan, Workload};
use crate::rng::{T_PV, T_PVC, T_SC, Uuid, hex, rng_for, rv};
use crate::time::{DAY, SNAPSHOT, ts};

pub(crate) fn claim_spec(e: &mut Em, w: &Workload) {
    e.kstrs("accessModes", &["ReadWriteOnce"]);
    e.ko("resources");
    e.kks("requests", "storage", VOLUME_SIZE);
    e.end();
    e.ks("storageClassName", w.storage_class());
    e.ks("volumeMode", "Filesystem");
}

pub(crate) fn write_pvc(plan: &Plan, e: &mut Em, p: usize) {
    let pod = &plan.pods[p];
    let w = plan.wl_of(p);
    let pvc_uid = Uuid::new(plan.seed, T_PVC, p as u64);
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
            &plan.node_names[pod.node as usize],
        );
    }
    e.ks("volume.kubernetes.io/storage-provisioner", CSI_DRIVER);
    e.end();
    e.ks("creationTimestamp", ts(plan.pvc_created(p)).as_str());
    e.kstrs("finalizers", &["kubernetes.io/pvc-protection"]);
    e.kks("labels", "app", &w.name);
    e.ks("name", &format!("data-{}", plan.pod_name(p)));
    e.ks("namespace", plan.ns(w));
    e.ks("resourceVersion", &rv(plan.seed, T_PVC, p as u64));
    e.ks("uid", pvc_uid.as_str());
    e.end();
    e.ko("spec");
    claim_spec(e, w);
    e.ks("volumeName", &format!("pvc-{}", pvc_uid.as_str()));
    e.end();
    e.ko("status");
    e.kstrs("accessModes", &["ReadWriteOnce"]);
    e.kks("capacity", "storage", VOLUME_SIZE);
    e.ks("phase", "Bound");
    e.end();
    e.end();
}

pub(crate) fn write_pv(plan: &Plan, e: &mut Em, p: usize) {
    let pod = &plan.pods[p];
    let w = plan.wl_of(p);
    let pvc_uid = Uuid::new(plan.seed, T_PVC, p as u64);
    let mut r = rng_for(plan.seed, T_PV, p as u64);
    let created = plan.pvc_created(p) + r.range(2, 8);
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
    e.ks("resourceVersion", &rv(plan.seed, T_PV, p as u64));
    e.ks("uid", Uuid::new(plan.seed, T_PV, p as u64).as_str());
    e.end();
    e.ko("spec");
    e.kstrs("accessModes", &["ReadWriteOnce"]);
    e.kks("capacity", "storage", VOLUME_SIZE);
    e.ko("claimRef");
    e.ks("apiVersion", "v1");
    e.ks("kind", "PersistentVolumeClaim");
    e.ks("name", &format!("data-{}", plan.pod_name(p)));
    e.ks("namespace", plan.ns(w));
    e.ks("resourceVersion", &rv(plan.seed, T_PVC, p as u64));
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
    e.kstrs("values", &[plan.zone_of(pod.node)]);
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

pub(crate) fn write_storage_class(plan: &Plan, e: &mut Em, name: &str) {
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
    e.ks("resourceVersion", &rv(plan.seed, T_SC, idx));
    e.ks("uid", Uuid::new(plan.seed, T_SC, idx).as_str());
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
