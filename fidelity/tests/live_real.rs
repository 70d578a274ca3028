//! The live tests of tui/tests/live.rs and core/tests/live.rs that mean something on a real
//! control plane (controlplane/: kube-apiserver, etcd, kube-controller-manager and kube-scheduler
//! of the newest release the suite keeps, v1.37, KWOK playing the kubelets, all on 127.0.0.1): the paged read and its export, a watch
//! event and a real 410, apply's dry run, a budget the real disruption controller computed, a
//! real 409, the RBAC manifests of deploy/ and a revoked token. Through the `quorum` binary where
//! a user would go, through `quorum_core::live` where the test needs a hook.
//!
//! Each test starts its own control plane (about 8 s) with fidelity/fixtures/live/ applied, and
//! returns early (skips) when controlplane/build.sh never ran, unless
//! QUORUM_REQUIRE_TOOLS=1 makes that a failure. Every wait has a deadline.

mod common;

use predicates::prelude::*;
use quorum_core::live;
use quorum_core::live::apply::{self as run, ApplyOptions};
use quorum_core::model::Kind;
use quorum_fidelity::Start;
use serde_json::{Value, json};

use common::network::{Relay, compact_etcd};
use common::session::{holder, lists, options, snapshot_with, start_session, strip_sources};
use common::{
    CONTEXT, WAIT, exists, journal, json_of, kubectl, kubectl_json, kubectl_output, lease_fields,
    micro_time, patch_lease, quorum, real, repo, wait_until,
};

#[test]
fn analyze_on_the_context_streamed_equals_analyze_on_its_export_in_pages_of_two() {
    let Some(real) = real(Start::short()) else {
        return;
    };
    let kc = real.kubeconfig();
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let live = quorum()
        .args(["analyze", "--context", CONTEXT, "--kubeconfig"])
        .arg(&kc)
        .args(["--page-size", "2", "--now", &now, "-o", "json"])
        .output()
        .unwrap();
    assert!(
        live.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&live.stderr)
    );
    let export = real.path("export");
    let exported = quorum()
        .args([
            "export",
            "--context",
            CONTEXT,
            "--page-size",
            "2",
            "--kubeconfig",
        ])
        .arg(&kc)
        .arg(&export)
        .output()
        .unwrap();
    assert!(exported.status.success());
    // "quorum-real: 43 objects in 14 files under DIR (29 list requests)": the real server pages.
    let said = String::from_utf8_lossy(&exported.stdout).to_string();
    let number_before = |word: &str| -> u64 {
        let at = said
            .find(word)
            .unwrap_or_else(|| panic!("{word:?} in {said}"));
        said[..at]
            .split_whitespace()
            .last()
            .and_then(|n| n.trim_start_matches('(').parse().ok())
            .unwrap_or_else(|| panic!("a number before {word:?} in {said}"))
    };
    let (objects, files, pages) = (
        number_before(" objects"),
        number_before(" files"),
        number_before(" list requests"),
    );
    assert!(
        pages >= objects / 2 && pages > files,
        "pages of 2 need continue tokens: {said}"
    );
    let from_files = quorum()
        .args(["analyze", "--now", &now, "-o", "json", "--cluster"])
        .arg(format!("{CONTEXT}={}", export.display()))
        .output()
        .unwrap();
    assert_eq!(live.status.code(), from_files.status.code());
    let (mut a, mut b) = (json_of(&live.stdout), json_of(&from_files.stdout));
    for v in [&mut a, &mut b] {
        v.as_object_mut().unwrap().remove("inputs");
        strip_sources(v);
    }
    assert_eq!(a, b);
    let groups: Vec<&str> = a["groups"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|g| g["name"].as_str())
        .collect();
    assert_eq!(groups, ["db/pg", "db/api"]);
    assert_eq!(a["leaders"]["per_zone"]["eu-a"], 2, "{}", a["leaders"]);

    // Asked to, the watchers' LISTs page too: more pages than kinds.
    let read = live::read(&live::Options {
        page_size: 2,
        list_in_pages: true,
        ..options(&kc)
    })
    .expect("a live read");
    let requests = read.status[0].requests;
    assert!(
        requests.lists > Kind::ALL.len() as u64,
        "pages of 2 over {} kinds: {requests:?}",
        Kind::ALL.len()
    );
}

