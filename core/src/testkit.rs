//! Small clusters written as YAML in tests, so every rule is checked on a cluster small enough to
//! check by hand. Only compiled for tests.

use crate::analysis::{Analysis, analyze};
use crate::config::Config;
use crate::graph::Topology;
use crate::model::Snapshot;

/// A cluster under construction, as kubectl YAML documents.
#[derive(Default, Clone, Debug)]
pub struct ClusterYaml {
    docs: Vec<String>,
}

impl ClusterYaml {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn raw(mut self, yaml: &str) -> Self {
        self.docs.push(yaml.trim_matches('\n').to_string());
        self
    }

    /// A ready worker node in a zone (region `r1`).
    pub fn node(self, name: &str, zone: &str) -> Self {
        self.raw(&format!(
            "apiVersion: v1\nkind: Node\nmetadata:\n  name: {name}\n  labels:\n    kubernetes.io/hostname: {name}\n    topology.kubernetes.io/zone: {zone}\n    topology.kubernetes.io/region: r1\nstatus:\n  allocatable: {{cpu: '8', memory: 32Gi, pods: '110'}}\n  conditions:\n  - {{type: Ready, status: 'True'}}\n"
        ))
    }

    /// A StatefulSet with `replicas` and optional extra template spec lines (already indented by
    /// six spaces), e.g. topologySpreadConstraints.
    pub fn statefulset(self, ns: &str, name: &str, replicas: u32, template_spec: &str) -> Self {
        self.raw(&format!(
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels: {{app: {name}}}\n  template:\n    metadata:\n      labels: {{app: {name}}}\n    spec:\n      containers: [{{name: c}}]\n{template_spec}"
        ))
    }

    pub fn deployment(self, ns: &str, name: &str, replicas: u32) -> Self {
        self.raw(&format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels: {{app: {name}}}\n  template:\n    metadata:\n      labels: {{app: {name}}}\n    spec:\n      containers: [{{name: c}}]\n"
        ))
    }

    /// A running pod owned by a StatefulSet (`owner_kind` StatefulSet) or a ReplicaSet.
    pub fn pod(
        self,
        ns: &str,
        name: &str,
        owner_kind: &str,
        owner: &str,
        app: &str,
        node: &str,
    ) -> Self {
        self.pod_with(ns, name, owner_kind, owner, app, Some(node), "")
    }

    #[allow(clippy::too_many_arguments)]
    pub fn pod_with(
        self,
        ns: &str,
        name: &str,
        owner_kind: &str,
        owner: &str,
        app: &str,
        node: Option<&str>,
        extra_spec: &str,
    ) -> Self {
        let node_line = node
            .map(|n| format!("  nodeName: {n}\n"))
            .unwrap_or_default();
        let phase = if node.is_some() { "Running" } else { "Pending" };
        self.raw(&format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  namespace: {ns}\n  labels: {{app: {app}}}\n  ownerReferences:\n  - {{apiVersion: apps/v1, kind: {owner_kind}, name: {owner}, controller: true}}\nspec:\n{node_line}  containers: [{{name: c}}]\n{extra_spec}status:\n  phase: {phase}\n  conditions:\n  - {{type: Ready, status: '{}'}}\n",
            if node.is_some() { "True" } else { "False" }
        ))
    }

    /// A bound PVC and a PV pinned to a zone (`zone:eu-a`) or a node (`node:a1`).
    pub fn volume(self, ns: &str, claim: &str, pv: &str, class: &str, pin: &str) -> Self {
        let (key, value) = match pin.split_once(':') {
            Some(("zone", z)) => ("topology.kubernetes.io/zone", z),
            Some(("node", n)) => ("kubernetes.io/hostname", n),
            _ => panic!("pin is zone:NAME or node:NAME"),
        };
        let local = if key == "kubernetes.io/hostname" {
            "  local: {path: /mnt/disk}\n"
        } else {
            "  csi: {driver: ebs.csi.aws.com, volumeHandle: vol-1}\n"
        };
        self.raw(&format!(
            "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: {claim}\n  namespace: {ns}\nspec:\n  storageClassName: {class}\n  volumeName: {pv}\n  resources: {{requests: {{storage: 10Gi}}}}\nstatus: {{phase: Bound}}\n"
        ))
        .raw(&format!(
            "apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: {pv}\nspec:\n  capacity: {{storage: 10Gi}}\n  storageClassName: {class}\n  claimRef: {{namespace: {ns}, name: {claim}}}\n{local}  nodeAffinity:\n    required:\n      nodeSelectorTerms:\n      - matchExpressions:\n        - {{key: {key}, operator: In, values: [{value}]}}\nstatus: {{phase: Bound}}\n"
        ))
    }

    pub fn storage_class(self, name: &str, provisioner: &str, binding: &str) -> Self {
        self.raw(&format!(
            "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: {name}\nprovisioner: {provisioner}\nvolumeBindingMode: {binding}\n"
        ))
    }

    /// A PDB selecting `app`, with `minAvailable: N` or `maxUnavailable: N` given as a spec line.
    pub fn pdb(self, ns: &str, name: &str, app: &str, rule: &str) -> Self {
        self.raw(&format!(
            "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec:\n  {rule}\n  selector:\n    matchLabels: {{app: {app}}}\n"
        ))
    }

    pub fn lease(self, ns: &str, name: &str, holder: &str, renew: &str) -> Self {
        self.raw(&format!(
            "apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec:\n  holderIdentity: {holder}\n  leaseDurationSeconds: 15\n  renewTime: '{renew}'\n"
        ))
    }

    pub fn yaml(&self) -> String {
        self.docs.join("\n---\n")
    }

    pub fn snapshot(&self) -> Snapshot {
        let text = self.yaml();
        crate::load::load_texts(&[("default", "test.yaml", text.as_bytes())])
    }

    pub fn topology(&self) -> Topology {
        Topology::build(&self.snapshot(), &Default::default())
    }

    pub fn analysis(&self) -> Analysis {
        let snapshot = self.snapshot();
        assert_eq!(snapshot.error_count(), 0, "{:?}", snapshot.inputs);
        analyze(
            &Topology::build(&snapshot, &Default::default()),
            &Config::default(),
        )
    }
}

