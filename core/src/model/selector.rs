//! Label selectors (workloads, PDBs, affinity terms) and node selectors (PV and node affinity).

use super::Labels;

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Operator {
    In,
    NotIn,
    Exists,
    DoesNotExist,
    Gt,
    Lt,
}

impl Operator {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "In" => Self::In,
            "NotIn" => Self::NotIn,
            "Exists" => Self::Exists,
            "DoesNotExist" => Self::DoesNotExist,
            "Gt" => Self::Gt,
            "Lt" => Self::Lt,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Requirement {
    pub key: String,
    pub operator: Operator,
    pub values: Vec<String>,
}

impl Requirement {
    pub fn matches(&self, labels: &Labels) -> bool {
        label_value_matches(
            self.operator,
            &self.values,
            labels.get(&self.key).map(String::as_str),
        )
    }
}

/// Whether a label value (None when the label is absent) satisfies an operator and its values.
pub fn label_value_matches(operator: Operator, values: &[String], value: Option<&str>) -> bool {
    match (operator, value) {
        (Operator::In, Some(v)) => values.iter().any(|x| x == v),
        (Operator::In, None) => false,
        (Operator::NotIn, Some(v)) => !values.iter().any(|x| x == v),
        (Operator::NotIn, None) => true,
        (Operator::Exists, v) => v.is_some(),
        (Operator::DoesNotExist, v) => v.is_none(),
        (Operator::Gt | Operator::Lt, None) => false,
        (op, Some(v)) => {
            let (Ok(v), Some(Ok(bound))) =
                (v.parse::<i64>(), values.first().map(|b| b.parse::<i64>()))
            else {
                return false;
            };
            if op == Operator::Gt {
                v > bound
            } else {
                v < bound
            }
        }
    }
}

/// A `metav1.LabelSelector`. `None` selects nothing (Kubernetes: a nil selector); an empty
/// selector selects everything.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LabelSelector {
    pub match_labels: Labels,
    pub expressions: Vec<Requirement>,
}

impl LabelSelector {
    /// The selector as the API writes it (`matchLabels`, `matchExpressions`).
    pub fn to_json(&self) -> serde_json::Value {
        let mut out = serde_json::Map::new();
        if !self.match_labels.is_empty() {
            out.insert("matchLabels".into(), serde_json::json!(self.match_labels));
        }
        if !self.expressions.is_empty() {
            let expressions: Vec<serde_json::Value> = self
                .expressions
                .iter()
                .map(|r| {
                    let mut e =
                        serde_json::json!({"key": r.key, "operator": format!("{:?}", r.operator)});
                    if !r.values.is_empty() {
                        e["values"] = serde_json::json!(r.values);
                    }
                    e
                })
                .collect();
            out.insert("matchExpressions".into(), expressions.into());
        }
        out.into()
    }

    pub fn is_empty(&self) -> bool {
        self.match_labels.is_empty() && self.expressions.is_empty()
    }

    pub fn matches(&self, labels: &Labels) -> bool {
        self.match_labels
            .iter()
            .all(|(k, v)| labels.get(k) == Some(v))
            && self.expressions.iter().all(|r| r.matches(labels))
    }
}

/// One term of a node selector: all requirements must hold.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct NodeSelectorTerm {
    pub expressions: Vec<Requirement>,
    /// `matchFields` on `metadata.name`.
    pub fields: Vec<Requirement>,
}

impl NodeSelectorTerm {
    pub fn matches(&self, node_name: &str, labels: &Labels) -> bool {
        self.expressions.iter().all(|r| r.matches(labels))
            && self.fields.iter().all(|r| {
                r.key != "metadata.name"
                    || label_value_matches(r.operator, &r.values, Some(node_name))
            })
    }
}

/// A node selector: the terms are ORed. An empty list matches no node, as in Kubernetes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct NodeSelector {
    pub terms: Vec<NodeSelectorTerm>,
}

impl NodeSelector {
    pub fn matches(&self, node_name: &str, labels: &Labels) -> bool {
        self.terms.iter().any(|t| t.matches(node_name, labels))
    }

    /// The values a term list allows for `key` when every term pins it with `In` (e.g. the zones of
    /// a zonal disk); None when some term leaves the key open.
    pub fn allowed_values(&self, key: &str) -> Option<Vec<String>> {
        let mut out = Vec::new();
        for term in &self.terms {
            let pinned = term
                .expressions
                .iter()
                .find(|r| r.key == key && r.operator == Operator::In)?;
            out.extend(pinned.values.iter().cloned());
        }
        out.sort();
        out.dedup();
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_selector_with_labels_and_expressions_needs_both() {
        let sel = LabelSelector {
            match_labels: labels(&[("app", "pg")]),
            expressions: vec![Requirement {
                key: "tier".into(),
                operator: Operator::NotIn,
                values: vec!["cache".into()],
            }],
        };
        assert!(sel.matches(&labels(&[("app", "pg"), ("tier", "db")])));
        assert!(sel.matches(&labels(&[("app", "pg")])));
        assert!(!sel.matches(&labels(&[("app", "pg"), ("tier", "cache")])));
        assert!(!sel.matches(&labels(&[("app", "redis")])));
    }

    #[test]
    fn a_zonal_pv_allows_only_its_zones() {
        let sel = NodeSelector {
            terms: vec![NodeSelectorTerm {
                expressions: vec![Requirement {
                    key: "topology.kubernetes.io/zone".into(),
                    operator: Operator::In,
                    values: vec!["eu-a".into()],
                }],
                fields: vec![],
            }],
        };
        assert!(sel.matches("n1", &labels(&[("topology.kubernetes.io/zone", "eu-a")])));
        assert!(!sel.matches("n1", &labels(&[("topology.kubernetes.io/zone", "eu-b")])));
        assert_eq!(
            sel.allowed_values("topology.kubernetes.io/zone"),
            Some(vec!["eu-a".into()])
        );
        assert_eq!(sel.allowed_values("kubernetes.io/hostname"), None);
    }

    #[test]
    fn gt_and_lt_compare_integers() {
        assert!(label_value_matches(Operator::Gt, &["3".into()], Some("4")));
        assert!(!label_value_matches(Operator::Lt, &["3".into()], Some("4")));
        assert!(!label_value_matches(Operator::Gt, &["x".into()], Some("4")));
    }
}