#[test]
fn leases_moved_with_kubectl_reach_the_session_on_its_open_watches() {
    let Some(real) = real(Start::short()) else {
        return;
    };
    let (session, rx) = start_session(&options(&real.kubeconfig()));
    let first = snapshot_with(&rx, "the first snapshot", |a| !a.groups.is_empty());
    assert_eq!(holder(&first, "db/pg-leader").as_deref(), Some("db/pg-0"));
    assert_eq!(
        holder(&first, "db/api-leader"),
        Some(format!("db/{}", real.api_leader))
    );

    let patch = |lease: &str, holder: &str| {
        let renewed = micro_time(chrono::Utc::now());
        let body = json!({"spec": {"holderIdentity": holder, "renewTime": renewed}});
        patch_lease(&real.cp, "db", lease, &body);
    };
    patch("pg-leader", "pg-1");
    snapshot_with(&rx, "db/pg-leader held by pg-1", |a| {
        holder(a, "db/pg-leader").as_deref() == Some("db/pg-1")
    });
    patch("api-leader", &real.api_other);
    let moved = snapshot_with(&rx, "db/api-leader held by the eu-b replica", |a| {
        holder(a, "db/api-leader") == Some(format!("db/{}", real.api_other))
    });
    assert_eq!(moved.leaders.per_zone.get("eu-a").copied().unwrap_or(0), 0);

    // Both events came on the open watches: every kind was listed once, and nothing is stale.
    let status = session.status();
    assert!(status[0].kinds.iter().all(|k| k.lists == 1), "{status:#?}");
    assert!(status[0].stale_since.is_none(), "{status:#?}");
    assert!(status[0].requests.watches >= Kind::ALL.len() as u64);
}

#[test]
fn a_watch_resumed_from_a_compacted_revision_gets_a_real_410_and_lists_again() {
    // With its watch cache (the default) the API server answers watches from its own window of
    // events, which etcd's compaction does not shorten: a 410 there takes more events than the
    // window holds. This API server watches Leases straight from etcd, as one without the watch
    // cache does, so compacting etcd is enough.
    let Some(real) = real(
        Start::short().arg("--apiserver-arg=--watch-cache-sizes=leases.coordination.k8s.io#0"),
    ) else {
        return;
    };
    let relay = Relay::start(real.cp.env["QUORUM_CP_APISERVER_PORT"].parse().unwrap());
    let kubeconfig = real.path("through-relay.kubeconfig");
    let text = std::fs::read_to_string(real.kubeconfig()).unwrap();
    std::fs::write(
        &kubeconfig,
        text.replace(
            real.cp.server(),
            &format!("https://127.0.0.1:{}", relay.port),
        ),
    )
    .unwrap();
    let (session, rx) = start_session(&options(&kubeconfig));
    snapshot_with(&rx, "the first snapshot", |a| {
        holder(a, "db/pg-leader").as_deref() == Some("db/pg-0")
    });
    let watching = |at_least: u64| {
        wait_until("a watch of every kind", WAIT, || {
            let requests = session.status()[0].requests;
            (requests.watches >= at_least)
                .then_some(requests.watches)
                .ok_or_else(|| format!("{requests:?}"))
        })
    };
    let kinds = Kind::ALL.len() as u64;
    let watches = watching(kinds);
    let move_leader = |to: &str| {
        patch_lease(
            &real.cp,
            "db",
            "pg-leader",
            &json!({"spec": {"holderIdentity": to}}),
        );
    };

    // A network cut while the leader changes: every watch resumes from its resourceVersion.
    relay.hold(true);
    relay.cut();
    move_leader("pg-1");
    relay.hold(false);
    snapshot_with(&rx, "db/pg-leader held by pg-1 after the cut", |a| {
        holder(a, "db/pg-leader").as_deref() == Some("db/pg-1")
    });
    let status = session.status();
    assert!(status[0].kinds.iter().all(|k| k.lists == 1), "{status:#?}");
    watching(watches + kinds);

    // The same, and etcd's history compacted past every revision the session saw: the lease
    // watch resumes into 410 Gone and lists again.
    relay.hold(true);
    relay.cut();
    move_leader("pg-2");
    // One more write, so the compaction lies past the change itself too.
    kubectl(
        &real.cp,
        &[
            "-n",
            "db",
            "annotate",
            "lease",
            "api-leader",
            "quorum.dev/touched=1",
        ],
        None,
    );
    let compacted = compact_etcd(&real.cp);
    relay.hold(false);
    snapshot_with(&rx, "db/pg-leader held by pg-2 after the 410", |a| {
        holder(a, "db/pg-leader").as_deref() == Some("db/pg-2")
    });
    let status = session.status();
    assert_eq!(
        lists(&status, Kind::Lease),
        2,
        "the lease watch got 410 Gone (etcd compacted at revision {compacted}) and listed again: {status:#?}"
    );
    // The other kinds come from the watch cache, which compaction does not touch: they resumed.
    assert!(
        status[0]
            .kinds
            .iter()
            .all(|k| k.kind == Kind::Lease || k.lists == 1),
        "{status:#?}"
    );
}

