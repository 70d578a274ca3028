use super::*;
use crate::model::Object;

fn parse_str(text: &str) -> Vec<Piece> {
    parse_bytes(text.as_bytes(), None)
}

fn objects(pieces: &[Piece]) -> Vec<(String, u32, u32)> {
    pieces
        .iter()
        .filter_map(|p| match &p.outcome {
            Outcome::Object(o) => Some((o.key().qualified(), p.document, p.line)),
            _ => None,
        })
        .collect()
}

fn errors(pieces: &[Piece]) -> Vec<(u32, u32, String)> {
    pieces
        .iter()
        .filter_map(|p| match &p.outcome {
            Outcome::Error(m) => Some((p.document, p.line, m.clone())),
            _ => None,
        })
        .collect()
}

const POD: &str =
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: pg-0\n  namespace: db\nspec:\n  nodeName: a1\n";

#[test]
fn a_broken_yaml_document_does_not_hide_its_neighbours() {
    let text = format!(
        "{POD}---\napiVersion: v1\nkind: Pod\nmetadata: [unclosed\n---\n# only a comment\n---\n{}",
        POD.replace("pg-0", "pg-1")
    );
    let pieces = parse_str(&text);
    let objs = objects(&pieces);
    assert_eq!(
        objs,
        vec![
            ("db/pg-0".to_string(), 1, 1),
            ("db/pg-1".to_string(), 3, 15)
        ]
    );
    let errs = errors(&pieces);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].0, 2);
    assert!((8..=12).contains(&errs[0].1), "line {}", errs[0].1);
}

#[test]
fn a_yaml_list_gives_each_item_its_own_line_and_typed_lists_name_their_items() {
    let text = "apiVersion: v1\nitems:\n- metadata:\n    name: a1\n  spec: {}\n- metadata:\n    name: a2\nkind: NodeList\nmetadata:\n  resourceVersion: \"\"\n";
    let pieces = parse_str(text);
    assert_eq!(
        objects(&pieces),
        vec![("a1".to_string(), 1, 3), ("a2".to_string(), 1, 6)]
    );
}

#[test]
fn a_json_list_streams_items_with_their_lines_and_the_list_kind_after_them() {
    let text = "{\n  \"apiVersion\": \"v1\",\n  \"items\": [\n    {\"metadata\": {\"name\": \"n1\"}},\n    {\"metadata\": {\"name\": \"n2\"}}\n  ],\n  \"kind\": \"NodeList\"\n}\n";
    let pieces = parse_str(text);
    assert_eq!(
        objects(&pieces),
        vec![("n1".to_string(), 1, 4), ("n2".to_string(), 1, 5)]
    );
}

#[test]
fn bare_json_arrays_take_their_kind_from_the_file_name() {
    let text = r#"[{"metadata":{"name":"ip-10-0-9-16"}},{"metadata":{"name":"ip-10-0-9-17"}}]"#;
    let pieces = parse_bytes(
        text.as_bytes(),
        kind_from_path(Path::new("cluster/Nodes.json")),
    );
    assert_eq!(objects(&pieces).len(), 2);
    let kindless = parse_bytes(text.as_bytes(), None);
    assert_eq!(errors(&kindless).len(), 2);
}

#[test]
fn concatenated_json_values_are_documents_of_their_own() {
    let text = "{\"kind\":\"Namespace\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"a\"}}\n{\"kind\":\"Namespace\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"b\"}}";
    let pieces = parse_str(text);
    assert_eq!(
        objects(&pieces),
        vec![("a".to_string(), 1, 1), ("b".to_string(), 2, 2)]
    );
}

#[test]
fn truncated_json_keeps_the_items_before_the_cut() {
    let text = "{\"kind\":\"PodList\",\"items\":[\n{\"metadata\":{\"name\":\"p1\",\"namespace\":\"x\"}},\n{\"metadata\":{\"name\":\"p2\"";
    let pieces = parse_str(text);
    assert_eq!(objects(&pieces).len(), 1);
    let errs = errors(&pieces);
    assert_eq!(errs.len(), 1);
    assert!(errs[0].2.contains("truncated"), "{}", errs[0].2);
    assert!(errs[0].2.contains("line 3"), "{}", errs[0].2);
}

