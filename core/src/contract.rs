//! What scripts and files outside Quorum depend on, and the few words every layer writes the same
//! way: the JSON contract's version (docs/json.md) and the annotations an after-state file keeps
//! what an export cannot say in. A leaf module.

/// The JSON contract's version (docs/json.md): bump on purpose when a fixed name changes.
pub const JSON_VERSION: u32 = 1;

/// The annotation a written leader record keeps its judging time in.
pub const JUDGED_AT_ANNOTATION: &str = "quorum.dev/judged-at";
/// Marks a node the input did not hold (named by its pods): read back as such.
pub const INFERRED_ANNOTATION: &str = "quorum.dev/inferred";
/// Marks a pod picked out alone into its input (not listed with its peers).
pub const ALONE_ANNOTATION: &str = "quorum.dev/alone";

/// `1 lease`, `2 leases`: a number with its noun in the right number.
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}