#[test]
fn apply_answered_no_after_the_dry_runs_changes_nothing() {
    let Some(real) = real(Start::short()) else {
        return;
    };
    let (_, plan) = real.plan(CONTEXT, &real.kubeconfig(), &["--goal", "storage"]);
    let creates: Vec<String> = plan.steps.iter().map(|s| s.objects.join(",")).collect();
    assert!(
        creates.iter().any(|o| o.contains("zonal-immediate-wffc")),
        "{creates:?}"
    );
    let options = real.apply_options("storage.jsonl");
    let report = run::apply(&plan, &options, &mut |_, _| false, &mut |_| {}).expect("apply runs");
    let stopped = report.stopped.expect("the answer no stops the run");
    assert_eq!((stopped.step, stopped.changed), (1, false));
    assert!(
        stopped.reason.contains("not confirmed"),
        "{}",
        stopped.reason
    );
    let lines = journal(&options.journal);
    let calls: Vec<&Value> = lines.iter().filter(|l| l["event"] == "call").collect();
    assert!(!calls.is_empty());
    assert!(
        calls
            .iter()
            .all(|c| c["dry_run"] == true && c["result"]["ok"].is_string()),
        "only dry runs, each accepted by the server: {calls:#?}"
    );
    assert!(!exists(&real.cp, &["storageclass", "zonal-immediate-wffc"]));
    assert!(!exists(&real.cp, &["-n", "db", "pdb", "api"]));

    // A targeted handover on this API server, whose CoordinatedLeaderElection gate is off (the
    // v1.33 default): it accepts the Lease patch and drops spec.preferredHolder, so apply stops at
    // the dry run without asking.
    let (_, plan) = real.plan(CONTEXT, &real.kubeconfig(), &["--goal", "leaders"]);
    let lease = plan.steps[0].calls[0].clone();
    assert_eq!(lease.kind, "Lease");
    let version = || {
        let fields = "{.metadata.resourceVersion} {.spec.preferredHolder}";
        lease_fields(&real.cp, &lease.namespace, &lease.name, fields)
    };
    let before = version();
    let options = real.apply_options("leaders.jsonl");
    let report = run::apply(
        &plan,
        &options,
        &mut |_, _| panic!("a step whose dry run lost its field is not confirmed"),
        &mut |_| {},
    )
    .expect("apply runs");
    let stopped = report.stopped.expect("a dropped field stops the run");
    assert_eq!((stopped.step, stopped.changed), (1, false));
    assert!(
        stopped.reason.contains("drops spec.preferredHolder")
            && stopped.reason.contains("--handover restart"),
        "{}",
        stopped.reason
    );
    assert_eq!(version(), before, "the lease is untouched");
    let lines = journal(&options.journal);
    assert!(
        lines
            .iter()
            .any(|l| l["dry_run"] == true && l["result"]["dropped"][0] == "spec.preferredHolder"),
        "{lines:#?}"
    );
}