#[test]
fn an_error_in_a_later_document_names_its_own_line() {
    // Line 6 is the bad one: the `---`, the comment and the blank line before the document's
    // first line do not shift it.
    let text = "a: 1\n---\n# the pod\n\nkind: Pod\n   bad: indent\nmetadata:\n  name: x\n";
    let errs = errors(&parse_str(text));
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!((errs[0].0, errs[0].1), (2, 6), "{errs:?}");
    let text = "kind: Pod\nmetadata:\n  name: x\n   bad: indent\n";
    assert_eq!(errors(&parse_str(text))[0].1, 4);
    // No line within the piece leaks into the message: only the file's line is given.
    let text = "a: 1\n---\nkind: Pod\nmetadata: {name: x\nspec: 1\n";
    let errs = errors(&parse_str(text));
    assert!(!errs[0].2.contains("line"), "{errs:?}");
    assert!(
        errs[0].2.contains("while parsing a flow mapping"),
        "{errs:?}"
    );
}

#[test]
fn a_type_error_names_the_field_and_its_line() {
    let text = "{\"kind\":\"List\",\"items\":[\n{\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},\n\"spec\":{\"nodeSelector\":\n[1]}}]}";
    let errs = errors(&parse_str(text));
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].1, 4);
    assert!(errs[0].2.contains("spec.nodeSelector"), "{}", errs[0].2);
}

