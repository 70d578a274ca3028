//! Label and field selectors, as the `labelSelector` and `fieldSelector`
//! query parameters spell them, and the `LabelSelector` object of PDBs.

use serde_json::Value;

/// One requirement of a label selector.
#[derive(Debug, Clone, PartialEq)]
enum LabelReq {
    Eq(String, String),
    NotEq(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
}

/// A parsed label selector: every requirement must hold. The empty selector
/// matches everything.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabelSelector(Vec<LabelReq>);

/// Splits on commas that are not inside parentheses (`a in (x,y),b=c`).
fn split_top_level(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out.into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

fn set_values(rest: &str) -> Result<Vec<String>, String> {
    let rest = rest.trim();
    let inner = rest
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .ok_or_else(|| format!("expected a parenthesised set of values, found {rest:?}"))?;
    Ok(inner
        .split(',')
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect())
}

impl LabelSelector {
    /// Parses the query-string form: `app=web,tier!=db,env in (a,b),!legacy`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let mut reqs = Vec::new();
        for part in split_top_level(s) {
            let req = if let Some(key) = part.strip_prefix('!') {
                LabelReq::NotExists(key.trim().to_string())
            } else if let Some((k, v)) = part.split_once("!=") {
                LabelReq::NotEq(k.trim().to_string(), v.trim().to_string())
            } else if let Some((k, v)) = part.split_once("==") {
                LabelReq::Eq(k.trim().to_string(), v.trim().to_string())
            } else if let Some((k, v)) = part.split_once('=') {
                LabelReq::Eq(k.trim().to_string(), v.trim().to_string())
            } else if let Some((k, v)) = part.split_once(" notin ") {
                LabelReq::NotIn(k.trim().to_string(), set_values(v)?)
            } else if let Some((k, v)) = part.split_once(" in ") {
                LabelReq::In(k.trim().to_string(), set_values(v)?)
            } else if part.contains(['(', ')', ' ', '<', '>']) {
                return Err(format!("unable to parse requirement: {part:?}"));
            } else {
                LabelReq::Exists(part.to_string())
            };
            reqs.push(req);
        }
        Ok(Self(reqs))
    }

    /// Builds a selector from a `metav1.LabelSelector` object (`matchLabels`
    /// and `matchExpressions`), as PDBs carry it. `None` for a malformed one.
    pub fn from_object(sel: &Value) -> Option<Self> {
        let mut reqs = Vec::new();
        if let Some(ml) = sel.get("matchLabels").and_then(Value::as_object) {
            for (k, v) in ml {
                reqs.push(LabelReq::Eq(k.clone(), v.as_str()?.to_string()));
            }
        }
        if let Some(exprs) = sel.get("matchExpressions").and_then(Value::as_array) {
            for e in exprs {
                let key = e.get("key")?.as_str()?.to_string();
                let values: Vec<String> = e
                    .get("values")
                    .and_then(Value::as_array)
                    .map(|vs| {
                        vs.iter()
                            .filter_map(|v| v.as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default();
                reqs.push(match e.get("operator")?.as_str()? {
                    "In" => LabelReq::In(key, values),
                    "NotIn" => LabelReq::NotIn(key, values),
                    "Exists" => LabelReq::Exists(key),
                    "DoesNotExist" => LabelReq::NotExists(key),
                    _ => return None,
                });
            }
        }
        Some(Self(reqs))
    }

    /// Whether a set of labels satisfies every requirement.
    pub fn matches(&self, labels: &[(Box<str>, Box<str>)]) -> bool {
        let get = |k: &str| labels.iter().find(|(lk, _)| &**lk == k).map(|(_, v)| &**v);
        self.0.iter().all(|r| match r {
            LabelReq::Eq(k, v) => get(k) == Some(v.as_str()),
            LabelReq::NotEq(k, v) => get(k) != Some(v.as_str()),
            LabelReq::In(k, vs) => get(k).is_some_and(|x| vs.iter().any(|v| v == x)),
            LabelReq::NotIn(k, vs) => get(k).is_none_or(|x| vs.iter().all(|v| v != x)),
            LabelReq::Exists(k) => get(k).is_some(),
            LabelReq::NotExists(k) => get(k).is_none(),
        })
    }

    /// True for the selector that matches everything.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// One requirement of a field selector: a dotted path, equal or not.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldReq {
    pub path: String,
    pub value: String,
    pub negated: bool,
}

/// A parsed field selector. `metadata.name` and `metadata.namespace` are
/// answered from the index; any other path (`spec.nodeName`, `status.phase`)
/// by reading the stored object, which is slower but exact.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldSelector(pub Vec<FieldReq>);

impl FieldSelector {
    /// Parses `metadata.name=x,spec.nodeName!=y`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let mut reqs = Vec::new();
        for part in split_top_level(s) {
            let (path, value, negated) = if let Some((p, v)) = part.split_once("!=") {
                (p, v, true)
            } else if let Some((p, v)) = part.split_once("==") {
                (p, v, false)
            } else if let Some((p, v)) = part.split_once('=') {
                (p, v, false)
            } else {
                return Err(format!(
                    "invalid selector: '{part}'; can't understand '{part}'"
                ));
            };
            reqs.push(FieldReq {
                path: path.trim().to_string(),
                value: value.trim().to_string(),
                negated,
            });
        }
        Ok(Self(reqs))
    }

    /// Whether only `metadata.name`/`metadata.namespace` are asked about, so
    /// the object body need not be read.
    pub fn index_only(&self) -> bool {
        self.0
            .iter()
            .all(|r| r.path == "metadata.name" || r.path == "metadata.namespace")
    }

    /// Checks the requirements on name and namespace; others are `true` here
    /// and left to [`FieldSelector::matches_object`].
    pub fn matches_index(&self, namespace: &str, name: &str) -> bool {
        self.0.iter().all(|r| {
            let actual = match r.path.as_str() {
                "metadata.name" => name,
                "metadata.namespace" => namespace,
                _ => return true,
            };
            (actual == r.value) != r.negated
        })
    }

    /// Checks every requirement against a parsed object. A missing field
    /// reads as the empty string, as the apiserver's field sets do.
    pub fn matches_object(&self, obj: &Value) -> bool {
        self.0.iter().all(|r| {
            let mut cur = Some(obj);
            for seg in r.path.split('.') {
                cur = cur.and_then(|c| c.get(seg));
            }
            let actual = match cur {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Null) | None => String::new(),
                Some(other) => other.to_string(),
            };
            (actual == r.value) != r.negated
        })
    }

    /// True when there is nothing to check.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Whether an object passes the selectors; the object body is read only
/// for field selectors beyond name and namespace.
pub fn selected(
    labels: &LabelSelector,
    fields: &FieldSelector,
    ns: &str,
    name: &str,
    entry_labels: &[(Box<str>, Box<str>)],
    bytes: &[u8],
) -> bool {
    if !labels.matches(entry_labels) || !fields.matches_index(ns, name) {
        return false;
    }
    if fields.index_only() {
        return true;
    }
    serde_json::from_slice::<Value>(bytes).is_ok_and(|v| fields.matches_object(&v))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> Vec<(Box<str>, Box<str>)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect()
    }

    #[test]
    fn label_selector_forms() {
        let l = labels(&[("app", "web"), ("tier", "front")]);
        for (sel, want) in [
            ("app=web", true),
            ("app==web", true),
            ("app!=web", false),
            ("app in (db, web)", true),
            ("app notin (web)", false),
            ("tier,app=web", true),
            ("!legacy", true),
            ("!app", false),
            ("app in (db,x),tier=front", false),
            ("", true),
        ] {
            assert_eq!(
                LabelSelector::parse(sel).unwrap().matches(&l),
                want,
                "{sel}"
            );
        }
    }

    #[test]
    fn label_selector_object() {
        let sel = serde_json::json!({"matchLabels": {"app": "web"},
            "matchExpressions": [{"key": "tier", "operator": "In", "values": ["front"]}]});
        let s = LabelSelector::from_object(&sel).unwrap();
        assert!(s.matches(&labels(&[("app", "web"), ("tier", "front")])));
        assert!(!s.matches(&labels(&[("app", "web")])));
        assert!(
            LabelSelector::from_object(&serde_json::json!({}))
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn field_selector() {
        let f = FieldSelector::parse("metadata.name=a,metadata.namespace!=kube-system").unwrap();
        assert!(f.index_only());
        assert!(f.matches_index("db", "a"));
        assert!(!f.matches_index("kube-system", "a"));
        let f = FieldSelector::parse("spec.nodeName=n1").unwrap();
        assert!(!f.index_only());
        assert!(f.matches_object(&serde_json::json!({"spec": {"nodeName": "n1"}})));
        assert!(!f.matches_object(&serde_json::json!({"spec": {}})));
        assert!(FieldSelector::parse("bogus").is_err());
    }
}