#[test]
fn a_restart_handover_stops_at_the_eviction_dry_run_when_a_real_budget_refuses() {
    let Some(real) = real(Start::short()) else {
        return;
    };
    let (plan_path, plan) = real.restart_plan(CONTEXT, &real.kubeconfig());
    let call = &plan.steps[0].calls[0];
    assert_eq!(
        serde_json::to_value(call.verb).unwrap(),
        "evict",
        "a restart handover evicts the leader"
    );
    let pod = kubectl_json(&real.cp, &["-n", &call.namespace, "get", "pod", &call.name]);
    let uid = pod["metadata"]["uid"].clone();

    // After the plan, the budget covering the pod is tightened to allow no disruption, or one is
    // added; the disruption controller computes its status.
    let labels = pod["metadata"]["labels"].as_object().cloned().unwrap();
    let budgets = kubectl_json(&real.cp, &["-n", &call.namespace, "get", "pdb"]);
    let covering = budgets["items"].as_array().unwrap().iter().find(|b| {
        b["spec"]["selector"]["matchLabels"]
            .as_object()
            .is_some_and(|m| m.iter().all(|(k, v)| labels.get(k) == Some(v)))
    });
    let budget = match covering {
        Some(b) => {
            let name = b["metadata"]["name"].as_str().unwrap().to_string();
            kubectl(
                &real.cp,
                &[
                    "-n",
                    &call.namespace,
                    "patch",
                    "pdb",
                    &name,
                    "--type=merge",
                    "-p",
                    r#"{"spec":{"maxUnavailable":0}}"#,
                ],
                None,
            );
            name
        }
        None => {
            let pdb = json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
                "metadata": {"name": "keep-all", "namespace": call.namespace},
                "spec": {"maxUnavailable": 0, "selector": {"matchLabels": labels}}});
            kubectl(&real.cp, &["apply", "-f", "-"], Some(&pdb.to_string()));
            "keep-all".to_string()
        }
    };
    wait_until("the budget's status: no disruption allowed", WAIT, || {
        let b = kubectl_json(&real.cp, &["-n", &call.namespace, "get", "pdb", &budget]);
        let observed = b["status"]["observedGeneration"] == b["metadata"]["generation"];
        (observed && b["status"]["disruptionsAllowed"] == 0)
            .then_some(())
            .ok_or_else(|| b["status"].to_string())
    });

    let journal_path = real.path("restart.jsonl");
    quorum()
        .args(["apply", "--context", CONTEXT, "--yes", "--wait", "10"])
        .arg("--kubeconfig")
        .arg(real.kubeconfig())
        .arg("--journal")
        .arg(&journal_path)
        .arg(&plan_path)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("stopped at step 1"))
        .stdout(predicate::str::contains(
            "PodDisruptionBudget refuses the eviction",
        ))
        .stdout(predicate::str::contains(
            "Cannot evict pod as it would violate the pod's disruption budget",
        ))
        .stdout(predicate::str::contains("nothing to roll back"));
    let after = kubectl_json(&real.cp, &["-n", &call.namespace, "get", "pod", &call.name]);
    assert_eq!(after["metadata"]["uid"], uid, "the pod was not evicted");
    assert!(after["metadata"]["deletionTimestamp"].is_null());
    let lines = journal(&journal_path);
    let evictions: Vec<&Value> = lines.iter().filter(|l| l["event"] == "call").collect();
    assert_eq!(
        evictions.len(),
        1,
        "only the dry run was sent: {evictions:#?}"
    );
    assert_eq!(evictions[0]["dry_run"], true);
    assert_eq!(evictions[0]["result"]["code"], 429);
}