#[test]
fn secrets_and_unknown_kinds_are_skipped_not_errors() {
    let text = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  password: aHVudGVyMg==\n---\napiVersion: acid.zalan.do/v1\nkind: postgresql\nmetadata:\n  name: acid\nspec:\n  replicas: many\n  volume: {size: 1Gi}\n";
    let pieces = parse_str(text);
    assert!(errors(&pieces).is_empty(), "{:?}", errors(&pieces));
    let skipped: Vec<_> = pieces
        .iter()
        .filter_map(|p| match &p.outcome {
            Outcome::Skipped(k) => Some(k.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(skipped, vec!["Secret", "postgresql"]);
}

#[test]
fn a_document_without_kind_is_an_error_naming_what_is_missing() {
    let errs = errors(&parse_str("metadata:\n  name: x\n"));
    assert_eq!(errs.len(), 1);
    assert!(errs[0].2.contains("no `kind`"));
}

#[test]
fn empty_and_comment_only_inputs_give_nothing_and_no_error() {
    for text in [
        "",
        "\n\n",
        "# nothing\n",
        "---\n---\n",
        "{\"kind\":\"PodList\",\"items\":[]}",
    ] {
        let pieces = parse_str(text);
        assert!(
            objects(&pieces).is_empty() && errors(&pieces).is_empty(),
            "{text:?}"
        );
    }
}

#[test]
fn random_bytes_are_an_error_not_a_panic() {
    let bytes: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    let pieces = parse_bytes(&bytes, None);
    assert!(objects(&pieces).is_empty());
}

#[test]
fn a_yaml_alias_bomb_is_refused_quickly() {
    let mut text = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let mut prev = 'a';
    for name in ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'] {
        text.push_str(&format!(
            "{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        ));
        prev = name;
    }
    text.push_str("kind: Pod\nmetadata:\n  name: bomb\n");
    let started = std::time::Instant::now();
    let pieces = parse_str(&text);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert!(pieces.len() <= 1);
}

#[test]
fn items_of_a_pod_list_are_pods_even_with_apps_v1beta1_workloads_around() {
    let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: apps/v1beta1\n  kind: StatefulSet\n  metadata:\n    name: zk\n  spec:\n    replicas: 3\n    template:\n      metadata:\n        labels: {app: zk}\n";
    let pieces = parse_str(text);
    let Some((o, line)) = pieces.iter().find_map(|p| match &p.outcome {
        Outcome::Object(o) => Some((o, p.line)),
        _ => None,
    }) else {
        panic!("{pieces:?}")
    };
    let Object::Workload(w) = o.as_ref() else {
        panic!()
    };
    assert_eq!(w.replicas, Some(3));
    assert!(w.selector.matches(&w.template_labels));
    assert_eq!(line, 4);
}

#[test]
fn duplicates_across_files_are_kept_once_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.yaml"), POD).unwrap();
    std::fs::write(dir.path().join("b.yaml"), POD).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a manifest").unwrap();
    std::fs::write(dir.path().join("secrets.yaml"), "kind: Secret\n").unwrap();
    let snapshot = load(&[Input::new("default", dir.path())]).unwrap();
    assert_eq!(snapshot.clusters[0].pods.len(), 1);
    // The two files, and the directory with its note on the file it skipped.
    assert_eq!(snapshot.inputs.len(), 3);
    assert_eq!(snapshot.inputs.iter().map(|i| i.duplicates).sum::<u32>(), 1);
    let notes: Vec<&String> = snapshot.inputs.iter().flat_map(|i| &i.notes).collect();
    assert_eq!(notes, ["1 file that is not YAML or JSON: skipped"]);
}

#[test]
fn several_clusters_keep_their_objects_apart() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.yaml"), POD).unwrap();
    let path = dir.path().join("a.yaml");
    let snapshot = load(&[Input::new("dc-a", &path), Input::new("dc-b", &path)]).unwrap();
    assert_eq!(snapshot.clusters.len(), 2);
    assert!(snapshot.clusters.iter().all(|c| c.pods.len() == 1));
}

#[test]
fn a_missing_path_is_an_error_naming_it() {
    let err = load(&[Input::new("default", "/no/such/place.yaml")]).unwrap_err();
    assert!(err.to_string().contains("/no/such/place.yaml"));
}

#[test]
fn kinds_are_inferred_from_support_bundle_and_sonobuoy_paths() {
    let cases = [
        (
            "cluster-resources/pvcs/default.json",
            Kind::PersistentVolumeClaim,
        ),
        ("resources/ns/kube-system/core_v1_pods.json", Kind::Pod),
        ("ns/x/coordination.k8s.io_v1_leases.json", Kind::Lease),
        ("config/node/master-0.json", Kind::Node),
        (
            "config/pod/openshift-monitoring/prometheus-k8s-0.json",
            Kind::Pod,
        ),
        ("cluster-resources/storage-classes.json", Kind::StorageClass),
    ];
    for (path, kind) in cases {
        assert_eq!(kind_from_path(Path::new(path)), Some(kind), "{path}");
    }
}

/// Regression: a structural byte search that ran off the end of a read chunk took the first byte
/// of the next chunk for a closing bracket and cut items short.
#[test]
fn items_that_cross_read_chunks_are_kept_whole() {
    let pod = |i: usize| {
        format!(
            "{{\"kind\":\"Pod\",\"metadata\":{{\"name\":\"p{i}\",\"namespace\":\"x\",\"labels\":{{\"a\":\"{}\"}}}},\"spec\":{{\"containers\":[{{}}]}}}}",
            "y".repeat(i % 97)
        )
    };
    let items: Vec<String> = (0..3000).map(pod).collect();
    let text = format!(
        "{{\"kind\":\"PodList\",\"items\":[\n{}\n]}}",
        items.join(",\n")
    );
    let pieces = parse_reader(std::io::Cursor::new(text.into_bytes()), None);
    assert!(errors(&pieces).is_empty(), "{:?}", &errors(&pieces)[..1]);
    assert_eq!(objects(&pieces).len(), 3000);
}

#[test]
fn yaml_merge_keys_are_resolved() {
    let text = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: citus\n  labels: &labels\n    app: citus\nspec:\n  selector:\n    matchLabels:\n      <<: *labels\n      role: worker\n";
    let pieces = parse_str(text);
    let Outcome::Object(o) = &pieces[0].outcome else {
        panic!("{pieces:?}")
    };
    let Object::Workload(w) = o.as_ref() else {
        panic!()
    };
    assert_eq!(w.selector.match_labels.len(), 2);
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn pod_json(i: usize) -> String {
        format!(
            "{{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{{\"name\":\"p{i}\",\"namespace\":\"ns\",\"labels\":{{\"app\":\"a\\\"{i}\"}}}},\"spec\":{{\"nodeName\":\"n{i}\",\"containers\":[{{\"resources\":{{\"requests\":{{\"cpu\":\"100m\"}}}}}}]}}}}"
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let _ = parse_bytes(&bytes, None);
            let _ = parse_bytes(&bytes, Some(Kind::Pod));
        }

        #[test]
        fn arbitrary_text_with_yaml_and_json_punctuation_never_panics(
            text in "[-{}\\[\\]:,\"' \n#a-z0-9&*!|>%.]{0,400}"
        ) {
            let _ = parse_bytes(text.as_bytes(), None);
        }

        /// A JSON list cut anywhere keeps every item that ended before the cut.
        #[test]
        fn a_truncated_json_list_keeps_every_complete_item(n in 1usize..12, cut_frac in 0.0f64..1.0) {
            let items: Vec<String> = (0..n).map(pod_json).collect();
            let head = "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[\n";
            let mut text = head.to_string();
            let mut ends = Vec::new();
            for (i, item) in items.iter().enumerate() {
                if i > 0 { text.push_str(",\n"); }
                text.push_str(item);
                ends.push(text.len());
            }
            text.push_str("\n]}\n");
            let cut = head.len() + ((text.len() - head.len()) as f64 * cut_frac) as usize;
            let pieces = parse_bytes(&text.as_bytes()[..cut], None);
            let complete = ends.iter().filter(|e| **e <= cut).count();
            prop_assert_eq!(objects(&pieces).len(), complete);
        }

        /// One broken document in a YAML stream costs that document only.
        #[test]
        fn one_broken_yaml_document_costs_only_itself(n in 2usize..8, broken in 0usize..8, garbage in "[\\[{:]{1,5}") {
            let broken = broken % n;
            let docs: Vec<String> = (0..n)
                .map(|i| if i == broken {
                    format!("apiVersion: v1\nkind: Pod\nmetadata: {garbage}\n")
                } else {
                    format!("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns{i}\n")
                })
                .collect();
            let pieces = parse_bytes(docs.join("---\n").as_bytes(), None);
            prop_assert_eq!(objects(&pieces).len(), n - 1);
            let errs = errors(&pieces);
            prop_assert_eq!(errs.len(), 1);
            prop_assert_eq!(errs[0].0 as usize, broken + 1);
        }
    }
}

// ---- what kubectl and support tools write ----

/// Pretty-printed lists as `kubectl cluster-info dump` writes them to standard output, with a
/// container's logs between them (the logs may not end in a newline, and may hold JSON).
const DUMP: &str = r#"{
    "kind": "NodeList",
    "apiVersion": "v1",
    "metadata": {"resourceVersion": "120"},
    "items": [
        {
            "metadata": {"name": "n1", "uid": "6a1b", "labels": {"topology.kubernetes.io/zone": "z1"}},
            "status": {"conditions": [{"type": "Ready", "status": "True"}]}
        }
    ]
}
{
    "kind": "EventList",
    "apiVersion": "v1",
    "metadata": {"resourceVersion": "121"},
    "items": [
        {
            "metadata": {"name": "web-0.17f", "namespace": "shop"},
            "reason": "Scheduled"
        }
    ]
}
==== START logs for container web of pod shop/web-0 ====
{"level":"info","msg":"listening"}
[ "not", "a", "list" ]
the last line has no newline==== END logs for container web of pod shop/web-0 ====
{
    "kind": "PodList",
    "apiVersion": "v1",
    "metadata": {"resourceVersion": "122"},
    "items": [
        {
            "metadata": {"name": "web-0", "namespace": "shop"},
            "spec": {"nodeName": "n1"},
            "status": {"phase": "Running"}
        }
    ]
}
==== START logs for container web of pod shop/web-1 ====
Request log error: the server could not find the requested resource ( pods/log web-1)
==== END logs for container web of pod shop/web-1 ====
"#;

fn skipped(pieces: &[Piece]) -> Vec<String> {
    pieces
        .iter()
        .filter_map(|p| match &p.outcome {
            Outcome::Skipped(kind) => Some(kind.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_cluster_info_dump_stream_is_read_past_its_container_logs() {
    let pieces = parse_str(DUMP);
    assert_eq!(errors(&pieces), vec![]);
    assert_eq!(
        objects(&pieces),
        vec![("n1".to_string(), 1, 6), ("shop/web-0".to_string(), 3, 32)]
    );
    // The events' list names their kind: skipped as that kind, never an error.
    assert_eq!(skipped(&pieces), ["Event"]);
}

#[test]
fn a_log_block_cut_off_at_the_end_of_the_stream_ends_the_reading_quietly() {
    let text = format!(
        "{}==== START logs for container web of pod shop/web-2 ====\n{{\"msg\": \"cut",
        DUMP
    );
    let pieces = parse_str(&text);
    assert_eq!(errors(&pieces), vec![]);
    assert_eq!(objects(&pieces).len(), 2);
}

#[test]
fn text_between_the_lists_of_a_stream_does_not_hide_the_lists_after_it() {
    // `kubectl cluster-info dump > dump.json 2>&1`: its complaints land between the lists.
    let mixed = DUMP.replacen(
        "}\n{\n    \"kind\": \"EventList\"",
        "}\nError from server (Forbidden): events is forbidden\n{\n    \"kind\": \"EventList\"",
        1,
    );
    assert_ne!(mixed, DUMP);
    let pieces = parse_str(&mixed);
    let errs = errors(&pieces);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!((errs[0].0, errs[0].1), (2, 12), "{errs:?}");
    assert!(errs[0].2.contains("not JSON"), "{errs:?}");
    // The node before it and the pod after it are both read, the events skipped.
    assert_eq!(objects(&pieces).len(), 2, "{pieces:?}");
    assert_eq!(skipped(&pieces), ["Event"]);
}

#[test]
fn items_of_a_typed_list_of_an_unread_kind_are_skipped_as_that_kind() {
    // As `kubectl cluster-info dump --output-directory` writes services.json: no item kind.
    for text in [
        r#"{"kind": "ServiceList", "apiVersion": "v1", "items": [{"metadata": {"name": "web"}}]}"#,
        "kind: ReplicationControllerList\napiVersion: v1\nitems:\n- metadata:\n    name: web\n",
    ] {
        let pieces = parse_str(text);
        assert_eq!(errors(&pieces), vec![], "{text}");
        assert_eq!(skipped(&pieces).len(), 1, "{text}");
    }
}

#[test]
fn a_version_file_is_not_a_kubernetes_document_and_no_error() {
    // A version document gives the server's version (whose rules the model follows).
    let pieces = parse_str(
        r#"{"major": "1", "minor": "31", "gitVersion": "v1.31.2+k3s1", "platform": "linux/amd64"}"#,
    );
    assert_eq!(errors(&pieces), vec![]);
    assert!(
        matches!(&pieces[0].outcome, Outcome::Version(v) if v == "v1.31.2+k3s1"),
        "{pieces:?}"
    );
    for text in [
        r#"["failed to list networkpolicies: forbidden"]"#,
        "just some words\n",
        "- one\n- two\n",
    ] {
        let pieces = parse_str(text);
        assert_eq!(errors(&pieces), vec![], "{text}");
        assert!(
            pieces.iter().all(|p| matches!(p.outcome, Outcome::Foreign)),
            "{text}: {pieces:?}"
        );
    }
    // An object that is one, without a kind and with nothing to tell it, is still an error.
    let pieces = parse_str(r#"{"metadata": {"name": "web"}, "spec": {}}"#);
    assert_eq!(errors(&pieces).len(), 1);
}

#[test]
fn a_bare_yaml_sequence_of_objects_is_read_like_a_bare_json_array() {
    let text = "- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: a\n    namespace: x\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: b\n    namespace: x\n";
    let pieces = parse_str(text);
    assert_eq!(objects(&pieces).len(), 2, "{pieces:?}");
}

#[test]
fn a_bundle_skips_its_logs_and_version_files_with_one_note_each() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("cluster-resources/pods")).unwrap();
    std::fs::create_dir_all(root.join("shop/web-0")).unwrap();
    std::fs::create_dir_all(root.join("shop/web-1")).unwrap();
    std::fs::write(
        root.join("cluster-resources/pods/shop.json"),
        r#"{"kind": "PodList", "items": [{"metadata": {"name": "web-0", "namespace": "shop"}}]}"#,
    )
    .unwrap();
    std::fs::write(
        root.join("cluster_version.json"),
        r#"{"info": {"major": "1"}}"#,
    )
    .unwrap();
    std::fs::write(root.join("shop/web-0/logs.txt"), "started\n").unwrap();
    std::fs::write(root.join("shop/web-1/logs.txt"), "started\n").unwrap();
    let snapshot = load(&[Input::new("default", root)]).unwrap();
    assert_eq!(snapshot.error_count(), 0, "{:?}", snapshot.inputs);
    assert_eq!(snapshot.clusters[0].pods.len(), 1);
    let notes: Vec<(&str, &str)> = snapshot
        .inputs
        .iter()
        .flat_map(|i| {
            let name = Path::new(&i.source).file_name().unwrap().to_str().unwrap();
            i.notes.iter().map(move |n| (name, n.as_str()))
        })
        .collect();
    let dir_name = root.file_name().unwrap().to_str().unwrap();
    assert_eq!(
        notes,
        [
            (
                "cluster_version.json",
                "not a Kubernetes document (no `apiVersion`, `kind` or name): skipped"
            ),
            (dir_name, "2 container log files: skipped")
        ]
    );
}

#[test]
fn a_path_with_nothing_of_kubernetes_under_it_is_an_input_problem() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    std::fs::write(logs.join("app.log"), "started\n").unwrap();
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let version = dir.path().join("version.json");
    std::fs::write(&version, r#"{"gitVersion": "v1.31.2"}"#).unwrap();
    for path in [&logs, &empty, &version] {
        let snapshot = load(&[Input::new("default", path)]).unwrap();
        assert_eq!(snapshot.error_count(), 1, "{path:?}: {:?}", snapshot.inputs);
        let error = snapshot
            .inputs
            .iter()
            .flat_map(|i| &i.errors)
            .next()
            .unwrap();
        assert!(
            error.message.starts_with("no Kubernetes object or list"),
            "{error:?}"
        );
    }
    // An export of empty lists is an export: no error.
    let lists = dir.path().join("lists.json");
    std::fs::write(
        &lists,
        r#"{"kind": "PodList", "apiVersion": "v1", "items": []}"#,
    )
    .unwrap();
    assert_eq!(
        load(&[Input::new("default", &lists)])
            .unwrap()
            .error_count(),
        0
    );
}

#[test]
fn two_nodes_of_one_name_with_different_uids_are_said_to_be_two_clusters_mixed_up() {
    let node = |uid: &str| {
        format!("apiVersion: v1\nkind: Node\nmetadata:\n  name: worker-1\n  uid: {uid}\n")
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.yaml"), node("3f2a")).unwrap();
    std::fs::write(dir.path().join("b.yaml"), node("91c7")).unwrap();
    std::fs::write(dir.path().join("c.yaml"), node("3f2a")).unwrap();
    let snapshot = load(&[Input::new("default", dir.path())]).unwrap();
    assert_eq!(snapshot.clusters[0].nodes.len(), 1);
    let notes: Vec<&String> = snapshot.inputs.iter().flat_map(|i| &i.notes).collect();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].contains("worker-1") && notes[0].contains("91c7") && notes[0].contains("mixed up"),
        "{}",
        notes[0]
    );
    // The same node read twice (same uid) is a plain duplicate.
    assert_eq!(snapshot.inputs.iter().map(|i| i.duplicates).sum::<u32>(), 2);
}

#[test]
fn a_kindless_object_takes_its_kind_from_its_self_link() {
    // As Insights archives write config.openshift.io objects, and pods before 1.20.
    let version = r#"{"metadata": {"name": "version", "selfLink": "/apis/config.openshift.io/v1/clusterversions/version"}, "spec": {}}"#;
    let pieces = parse_str(version);
    assert_eq!(errors(&pieces), vec![]);
    assert_eq!(skipped(&pieces), ["clusterversions"]);
    let pod = r#"{"metadata": {"name": "web-0", "namespace": "shop", "selfLink": "/api/v1/namespaces/shop/pods/web-0"}, "spec": {"nodeName": "n1"}}"#;
    assert_eq!(
        objects(&parse_str(pod)),
        vec![("shop/web-0".to_string(), 1, 1)]
    );
}

#[test]
fn a_node_without_conditions_but_with_the_unreachable_taint_is_not_ready() {
    let node = "apiVersion: v1\nkind: Node\nmetadata:\n  name: aks-1\nspec:\n  taints:\n  - {key: node.kubernetes.io/unreachable, effect: NoSchedule}\nstatus:\n  conditions: null\n";
    let Outcome::Object(o) = &parse_str(node)[0].outcome else {
        panic!()
    };
    let Object::Node(n) = o.as_ref() else {
        panic!()
    };
    assert_eq!(n.ready, Some(false));
}

/// Gives at most `chunk` bytes per read, as a slow pipe does.
struct Trickle<'a> {
    data: &'a [u8],
    chunk: usize,
}

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.chunk.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

#[test]
fn how_the_input_is_read_never_changes_what_is_read() {
    // Found by the dump fuzz target: a list with two broken items, read 8 bytes at a time, ended
    // in a false "the JSON ends early" that the same bytes read whole did not (the pretty-printed
    // fast path looked back at an item's indentation the buffer had already dropped).
    let input = include_bytes!("../../tests/fuzz-regressions/dump-read-boundary.bin");
    let (&first, data) = input.split_first().unwrap();
    let whole = parse_bytes(data, None);
    for chunk in [usize::from(first % 61) + 1, 8, 64, 4096] {
        let streamed = parse_reader(Trickle { data, chunk }, None);
        assert_eq!(
            format!("{streamed:?}"),
            format!("{whole:?}"),
            "{chunk} bytes a read"
        );
    }
    assert!(
        errors(&whole)
            .iter()
            .all(|(_, _, m)| !m.contains("ends early"))
    );
}

#[test]
fn a_key_written_twice_takes_its_last_value_instead_of_costing_the_document() {
    let text = b"apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: pg, namespace: db}\nspec:\n  replicas: 1\n  updateStrategy: {type: OnDelete}\n  replicas: 3\n  selector: {matchLabels: {app: pg}}\n  updateStrategy: {type: OnDelete}\n";
    let snapshot = crate::load::load_texts(&[("default", "sts.yaml", text)]);
    assert!(
        snapshot.inputs[0].errors.is_empty(),
        "{:?}",
        snapshot.inputs[0].errors
    );
    let w = &snapshot.clusters[0].workloads[0].0;
    assert_eq!(w.replicas, Some(3));
}

#[test]
fn a_yaml_stream_read_a_few_bytes_at_a_time_gives_the_same_objects_and_lines() {
    // A byte order mark, a list whose kind comes after its items (a typed one: the items name
    // no kind), a comment between items, a document ended by `...`, a Secret, a broken document.
    let text = "\u{feff}apiVersion: v1\nitems:\n- metadata:\n    name: a1\n# between\n- metadata:\n    name: a2\n  spec:\n    unschedulable: true\nkind: NodeList\nmetadata:\n  resourceVersion: \"\"\n...\n# a comment alone\n---\napiVersion: v1\nkind: Secret\ndata:\n  x: eQ==\n---\n"
        .to_string()
        + POD
        + "---\nkind: Pod\nmetadata: [unclosed\n";
    let whole = parse_str(&text);
    assert_eq!(
        objects(&whole),
        vec![
            ("a1".to_string(), 1, 3),
            ("a2".to_string(), 1, 6),
            ("db/pg-0".to_string(), 3, 21)
        ]
    );
    assert!(
        whole
            .iter()
            .any(|p| matches!(&p.outcome, Outcome::Skipped(k) if k == "Secret") && p.document == 2)
    );
    let errs = errors(&whole);
    assert_eq!((errs.len(), errs[0].0), (1, 4), "{errs:?}");
    for chunk in [1, 2, 7, 64] {
        let streamed = parse_reader(
            Trickle {
                data: text.as_bytes(),
                chunk,
            },
            None,
        );
        assert_eq!(
            format!("{streamed:?}"),
            format!("{whole:?}"),
            "chunk {chunk}"
        );
    }
}

#[test]
fn a_broken_list_item_names_its_field_once_and_not_the_readers_own_index() {
    let text = "apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: a\n- apiVersion: v1\n  kind: Pod\n  metadata: 7\nkind: List\n";
    let errs = errors(&parse_str(text));
    assert_eq!(errs.len(), 1, "{errs:?}");
    let (document, line, message) = &errs[0];
    assert_eq!((*document, *line), (1, 9));
    assert_eq!(
        message,
        "invalid YAML: metadata: invalid type: integer `7`, expected a mapping"
    );
}
