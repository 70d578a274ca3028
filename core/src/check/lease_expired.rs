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
    use rayon::prelude::*;
    let t = ctx.topology;
    let when = |now: chrono::DateTime<chrono::Utc>, file_time: bool| {
        if file_time {
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
        }
    };
    // Records are judged at a few times (a live read's clock, each file's newest renewal):
    // each written once.
    let mut times: Vec<(chrono::DateTime<chrono::Utc>, bool, String)> = Vec::new();
    for l in &t.leaders {
        if let Some(at) = l.judged_at
            && times.len() < 64
            && !times
                .iter()
                .any(|(t, file, _)| *t == at && *file == l.judged_at_file_time)
        {
            times.push((at, l.judged_at_file_time, when(at, l.judged_at_file_time)));
        }
    }
    // On every core: a live cluster's clock moves on every change, and every expired record's
    // message with it.
    t.leaders
        .par_iter()
        .with_min_len(1024)
        .filter(|l| l.expired())
        .map(|l| {
            let renewed = l
                .record
                .renew_time
                .or(l.record.acquire_time)
                .expect("expired has a time");
            let now = l.judged_at.expect("expired has a time it is judged at");
            let age = (now - renewed).num_seconds();
            let when = match times
                .iter()
                .find(|(t, file, _)| *t == now && *file == l.judged_at_file_time)
            {
                Some((_, _, text)) => text.clone(),
                None => when(now, l.judged_at_file_time),
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
