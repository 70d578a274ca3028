//! Leader records nobody renewed within their duration.

use super::*;

pub const CHECK: Check = Check {
    id: "lease-expired",
    severity: Severity::Warning,
    summary: "A leader record was not renewed within its lease duration at the snapshot time.",
    help: "Check the holder is alive and can reach the API server; an expired lease means nobody leads.",
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let t = ctx.topology;
    let Some(now) = t.now else { return vec![] };
    t.leaders
        .iter()
        .filter(|l| l.record.is_expired(now))
        .map(|l| {
            let renewed = l.record.renew_time.or(l.record.acquire_time).expect("expired has a time");
            let age = (now - renewed).num_seconds();
            let message = format!(
                "last renewed at {} ({age} s before the snapshot at {}), with a duration of {} s: \
                 nobody leads it now, or its holder {} stopped renewing. Check the holder is running \
                 and can reach the API server.",
                renewed.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                l.record.duration(),
                l.record.holder.as_deref().unwrap_or("(none)")
            );
            ctx.finding(CHECK.id, Severity::Warning, l.cluster, l.record.kind.as_str(), &l.record.meta, Some(&l.source), message)
        })
        .collect()
}