/// Several clusters from their YAML.
pub fn multi(clusters: &[(&str, &ClusterYaml)]) -> (Topology, Analysis) {
    let texts: Vec<(String, String)> = clusters
        .iter()
        .map(|(n, c)| (n.to_string(), c.yaml()))
        .collect();
    let refs: Vec<(&str, &str, &[u8])> = texts
        .iter()
        .map(|(n, t)| (n.as_str(), n.as_str(), t.as_bytes()))
        .collect();
    let snapshot = crate::load::load_texts(&refs);
    let t = Topology::build(&snapshot, &Default::default());
    let a = analyze(&t, &Config::default());
    (t, a)
}

/// A three-replica StatefulSet `db/pg` with its pods on the given nodes.
pub fn pg_on(nodes: &[&str]) -> ClusterYaml {
    let mut c = ClusterYaml::new().statefulset("db", "pg", nodes.len() as u32, "");
    for (i, n) in nodes.iter().enumerate() {
        c = c.pod("db", &format!("pg-{i}"), "StatefulSet", "pg", "pg", n);
    }
    c
}

/// Nodes a1, a2 in zone eu-a, b1, b2 in eu-b, c1, c2 in eu-c.
pub fn three_zones() -> ClusterYaml {
    ClusterYaml::new()
        .node("a1", "eu-a")
        .node("a2", "eu-a")
        .node("b1", "eu-b")
        .node("b2", "eu-b")
        .node("c1", "eu-c")
        .node("c2", "eu-c")
}

impl std::ops::Add for ClusterYaml {
    type Output = ClusterYaml;
    fn add(mut self, other: ClusterYaml) -> ClusterYaml {
        self.docs.extend(other.docs);
        self
    }
}
