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
    let Outcome::Object(o) = &pieces[0].outcome else {
        panic!("{pieces:?}")
    };
    let Object::Workload(w) = o.as_ref() else {
        panic!()
    };
    assert_eq!(w.replicas, Some(3));
    assert!(w.selector.matches(&w.template_labels));
    assert_eq!(pieces[0].line, 4);
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
    assert_eq!(snapshot.inputs.len(), 2);
    assert_eq!(snapshot.inputs.iter().map(|i| i.duplicates).sum::<u32>(), 1);
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
