//! `quorum apply`: a saved plan carried out on a live cluster, one step at a time.
//!
//! For each step: read its objects and check the plan still holds (the lease is still held by the
//! pod the plan moves it from, the object's version is the one planned); send every call as a
//! server-side dry run (`dryRun=All`); ask (unless `--yes`); send it for real, a Lease patch
//! carrying the resourceVersion just read so a concurrent change is a 409; wait for the predicted
//! effect. The first surprise stops the run, saying where and how to roll back. Every call and
//! result is appended to a JSON-lines journal.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::Utc;
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::Pod;
use kube::Api;
use kube::api::{
    ApiResource, DynamicObject, EvictParams, GroupVersionKind, Patch, PatchParams, PostParams,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::errors::{LiveError, chain};
use super::{Options, connect, runtime};
use crate::plan::{Call, Expect, Plan, Verb};

/// A plan as `quorum plan -o json|yaml` saved it: the parts apply needs.
#[derive(Clone, Debug, Deserialize)]
pub struct SavedPlan {
    pub version: u32,
    #[serde(default)]
    pub goal: String,
    pub clusters: Vec<String>,
    pub steps: Vec<SavedStep>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct SavedStep {
    pub wave: u32,
    pub action: String,
    #[serde(default)]
    pub objects: Vec<String>,
    #[serde(default)]
    pub effect: String,
    #[serde(default)]
    pub kubectl: String,
    #[serde(default)]
    pub rollback: String,
    #[serde(default)]
    pub wait: String,
    #[serde(default)]
    pub calls: Vec<Call>,
    #[serde(default)]
    pub expect: Option<Expect>,
}

impl SavedPlan {
    /// A plan just made (in the terminal UI, say), as apply reads a saved one.
    pub fn of(plan: &Plan) -> SavedPlan {
        SavedPlan {
            version: plan.version,
            goal: serde_json::to_value(plan.goal)
                .ok()
                .and_then(|g| g.as_str().map(str::to_string))
                .unwrap_or_default(),
            clusters: plan.clusters.clone(),
            steps: plan
                .steps
                .iter()
                .map(|s| SavedStep {
                    wave: s.wave,
                    action: s.action.clone(),
                    objects: s.objects.clone(),
                    effect: s.effect.clone(),
                    kubectl: s.kubectl.clone(),
                    rollback: s.rollback.clone(),
                    wait: s.wait.clone(),
                    calls: s.calls.clone(),
                    expect: s.expect.clone(),
                })
                .collect(),
        }
    }
}

/// Reads a saved plan (JSON or YAML).
pub fn read_plan(path: &Path) -> Result<SavedPlan, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let parsed: Result<SavedPlan, String> = if text.trim_start().starts_with('{') {
        serde_json::from_str(&text).map_err(|e| e.to_string())
    } else {
        crate::load::yaml_from_str(&text).map_err(|e| e.to_string())
    };
    let plan = parsed.map_err(|e| {
        format!(
            "{}: not a plan saved by `quorum plan -o json|yaml`: {e}",
            path.display()
        )
    })?;
    if plan.version != 1 {
        return Err(format!(
            "{}: plan version {} is not understood by this quorum (version 1)",
            path.display(),
            plan.version
        ));
    }
    Ok(plan)
}

/// How to run.
pub struct ApplyOptions {
    pub live: Options,
    /// The one context to apply to.
    pub context: String,
    /// Skip the confirmation of each step.
    pub yes: bool,
    /// How long to wait for each step's effect.
    pub wait: Duration,
    /// How often to look while waiting.
    pub poll: Duration,
    /// The JSON-lines journal.
    pub journal: PathBuf,
    /// Start at this step (1-based): to resume after a stop.
    pub from_step: usize,
}

/// What happened, as it happens (for progress output).
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum Progress {
    Step {
        step: usize,
        of: usize,
        action: String,
        objects: Vec<String>,
    },
    Skipped {
        step: usize,
        reason: String,
    },
    DryRun {
        step: usize,
        call: String,
    },
    Applied {
        step: usize,
        call: String,
    },
    Waiting {
        step: usize,
        effect: String,
    },
    Done {
        step: usize,
        seconds: f64,
    },
}

/// How a run ended.
#[derive(Clone, Debug, Serialize)]
pub struct ApplyReport {
    pub context: String,
    pub steps: usize,
    pub done: usize,
    pub skipped: usize,
    /// Where and why it stopped, if it did.
    pub stopped: Option<Stop>,
    pub journal: PathBuf,
}

#[derive(Clone, Debug, Serialize)]
pub struct Stop {
    /// 1-based.
    pub step: usize,
    pub reason: String,
    /// How to undo the steps already done, newest first.
    pub rollback: Vec<String>,
    /// Whether anything was changed in the cluster by the stopped step itself.
    pub changed: bool,
}

/// Why apply refused to start.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error("{0}")]
    Plan(String),
    #[error(transparent)]
    Live(#[from] LiveError),
    #[error("journal {path}: {message}")]
    Journal { path: String, message: String },
}

struct Journal {
    file: std::fs::File,
    path: PathBuf,
}

impl Journal {
    fn open(path: &Path) -> Result<Journal, ApplyError> {
        // Owner-only: the journal names every object and call.
        let file = crate::files::append(path).map_err(|e| ApplyError::Journal {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        Ok(Journal {
            file,
            path: path.to_path_buf(),
        })
    }

    fn write(&mut self, entry: Value) {
        let mut entry = entry;
        entry["time"] = json!(Utc::now().to_rfc3339());
        // A journal that cannot be written must not stop a half-done step; say so on stderr.
        if let Err(e) = writeln!(self.file, "{entry}") {
            eprintln!("warning: journal {}: {e}", self.path.display());
        }
    }
}

/// Refuses a plan made for another cluster, or holding several.
pub fn check_target(plan: &SavedPlan, context: &str) -> Result<(), ApplyError> {
    match plan.clusters.as_slice() {
        [one] if one == context => Ok(()),
        [one] => Err(ApplyError::Plan(format!(
            "this plan was made for cluster {one:?}, not context {context:?}: make it for this cluster with `quorum plan --context {context} ...` (or from an export loaded with --cluster {context}=DIR)"
        ))),
        many => Err(ApplyError::Plan(format!(
            "this plan spans clusters {}: apply works on one; make a plan with `quorum plan --context {context} ...`",
            many.join(", ")
        ))),
    }
}

/// Carries out `plan` on the context of `options`. `confirm` is asked before each step's real
/// calls unless `yes`; `progress` hears every event.
pub fn apply(
    plan: &SavedPlan,
    options: &ApplyOptions,
    confirm: &mut dyn FnMut(usize, &SavedStep) -> bool,
    progress: &mut dyn FnMut(&Progress),
) -> Result<ApplyReport, ApplyError> {
    check_target(plan, &options.context)?;
    let mut journal = Journal::open(&options.journal)?;
    let live = Options {
        contexts: vec![options.context.clone()],
        ..options.live.clone()
    };
    let rt = runtime()?;
    let cluster = rt
        .block_on(connect(&live))?
        .pop()
        .expect("one context gives one cluster");
    journal.write(json!({"event": "start", "context": options.context, "server": cluster.server, "goal": plan.goal, "steps": plan.steps.len(), "from_step": options.from_step}));
    let client = cluster.client;
    let mut report = ApplyReport {
        context: options.context.clone(),
        steps: plan.steps.len(),
        done: 0,
        skipped: 0,
        stopped: None,
        journal: options.journal.clone(),
    };
    let mut rollback: Vec<String> = Vec::new();
    let total = plan.steps.len();
    for (i, step) in plan.steps.iter().enumerate() {
        let number = i + 1;
        if number < options.from_step.max(1) {
            continue;
        }
        progress(&Progress::Step {
            step: number,
            of: total,
            action: step.action.clone(),
            objects: step.objects.clone(),
        });
        let outcome = rt.block_on(run_step(
            &client,
            number,
            step,
            options,
            &mut journal,
            confirm,
            progress,
        ));
        match outcome {
            StepOutcome::Done => {
                report.done += 1;
                if !step.rollback.is_empty() {
                    rollback.push(format!("step {number}: {}", step.rollback));
                }
            }
            StepOutcome::Skipped(reason) => {
                report.skipped += 1;
                journal.write(json!({"event": "skipped", "step": number, "reason": reason}));
                progress(&Progress::Skipped {
                    step: number,
                    reason,
                });
            }
            StepOutcome::Stopped { reason, changed } => {
                journal.write(json!({"event": "stopped", "step": number, "reason": reason, "changed": changed}));
                if changed && !step.rollback.is_empty() {
                    rollback.push(format!("step {number}: {}", step.rollback));
                }
                rollback.reverse();
                report.stopped = Some(Stop {
                    step: number,
                    reason,
                    rollback,
                    changed,
                });
                return Ok(report);
            }
        }
    }
    journal.write(json!({"event": "finished", "done": report.done, "skipped": report.skipped}));
    Ok(report)
}

enum StepOutcome {
    Done,
    Skipped(String),
    Stopped { reason: String, changed: bool },
}

fn stop(reason: impl Into<String>) -> StepOutcome {
    StepOutcome::Stopped {
        reason: reason.into(),
        changed: false,
    }
}

async fn run_step(
    client: &kube::Client,
    number: usize,
    step: &SavedStep,
    options: &ApplyOptions,
    journal: &mut Journal,
    confirm: &mut dyn FnMut(usize, &SavedStep) -> bool,
    progress: &mut dyn FnMut(&Progress),
) -> StepOutcome {
    if step.calls.is_empty() {
        return stop(format!(
            "step {number} ({}) is done by hand, not by apply: {}{}; then resume with --from-step {}",
            step.action,
            step.kubectl,
            if step.wait.is_empty() {
                String::new()
            } else {
                format!("; {}", step.wait)
            },
            number + 1
        ));
    }
    // 1. The plan still holds.
    let mut versions = Vec::new();
    for call in &step.calls {
        match precondition(client, call, step.expect.as_ref()).await {
            Ok(Check::Go(version, uid)) => versions.push((version, uid)),
            Ok(Check::AlreadyDone(why)) => return StepOutcome::Skipped(why),
            Ok(Check::Changed(why)) => {
                return stop(format!(
                    "step {number}: {} changed since the plan: {why}; make a new plan",
                    call.target()
                ));
            }
            Err(e) => return stop(format!("step {number}: reading {}: {e}", call.target())),
        }
    }
    // 2. Dry run of every call.
    for (call, (version, _)) in step.calls.iter().zip(&versions) {
        let result = send(client, call, version.as_deref(), true).await;
        journal.write(json!({"event": "call", "step": number, "dry_run": true, "call": call, "result": describe(&result)}));
        match result {
            Err(e) => {
                return stop(format!(
                    "step {number}: the dry run of {} {} was refused: {}",
                    verb(call.verb),
                    call.target(),
                    refusal(call, &e)
                ));
            }
            // Accepted but not kept: the real call would change nothing the step relies on.
            Ok(sent) if !sent.dropped.is_empty() => {
                return stop(format!(
                    "step {number}: the API server accepts the dry run of {} {} but drops {}: {}",
                    verb(call.verb),
                    call.target(),
                    sent.dropped.join(", "),
                    why_dropped(call, &sent.dropped)
                ));
            }
            Ok(_) => {}
        }
        progress(&Progress::DryRun {
            step: number,
            call: format!("{} {}", verb(call.verb), call.target()),
        });
    }
    // 3. Confirmation.
    if !options.yes && !confirm(number, step) {
        return stop(format!(
            "step {number} not confirmed; nothing of it was changed (resume with --from-step {number})"
        ));
    }
    // 4. For real.
    for (k, (call, (version, _))) in step.calls.iter().zip(&versions).enumerate() {
        let result = send(client, call, version.as_deref(), false).await;
        journal.write(json!({"event": "call", "step": number, "dry_run": false, "call": call, "result": describe(&result)}));
        if let Err(e) = result {
            return StepOutcome::Stopped {
                reason: format!(
                    "step {number}: {} {} failed: {}",
                    verb(call.verb),
                    call.target(),
                    refusal(call, &e)
                ),
                changed: k > 0,
            };
        }
        progress(&Progress::Applied {
            step: number,
            call: format!("{} {}", verb(call.verb), call.target()),
        });
    }
    // 5. The predicted effect.
    let Some(expect) = &step.expect else {
        progress(&Progress::Done {
            step: number,
            seconds: 0.0,
        });
        return StepOutcome::Done;
    };
    progress(&Progress::Waiting {
        step: number,
        effect: step.effect.clone(),
    });
    let evicted_uid = versions.iter().find_map(|(_, uid)| uid.clone());
    let started = std::time::Instant::now();
    loop {
        match observed(client, expect, evicted_uid.as_deref()).await {
            Ok(true) => {
                let seconds = started.elapsed().as_secs_f64();
                journal.write(json!({"event": "effect", "step": number, "expect": expect, "seconds": seconds}));
                progress(&Progress::Done {
                    step: number,
                    seconds,
                });
                return StepOutcome::Done;
            }
            Ok(false) => {}
            Err(e) => journal.write(json!({"event": "poll-error", "step": number, "error": e})),
        }
        if started.elapsed() >= options.wait {
            return StepOutcome::Stopped {
                reason: format!(
                    "step {number}: the predicted effect did not happen within {} s: {}",
                    options.wait.as_secs(),
                    step.effect
                ),
                changed: true,
            };
        }
        tokio::time::sleep(options.poll).await;
    }
}

enum Check {
    /// Go ahead: the version to send with a patch, and the uid of a pod to evict.
    Go(Option<String>, Option<String>),
    AlreadyDone(String),
    Changed(String),
}

fn dynamic_api(client: &kube::Client, call: &Call) -> Api<DynamicObject> {
    let (group, version) = match call.api_version.split_once('/') {
        Some((g, v)) => (g, v),
        None => ("", call.api_version.as_str()),
    };
    let resource = ApiResource::from_gvk(&GroupVersionKind::gvk(group, version, &call.kind));
    if call.namespace.is_empty() {
        Api::all_with(client.clone(), &resource)
    } else {
        Api::namespaced_with(client.clone(), &call.namespace, &resource)
    }
}

async fn precondition(
    client: &kube::Client,
    call: &Call,
    expect: Option<&Expect>,
) -> Result<Check, String> {
    match call.verb {
        Verb::Create => {
            let existing = dynamic_api(client, call)
                .get_opt(&call.name)
                .await
                .map_err(|e| chain(&e))?;
            Ok(match existing {
                Some(_) => Check::AlreadyDone(format!("{} exists already", call.target())),
                None => Check::Go(None, None),
            })
        }
        Verb::Evict => {
            let pods: Api<Pod> = Api::namespaced(client.clone(), &call.namespace);
            Ok(
                match pods.get_opt(&call.name).await.map_err(|e| chain(&e))? {
                    None => Check::Changed("the pod is gone".into()),
                    Some(pod) => Check::Go(None, pod.metadata.uid),
                },
            )
        }
        Verb::Patch if call.kind == "Lease" => {
            let leases: Api<Lease> = Api::namespaced(client.clone(), &call.namespace);
            let Some(lease) = leases.get_opt(&call.name).await.map_err(|e| chain(&e))? else {
                return Ok(Check::Changed("the lease is gone".into()));
            };
            let holder = lease
                .spec
                .as_ref()
                .and_then(|s| s.holder_identity.clone())
                .unwrap_or_default();
            if let Some(Expect::LeaseHeldBy { holder: to, .. }) = expect
                && holder_is(&holder, to)
            {
                return Ok(Check::AlreadyDone(format!(
                    "{} is held by {to} already",
                    call.target()
                )));
            }
            // A lease's version moves with every renewal; what must not have moved is its holder.
            Ok(Check::Go(lease.metadata.resource_version, None))
        }
        Verb::Patch => {
            let current = dynamic_api(client, call)
                .get_opt(&call.name)
                .await
                .map_err(|e| chain(&e))?;
            let Some(current) = current else {
                return Ok(Check::Changed("it is gone".into()));
            };
            // A workload's status moves its version all the time: its generation says whether
            // its spec changed.
            if let (Some(planned), Some(now)) = (call.generation, current.metadata.generation) {
                return if planned == now {
                    Ok(Check::Go(current.metadata.resource_version, None))
                } else {
                    Ok(Check::Changed(format!(
                        "generation {planned} in the plan, {now} now: its spec changed"
                    )))
                };
            }
            match (&call.resource_version, &current.metadata.resource_version) {
                (Some(planned), Some(now)) if planned != now => Ok(Check::Changed(format!(
                    "resourceVersion {planned} in the plan, {now} now"
                ))),
                _ => Ok(Check::Go(current.metadata.resource_version, None)),
            }
        }
    }
}

/// Holder identities are often `pod-name` or `pod-name_uuid`.
fn holder_is(identity: &str, pod: &str) -> bool {
    identity == pod
        || identity
            .strip_prefix(pod)
            .is_some_and(|rest| rest.starts_with('_'))
}

async fn send(
    client: &kube::Client,
    call: &Call,
    version: Option<&str>,
    dry_run: bool,
) -> Result<Sent, kube::Error> {
    match call.verb {
        Verb::Patch => {
            let mut body = call.body.clone().unwrap_or_else(|| json!({}));
            if let Some(v) = version {
                body["metadata"]["resourceVersion"] = json!(v);
            }
            let params = PatchParams {
                dry_run,
                ..PatchParams::default()
            };
            let out = dynamic_api(client, call)
                .patch(&call.name, &params, &Patch::Merge(&body))
                .await?;
            let dropped = dropped_fields(&body, &serde_json::to_value(&out).unwrap_or_default());
            Ok(Sent {
                summary: format!(
                    "patched (resourceVersion {})",
                    out.metadata.resource_version.unwrap_or_default()
                ),
                dropped,
            })
        }
        Verb::Create => {
            let body = call.body.clone().unwrap_or_else(|| json!({}));
            let object: DynamicObject =
                serde_json::from_value(body).map_err(kube::Error::SerdeError)?;
            let params = PostParams {
                dry_run,
                ..PostParams::default()
            };
            dynamic_api(client, call).create(&params, &object).await?;
            Ok(Sent::from("created"))
        }
        Verb::Evict => {
            let pods: Api<Pod> = Api::namespaced(client.clone(), &call.namespace);
            // The dry run goes in the query (`?dryRun=All`): kube's delete_options body field is
            // not one the API server reads.
            let params = EvictParams {
                delete_options: None,
                post_options: PostParams {
                    dry_run,
                    ..PostParams::default()
                },
            };
            let status = pods.evict(&call.name, &params).await?;
            Ok(Sent::from(format!("evicted ({})", status.message)))
        }
    }
}

/// What the server answered to a call it accepted.
struct Sent {
    summary: String,
    /// Fields the patch set that the object returned lacks: the server dropped them.
    dropped: Vec<String>,
}

impl<S: Into<String>> From<S> for Sent {
    fn from(summary: S) -> Sent {
        Sent {
            summary: summary.into(),
            dropped: vec![],
        }
    }
}

/// The paths (`spec.preferredHolder`) of fields a merge patch sets that `object` lacks. An API
/// server drops a field it does not know, or one whose feature gate is off, and still says 200.
fn dropped_fields(patch: &Value, object: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let Some(fields) = patch.as_object() else {
        return out;
    };
    for (key, value) in fields {
        if value.is_null() {
            continue; // a merge patch's null removes the field
        }
        match object.get(key) {
            None | Some(Value::Null) => out.push(key.clone()),
            Some(kept) if value.is_object() => out.extend(
                dropped_fields(value, kept)
                    .into_iter()
                    .map(|path| format!("{key}.{path}")),
            ),
            Some(_) => {}
        }
    }
    out
}

/// Why a server drops what a step sets, and what to do instead.
fn why_dropped(call: &Call, dropped: &[String]) -> String {
    if call.kind == "Lease" && dropped.iter().any(|f| f == "spec.preferredHolder") {
        "it keeps Lease spec.preferredHolder only with the CoordinatedLeaderElection feature gate \
         on and a spec.strategy on the lease (coordinated leader election), so no elector would \
         see this handover; make the plan with --handover restart"
            .into()
    } else {
        "a field this API server does not know or whose feature gate is off; the change would \
         have no effect, so nothing was changed"
            .into()
    }
}

fn describe(result: &Result<Sent, kube::Error>) -> Value {
    match result {
        Ok(sent) if sent.dropped.is_empty() => json!({"ok": sent.summary}),
        Ok(sent) => json!({"ok": sent.summary, "dropped": sent.dropped}),
        Err(kube::Error::Api(s)) => {
            json!({"code": s.code, "reason": s.reason, "message": s.message})
        }
        Err(e) => json!({"error": chain(e)}),
    }
}

fn verb(v: Verb) -> &'static str {
    match v {
        Verb::Patch => "patch",
        Verb::Create => "create",
        Verb::Evict => "evict",
    }
}

/// A refusal said in the terms of the step.
fn refusal(call: &Call, e: &kube::Error) -> String {
    match e {
        kube::Error::Api(s) if s.code == 429 && call.verb == Verb::Evict => format!(
            "a PodDisruptionBudget refuses the eviction (429: {})",
            s.message
        ),
        kube::Error::Api(s) if s.code == 409 => format!(
            "409 Conflict: the object changed between apply's read and its write ({}); make a new plan",
            s.message
        ),
        kube::Error::Api(s) if s.code == 403 => format!(
            "403 Forbidden ({}): grant it with deploy/rbac-apply.yaml",
            s.message
        ),
        kube::Error::Api(s) => format!("{} {}: {}", s.code, s.reason, s.message),
        other => chain(other),
    }
}

async fn observed(
    client: &kube::Client,
    expect: &Expect,
    evicted_uid: Option<&str>,
) -> Result<bool, String> {
    match expect {
        Expect::LeaseHeldBy {
            namespace,
            name,
            holder,
        }
        | Expect::LeaseNotHeldBy {
            namespace,
            name,
            holder,
        } => {
            let leases: Api<Lease> = Api::namespaced(client.clone(), namespace);
            let lease = leases.get_opt(name).await.map_err(|e| chain(&e))?;
            let identity = lease
                .and_then(|l| l.spec)
                .and_then(|s| s.holder_identity)
                .unwrap_or_default();
            let held = holder_is(&identity, holder);
            Ok(match expect {
                Expect::LeaseHeldBy { .. } => held,
                _ => !identity.is_empty() && !held,
            })
        }
        Expect::PodGone { namespace, name } => {
            let pods: Api<Pod> = Api::namespaced(client.clone(), namespace);
            let pod = pods.get_opt(name).await.map_err(|e| chain(&e))?;
            // Gone, going, or replaced by its controller under the same name.
            Ok(pod.is_none_or(|p| {
                p.metadata.deletion_timestamp.is_some()
                    || (evicted_uid.is_some() && p.metadata.uid.as_deref() != evicted_uid)
            }))
        }
        Expect::RolledOut {
            api_version,
            kind,
            namespace,
            name,
        } => {
            let found = read_object(client, api_version, kind, namespace, name).await?;
            Ok(found.is_some_and(|o| rolled_out(&o.data, o.metadata.generation)))
        }
        Expect::Exists {
            api_version,
            kind,
            namespace,
            name,
        } => Ok(read_object(client, api_version, kind, namespace, name)
            .await?
            .is_some()),
    }
}

/// One object as the server has it now, if it exists.
async fn read_object(
    client: &kube::Client,
    api_version: &str,
    kind: &str,
    namespace: &str,
    name: &str,
) -> Result<Option<DynamicObject>, String> {
    let call = Call {
        verb: Verb::Create,
        api_version: api_version.to_string(),
        kind: kind.to_string(),
        namespace: namespace.to_string(),
        name: name.to_string(),
        resource_version: None,
        generation: None,
        body: None,
    };
    dynamic_api(client, &call)
        .get_opt(name)
        .await
        .map_err(|e| chain(&e))
}

/// Whether a Deployment's or StatefulSet's controller has seen its latest spec and every
/// replica runs it, Ready, with none of the old ones left (`kubectl rollout status`).
fn rolled_out(data: &Value, generation: Option<i64>) -> bool {
    let status = &data["status"];
    let want = data["spec"]["replicas"].as_i64().unwrap_or(1);
    let count = |key: &str| status[key].as_i64().unwrap_or(0);
    let observed = status["observedGeneration"].as_i64().unwrap_or(0) >= generation.unwrap_or(0);
    let revision_done = match (
        status["currentRevision"].as_str(),
        status["updateRevision"].as_str(),
    ) {
        (Some(current), Some(update)) => current == update,
        _ => true,
    };
    observed
        && count("updatedReplicas") >= want
        && count("readyReplicas") >= want
        && count("replicas") == want
        && revision_done
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rollout_is_done_once_every_replica_is_updated_and_ready_and_no_old_one_is_left() {
        let done = json!({"spec": {"replicas": 3}, "status": {"observedGeneration": 2,
            "updatedReplicas": 3, "readyReplicas": 3, "replicas": 3}});
        assert!(rolled_out(&done, Some(2)));
        // The controller has not seen the patch yet.
        assert!(!rolled_out(&done, Some(3)));
        // A surge pod of the old ReplicaSet is still there.
        let surge = json!({"spec": {"replicas": 3}, "status": {"observedGeneration": 2,
            "updatedReplicas": 3, "readyReplicas": 3, "replicas": 4}});
        assert!(!rolled_out(&surge, Some(2)));
        // A StatefulSet still on its old revision.
        let sts = json!({"spec": {"replicas": 3}, "status": {"observedGeneration": 2,
            "updatedReplicas": 3, "readyReplicas": 3, "replicas": 3,
            "currentRevision": "db-1", "updateRevision": "db-2"}});
        assert!(!rolled_out(&sts, Some(2)));
    }

    // Regression: a default v1.33 API server answers 200 to a Lease `spec.preferredHolder` patch
    // (dry run or not) and drops the field (CoordinatedLeaderElection is off), so apply used to
    // wait the whole --wait for a handover no elector could see.
    #[test]
    fn a_lease_returned_without_the_preferred_holder_dropped_it() {
        let patch = json!({"metadata": {"resourceVersion": "282"},
                           "spec": {"preferredHolder": "pg-1"}});
        let returned = json!({"metadata": {"name": "pg-leader", "resourceVersion": "282"},
                              "spec": {"holderIdentity": "pg-0", "leaseDurationSeconds": 15}});
        assert_eq!(
            dropped_fields(&patch, &returned),
            vec!["spec.preferredHolder"]
        );
        let call = Call {
            verb: Verb::Patch,
            api_version: "coordination.k8s.io/v1".into(),
            kind: "Lease".into(),
            namespace: "db".into(),
            name: "pg-leader".into(),
            resource_version: None,
            generation: None,
            body: Some(patch),
        };
        assert!(
            why_dropped(&call, &["spec.preferredHolder".into()]).contains("--handover restart")
        );
    }

    #[test]
    fn fields_kept_in_another_form_or_removed_by_null_are_not_dropped() {
        let patch = json!({"spec": {"maxUnavailable": 1, "minAvailable": null,
                                    "template": {"spec": {"topologySpreadConstraints": [{"maxSkew": 1}]}}}});
        let returned = json!({"spec": {"maxUnavailable": "1",
                                       "template": {"spec": {"topologySpreadConstraints": [
                                           {"maxSkew": 1, "whenUnsatisfiable": "DoNotSchedule"}]}}}});
        assert!(dropped_fields(&patch, &returned).is_empty());
    }
}