#[test]
fn a_lease_renewed_between_apply_s_read_and_its_write_is_a_real_409() {
    // Coordinated leader election on, so the API server keeps spec.preferredHolder on the
    // fixture's leases (they carry a strategy) and the dry run of the handover passes.
    let Some(real) = real(Start::short().coordinated_leader_election()) else {
        return;
    };
    let (_, plan) = real.plan(CONTEXT, &real.kubeconfig(), &["--goal", "leaders"]);
    let call = plan.steps[0].calls[0].clone();
    assert_eq!(call.kind, "Lease");
    let holder = || {
        let fields = "{.spec.holderIdentity}/{.spec.preferredHolder}";
        lease_fields(&real.cp, &call.namespace, &call.name, fields)
    };
    let before = holder();
    // While the operator reads the confirmation, the leader renews its lease.
    let mut confirm = |_: usize, _: &run::SavedStep| {
        let renew = json!({"spec": {"renewTime": micro_time(chrono::Utc::now())}});
        patch_lease(&real.cp, &call.namespace, &call.name, &renew);
        true
    };
    let options = real.apply_options("conflict.jsonl");
    let report = run::apply(&plan, &options, &mut confirm, &mut |_| {}).expect("apply runs");
    let stopped = report.stopped.expect("the conflict stops the run");
    assert_eq!((stopped.step, stopped.changed, report.done), (1, false, 0));
    assert!(
        stopped.reason.contains("409 Conflict"),
        "{}",
        stopped.reason
    );
    assert_eq!(
        holder(),
        before,
        "neither holder nor preferredHolder changed"
    );
    let lines = journal(&options.journal);
    let calls: Vec<&Value> = lines.iter().filter(|l| l["event"] == "call").collect();
    assert_eq!(calls.len(), 2, "{calls:#?}");
    assert!(calls[0]["dry_run"] == true && calls[0]["result"]["ok"].is_string());
    assert!(calls[0]["result"]["dropped"].is_null(), "{:#?}", calls[0]);
    assert!(calls[1]["dry_run"] == false && calls[1]["result"]["code"] == 409);
    assert_eq!(lines.last().unwrap()["event"], "stopped");
}

