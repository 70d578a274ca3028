//! The `quorum-testapi` program: what its options make it serve, seen through the kubeconfig it
//! writes, as a user starting it by hand would see it.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};

/// The program running until dropped.
struct Program(Child);

impl Drop for Program {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the program with `options` on the three-zones sample and waits for its `ready` line.
fn start(options: &[&str], kubeconfig: &Path) -> Program {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples/three-zones");
    let mut child = Command::new(env!("CARGO_BIN_EXE_quorum-testapi"))
        .args(options)
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .arg(sample)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("quorum-testapi starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.starts_with("ready https://127.0.0.1:"), "{line}");
    Program(child)
}

async fn client(kubeconfig: &Path) -> Client {
    let kubeconfig = Kubeconfig::read_from(kubeconfig).expect("kubeconfig parses");
    let config = Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default())
        .await
        .expect("kubeconfig is valid");
    Client::try_from(config).expect("client")
}

fn group_versions(
    groups: &k8s_openapi::apimachinery::pkg::apis::meta::v1::APIGroupList,
) -> Vec<String> {
    groups
        .groups
        .iter()
        .flat_map(|g| g.versions.iter().map(|v| v.group_version.clone()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_and_serve_at_change_what_discovery_and_the_paths_serve() {
    quorum_testapi::install_crypto_provider();
    let dir = tempfile::tempdir().unwrap();
    let (old, none) = (dir.path().join("old"), dir.path().join("none"));
    let _old = start(&["--serve-at", "poddisruptionbudgets=v1beta1"], &old);
    let _none = start(
        &["--without", "poddisruptionbudgets", "--without", "leases"],
        &none,
    );

    let old = client(&old).await;
    let served = group_versions(&old.list_api_groups().await.unwrap());
    assert!(served.contains(&"policy/v1beta1".to_string()), "{served:?}");
    assert!(!served.contains(&"policy/v1".to_string()), "{served:?}");
    let budgets = old
        .list_api_group_resources("policy/v1beta1")
        .await
        .unwrap();
    assert_eq!(budgets.resources[0].name, "poddisruptionbudgets");

    let none = client(&none).await;
    let served = group_versions(&none.list_api_groups().await.unwrap());
    assert!(
        !served.iter().any(|gv| gv.starts_with("policy/")),
        "{served:?}"
    );
    assert!(
        !served
            .iter()
            .any(|gv| gv.starts_with("coordination.k8s.io/")),
        "{served:?}"
    );
    assert!(served.contains(&"apps/v1".to_string()), "{served:?}");
    let request = axum::http::Request::get("/apis/policy/v1/poddisruptionbudgets")
        .body(Vec::new())
        .unwrap();
    match none.request_text(request).await {
        Err(kube::Error::Api(status)) => assert_eq!(status.code, 404),
        other => panic!("expected a 404, got {other:?}"),
    }
}
