//! Fixed facts of the generated cluster: its limits, names, images and workload roles.

pub(crate) const MAX_NODES: usize = 5_000;
pub(crate) const PODS_PER_NODE: usize = 30;
pub(crate) const MAX_PODS: u32 = 110;
pub(crate) const NODE_CPU_M: u32 = 16_000;
pub(crate) const NODE_MEM_MI: u32 = 64 * 1024;
pub(crate) const NAMESPACES: usize = 50;
/// Leaders are concentrated on the nodes with an index below this.
pub(crate) const HOT_NODES: usize = 20;
/// Share of leader leases whose holder is placed on a hot node (when there is room).
pub(crate) const HOT_LEADERS_PER_MILLE: u64 = 300;
pub(crate) const STS_PERCENT: usize = 35;
pub(crate) const KUBE_VERSION: &str = "v1.33.1";
pub(crate) const REGION: &str = "region-1";
pub(crate) const ZONE_LABEL: &str = "topology.kubernetes.io/zone";
pub(crate) const HOST_LABEL: &str = "kubernetes.io/hostname";
pub(crate) const CSI_DRIVER: &str = "ebs.csi.aws.com";
pub(crate) const CSI_IDENTITY: &str = "1762419321874-9187-ebs.csi.aws.com";
pub(crate) const VOLUME_SIZE: &str = "10Gi";
pub(crate) const SA_MOUNT: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

pub(crate) const INSTANCE_TYPES: &[&str] =
    &["m6i.4xlarge", "m6a.4xlarge", "m7i.4xlarge", "m5.4xlarge"];

pub(crate) struct StsRole {
    pub(crate) name: &'static str,
    pub(crate) image: &'static str,
    pub(crate) port: i64,
    pub(crate) port_name: &'static str,
    pub(crate) data_path: &'static str,
}

pub(crate) const STS_ROLES: &[StsRole] = &[
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

pub(crate) const DEPLOY_ROLES: &[&str] = &[
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

pub(crate) const TEAMS: &[&str] = &[
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
pub(crate) const NODE_IMAGES: &[(&str, &str, i64)] = &[
    (
        "public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver",
        "v1.37.0",
        31_872_315,
    ),
    ("registry.k8s.io/kube-proxy", KUBE_VERSION, 30_905_106),
    ("registry.k8s.io/coredns/coredns", "v1.12.0", 20_939_036),
    ("registry.k8s.io/pause", "3.10", 320_368),
];