#[test]
fn the_rbac_manifests_suffice_to_read_and_to_apply_and_a_revoked_token_is_a_401() {
    let Some(real) = real(Start::short()) else {
        return;
    };
    let manifest = |name: &str| repo().join("deploy").join(name);
    kubectl(
        &real.cp,
        &[
            "apply",
            "-f",
            manifest("rbac-readonly.yaml").to_str().unwrap(),
        ],
        None,
    );
    let token = kubectl(
        &real.cp,
        &[
            "-n",
            "kube-system",
            "create",
            "token",
            "quorum",
            "--duration=10m",
        ],
        None,
    )
    .trim()
    .to_string();
    let kc = real.path("quorum-sa.kubeconfig");
    std::fs::write(
        &kc,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: real\n  cluster:\n    server: {}\n    certificate-authority: {}\nusers:\n- name: quorum-sa\n  user:\n    token: {token}\ncontexts:\n- name: quorum-ro\n  context: {{cluster: real, user: quorum-sa}}\ncurrent-context: quorum-ro\n",
            real.cp.server(),
            real.cp.dir().join("pki/ca.crt").display()
        ),
    )
    .unwrap();

    // Reading: every kind, no warning.
    quorum()
        .args(["analyze", "--context", "quorum-ro", "--kubeconfig"])
        .arg(&kc)
        .assert()
        .success()
        .stderr(predicate::str::contains("403").not())
        .stderr(predicate::str::contains("warning").not());
    quorum()
        .args(["export", "--context", "quorum-ro", "--kubeconfig"])
        .arg(&kc)
        .arg(real.path("export"))
        .assert()
        .success()
        .stderr(predicate::str::is_empty());

    // And no more than that: what the role lets the ServiceAccount do on resources is get, list
    // and watch on exactly the kinds Quorum reads, besides what Kubernetes' own bindings give every
    // ServiceAccount (the reviews of its own rights; on v1.37 also reading ClusterTrustBundles,
    // `system:cluster-trust-bundle-discovery`), which a ServiceAccount without any binding shows;
    // never Secrets.
    let resource_rights = |user: &str| {
        let rules = kubectl_output(
            &real.cp,
            &["auth", "can-i", "--list", &format!("--as={user}")],
            None,
        );
        let rules = String::from_utf8_lossy(&rules.stdout).to_string();
        let mut granted = std::collections::BTreeMap::new();
        for line in rules.lines().skip(1) {
            let resource = line.split_whitespace().next().unwrap_or("");
            let verbs = line
                .rsplit_once('[')
                .map_or("", |(_, v)| v.trim_end_matches(']'));
            if resource.is_empty()
                || resource.starts_with('/')
                || line.trim_start().starts_with('[')
            {
                continue; // a non-resource URL (discovery, /version)
            }
            granted.insert(resource.to_string(), verbs.to_string());
        }
        (rules, granted)
    };
    let (rules, mut granted) = resource_rights("system:serviceaccount:kube-system:quorum");
    let (_, everyone) = resource_rights("system:serviceaccount:kube-system:quorum-test-unbound");
    assert!(
        everyone.keys().all(|r| !r.starts_with("secrets")),
        "{everyone:?}"
    );
    granted.retain(|resource, verbs| everyone.get(resource) != Some(verbs));
    let read: std::collections::BTreeMap<String, String> = quorum_core::model::Kind::ALL
        .iter()
        .map(|k| {
            (
                quorum_core::live::wire::resource_name(*k).to_string(),
                "get list watch".to_string(),
            )
        })
        .collect();
    assert_eq!(granted, read, "the read-only role:\n{rules}");
    assert!(!rules.contains("secrets"), "{rules}");

    // Applying with read-only rights: refused at the first dry run, nothing changed.
    let (plan_path, _) = real.plan("quorum-ro", &kc, &["--goal", "storage"]);
    let apply = |journal: &str| {
        let mut c = quorum();
        c.args(["apply", "--context", "quorum-ro", "--yes", "--wait", "20"])
            .arg("--kubeconfig")
            .arg(&kc)
            .arg("--journal")
            .arg(real.path(journal))
            .arg(&plan_path);
        c
    };
    apply("refused.jsonl")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("403 Forbidden"))
        .stdout(predicate::str::contains(
            r#"cannot create resource "storageclasses""#,
        ))
        .stdout(predicate::str::contains("deploy/rbac-apply.yaml"))
        .stdout(predicate::str::contains(token.as_str()).not());
    assert!(!exists(&real.cp, &["storageclass", "zonal-immediate-wffc"]));
    assert!(!exists(&real.cp, &["-n", "db", "pdb", "api"]));

    // With deploy/rbac-apply.yaml bound as well, the same plan goes through.
    kubectl(
        &real.cp,
        &["apply", "-f", manifest("rbac-apply.yaml").to_str().unwrap()],
        None,
    );
    kubectl(
        &real.cp,
        &[
            "create",
            "clusterrolebinding",
            "quorum-apply",
            "--clusterrole=quorum-apply",
            "--serviceaccount=kube-system:quorum",
        ],
        None,
    );
    wait_until("the apply role in force", WAIT, || {
        let out = kubectl_output(
            &real.cp,
            &[
                "auth",
                "can-i",
                "create",
                "storageclasses.storage.k8s.io",
                "--as=system:serviceaccount:kube-system:quorum",
            ],
            None,
        );
        let said = String::from_utf8_lossy(&out.stdout).trim().to_string();
        (said == "yes").then_some(()).ok_or(said)
    });
    apply("applied.jsonl").assert().success();
    assert!(exists(&real.cp, &["storageclass", "zonal-immediate-wffc"]));
    assert!(exists(&real.cp, &["-n", "db", "pdb", "api"]));
    // An eviction (a restart handover) is allowed too: its dry run is authorised as the real call
    // would be, and the answer no stops before the real one.
    let (_, restart) = real.restart_plan("quorum-ro", &kc);
    let options = ApplyOptions {
        live: live::Options {
            contexts: vec!["quorum-ro".into()],
            ..options(&kc)
        },
        context: "quorum-ro".into(),
        ..real.apply_options("restart.jsonl")
    };
    let report = run::apply(&restart, &options, &mut |_, _| false, &mut |_| {}).expect("apply");
    let stopped = report.stopped.expect("the answer no stops the run");
    assert!(
        stopped.reason.contains("not confirmed"),
        "{}",
        stopped.reason
    );

    // The ServiceAccount deleted: its token is refused (401), exit 2, and never printed.
    kubectl(
        &real.cp,
        &["-n", "kube-system", "delete", "serviceaccount", "quorum"],
        None,
    );
    wait_until("a 401 for the revoked token", WAIT, || {
        let out = quorum()
            .args(["analyze", "--context", "quorum-ro", "--live-timeout", "20"])
            .arg("--kubeconfig")
            .arg(&kc)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            !stderr.contains(&token) && !stdout.contains(&token),
            "the token is printed"
        );
        (out.status.code() == Some(2) && stderr.contains("401 Unauthorized"))
            .then_some(())
            .ok_or(format!("{:?}: {stderr}", out.status.code()))
    });
}
