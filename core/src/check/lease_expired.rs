//! Leader records nobody renewed within their duration.

use super::*;

pub const CHECK: Check = Check {
    id: "lease-expired",
    severity: Severity::Warning,
    summary: "A leader record was not renewed within its lease duration at the snapshot time.",
    help: "Check the holder is alive and can reach the API server; an expired lease means nobody leads.",
    run: Some(run),
    per_group: None,
};

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let t = ctx.topology;
    t.leaders
        .iter()
        .filter(|l| l.expired())
        .map(|l| {
            let renewed = l
                .record
                .renew_time
                .or(l.record.acquire_time)
                .expect("expired has a time");
            let now = l.judged_at.expect("expired has a time it is judged at");
            let age = (now - renewed).num_seconds();
            let when = if l.judged_at_file_time {
                format!(
                    "its file's newest renewal, at {} (allowing {} s for clock skew)",
                    now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    crate::graph::LEASE_SKEW_SECONDS
                )
            } else {
                format!(
                    "the snapshot at {}",
                    now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                )
            };
            let message = format!(
                "last renewed at {} ({age} s before {when}), with a duration of {} s: nobody leads \
                 it now, or its holder {} stopped renewing. Check the holder is running and can \
                 reach the API server.",
                renewed.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                l.record.duration(),
                l.record.holder.as_deref().unwrap_or("(none)")
            );
            ctx.finding(
                CHECK.id,
                Severity::Warning,
                l.cluster,
                l.record.kind.as_str(),
                &l.record.meta,
                Some(&l.source),
                message,
            )
        })
        .collect()
}
