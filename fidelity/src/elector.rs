//! A client-go-style leader elector on one `coordination.k8s.io/v1` Lease, for one identity.
//!
//! It follows `k8s.io/client-go/tools/leaderelection` (v1.33) step by step, so the takeovers the
//! fidelity suite measures are those of the electors most controllers run:
//!
//! - a candidate tries every retry period with client-go's jitter (`wait.JitterUntil`, factor
//!   1.2: every 2 to 4.4 s by default) and takes the lease when it is vacant or when the record it
//!   last saw change has not changed for `leaseDurationSeconds` *of its own clock* (client-go's
//!   `observedTime`, not the record's `renewTime`);
//! - the leader renews every retry period and gives up when it could not renew within the renew
//!   deadline;
//! - on SIGTERM the leader clears `holderIdentity` (duration 1 s) when asked to release on cancel
//!   (client-go's `ReleaseOnCancel`), and otherwise just stops, leaving the lease to expire.
//!
//! Two additions, each off unless the Lease or a flag asks for it:
//!
//! - `spec.preferredHolder` (coordinated leader election): a leader that sees another identity
//!   preferred releases the lease at once, and candidates other than the preferred one wait a
//!   further lease duration before taking a free lease, so the preferred one wins. A Quorum plan's
//!   targeted handover is observable this way. `strategy` and `preferredHolder` are kept on every
//!   write (a stock client-go elector writes them away).
//! - `quorum_of`: a candidate of a quorum group (a StatefulSet) campaigns only while a majority
//!   of the StatefulSet's pods are Ready, as Raft and Patroni members only elect with a majority.

use std::time::{Duration, Instant};

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta};
use k8s_openapi::jiff::Timestamp;
use kube::Api;
use kube::api::{ListParams, PostParams};

/// client-go's `JitterFactor` for candidates.
const JITTER_FACTOR: f64 = 1.2;

/// How one elector runs.
#[derive(Clone, Debug)]
pub struct Settings {
    pub namespace: String,
    pub lease: String,
    /// The candidate's identity: the pod name.
    pub identity: String,
    pub lease_duration: Duration,
    pub renew_deadline: Duration,
    pub retry_period: Duration,
    pub release_on_cancel: bool,
    /// A StatefulSet (same namespace) whose Ready majority a candidate needs to campaign.
    pub quorum_of: Option<String>,
}

impl Settings {
    /// client-go's defaults: lease 15 s, renew deadline 10 s, retry every 2 s, no release.
    pub fn new(namespace: &str, lease: &str, identity: &str) -> Settings {
        Settings {
            namespace: namespace.into(),
            lease: lease.into(),
            identity: identity.into(),
            lease_duration: Duration::from_secs(15),
            renew_deadline: Duration::from_secs(10),
            retry_period: Duration::from_secs(2),
            release_on_cancel: false,
            quorum_of: None,
        }
    }
}

/// client-go's `LeaderElectionRecord`, plus the coordinated election fields it carries.
#[derive(Clone, Debug, Default, PartialEq)]
struct Record {
    holder: String,
    duration_seconds: i32,
    acquire: Option<Timestamp>,
    renew: Option<Timestamp>,
    transitions: i32,
    preferred_holder: Option<String>,
    strategy: Option<String>,
}

impl Record {
    fn of(spec: &LeaseSpec) -> Record {
        Record {
            holder: spec.holder_identity.clone().unwrap_or_default(),
            duration_seconds: spec.lease_duration_seconds.unwrap_or(0),
            acquire: spec.acquire_time.as_ref().map(|t| t.0),
            renew: spec.renew_time.as_ref().map(|t| t.0),
            transitions: spec.lease_transitions.unwrap_or(0),
            preferred_holder: spec.preferred_holder.clone().filter(|p| !p.is_empty()),
            strategy: spec.strategy.clone().filter(|s| !s.is_empty()),
        }
    }

    fn spec(&self) -> LeaseSpec {
        LeaseSpec {
            holder_identity: Some(self.holder.clone()),
            lease_duration_seconds: Some(self.duration_seconds),
            acquire_time: self.acquire.map(MicroTime),
            renew_time: self.renew.map(MicroTime),
            lease_transitions: Some(self.transitions),
            preferred_holder: self.preferred_holder.clone(),
            strategy: self.strategy.clone(),
        }
    }
}

/// What happened, one JSON line each on stdout (the harness keeps them in a log).
fn say(settings: &Settings, event: &str, detail: &str) {
    println!(
        "{}",
        serde_json::json!({
            "at": Timestamp::now().to_string(),
            "lease": format!("{}/{}", settings.namespace, settings.lease),
            "identity": settings.identity,
            "event": event,
            "detail": detail,
        })
    );
}

/// One elector's state: client-go's `LeaderElector`.
pub struct Elector {
    settings: Settings,
    leases: Api<Lease>,
    pods: Api<Pod>,
    statefulsets: Api<StatefulSet>,
    /// The Lease as last read or written (its resourceVersion guards the next update).
    lease: Option<Lease>,
    observed: Record,
    observed_at: Instant,
    /// Since when a lease preferred for someone else has been free (vacant or expired).
    free_since: Option<Instant>,
    random: u64,
}

impl Elector {
    pub fn new(client: kube::Client, settings: Settings) -> Elector {
        let seed = std::process::id() as u64
            ^ Timestamp::now().as_nanosecond() as u64
            ^ settings
                .identity
                .bytes()
                .fold(0u64, |h, b| h.wrapping_mul(0x100000001b3) ^ u64::from(b));
        Elector {
            leases: Api::namespaced(client.clone(), &settings.namespace),
            pods: Api::namespaced(client.clone(), &settings.namespace),
            statefulsets: Api::namespaced(client, &settings.namespace),
            settings,
            lease: None,
            observed: Record::default(),
            observed_at: Instant::now(),
            free_since: None,
            random: seed | 1,
        }
    }

    pub fn is_leader(&self) -> bool {
        self.observed.holder == self.settings.identity
    }

    fn lease_valid(&self, now: Instant) -> bool {
        self.observed_at + Duration::from_secs(self.observed.duration_seconds.max(0) as u64) > now
    }

    fn observe(&mut self, record: Record) {
        self.observed = record;
        self.observed_at = Instant::now();
    }

    /// client-go's `wait.Jitter(period, 1.2)`.
    fn jittered(&mut self, period: Duration) -> Duration {
        // xorshift64*: enough randomness to spread candidates, no dependency.
        self.random ^= self.random >> 12;
        self.random ^= self.random << 25;
        self.random ^= self.random >> 27;
        let r = (self.random.wrapping_mul(0x2545F4914F6CDD1D) >> 11) as f64 / (1u64 << 53) as f64;
        period + period.mul_f64(r * JITTER_FACTOR)
    }

    async fn update(&mut self, record: &Record) -> bool {
        let Some(mut lease) = self.lease.clone() else {
            return false;
        };
        lease.spec = Some(record.spec());
        match self
            .leases
            .replace(&self.settings.lease, &PostParams::default(), &lease)
            .await
        {
            Ok(written) => {
                self.lease = Some(written);
                self.observe(record.clone());
                true
            }
            Err(e) => {
                // A 409 is another writer (a renewal, a patch): the slow path reads it.
                if !matches!(&e, kube::Error::Api(a) if a.code == 409) {
                    say(&self.settings, "update-failed", &e.to_string());
                }
                false
            }
        }
    }

    /// Whether a majority of the StatefulSet's pods are Ready (always, without `quorum_of`).
    async fn has_quorum(&self) -> bool {
        let Some(name) = &self.settings.quorum_of else {
            return true;
        };
        let Ok(sts) = self.statefulsets.get(name).await else {
            return false;
        };
        let replicas = sts.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
        let selector = sts
            .spec
            .as_ref()
            .and_then(|s| s.selector.match_labels.clone())
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(",");
        let Ok(pods) = self
            .pods
            .list(&ListParams::default().labels(&selector))
            .await
        else {
            return false;
        };
        let ready = pods
            .items
            .iter()
            .filter(|p| p.metadata.deletion_timestamp.is_none())
            .filter(|p| {
                p.status
                    .as_ref()
                    .and_then(|s| s.conditions.as_ref())
                    .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
            })
            .count() as i32;
        ready > replicas / 2
    }

    /// client-go's `tryAcquireOrRenew`, with the preferred-holder and quorum rules.
    async fn try_acquire_or_renew(&mut self) -> bool {
        let now = Timestamp::now();
        let me = self.settings.identity.clone();
        let duration = self.settings.lease_duration.as_secs() as i32;
        // 1. The leader's fast path: update assuming the record it wrote is still current.
        if self.is_leader() && self.lease_valid(Instant::now()) {
            let record = Record {
                renew: Some(now),
                duration_seconds: duration,
                ..self.observed.clone()
            };
            if self.update(&record).await {
                return true;
            }
        }
        // 2. Read the record, or create it.
        let current = match self.leases.get(&self.settings.lease).await {
            Ok(lease) => lease,
            Err(kube::Error::Api(e)) if e.code == 404 => {
                let record = Record {
                    holder: me,
                    duration_seconds: duration,
                    acquire: Some(now),
                    renew: Some(now),
                    ..Record::default()
                };
                let lease = Lease {
                    metadata: ObjectMeta {
                        name: Some(self.settings.lease.clone()),
                        namespace: Some(self.settings.namespace.clone()),
                        ..ObjectMeta::default()
                    },
                    spec: Some(record.spec()),
                };
                return match self.leases.create(&PostParams::default(), &lease).await {
                    Ok(written) => {
                        self.lease = Some(written);
                        self.observe(record);
                        true
                    }
                    Err(_) => false,
                };
            }
            Err(e) => {
                say(&self.settings, "get-failed", &e.to_string());
                return false;
            }
        };
        let record = Record::of(&current.spec.clone().unwrap_or_default());
        self.lease = Some(current);
        // 3. The observed time moves only when the record changed.
        if record != self.observed {
            self.observe(record.clone());
        }
        let preferred_elsewhere = record.preferred_holder.as_ref().is_some_and(|p| *p != me);
        if self.is_leader() && preferred_elsewhere {
            say(
                &self.settings,
                "yielded",
                record.preferred_holder.as_deref().unwrap_or_default(),
            );
            self.release().await;
            return false;
        }
        let now_i = Instant::now();
        if !record.holder.is_empty() && self.lease_valid(now_i) && !self.is_leader() {
            self.free_since = None;
            return false;
        }
        if !self.is_leader() {
            if preferred_elsewhere {
                // Give the preferred candidate one lease duration to take it first.
                let since = *self.free_since.get_or_insert(now_i);
                if now_i.duration_since(since) < self.settings.lease_duration {
                    return false;
                }
            }
            if !self.has_quorum().await {
                return false;
            }
        }
        // 4. Take or keep it.
        let next = if self.is_leader() {
            Record {
                renew: Some(now),
                duration_seconds: duration,
                ..record
            }
        } else {
            Record {
                holder: me,
                duration_seconds: duration,
                acquire: Some(now),
                renew: Some(now),
                transitions: record.transitions + 1,
                ..record
            }
        };
        self.update(&next).await
    }

    /// client-go's `release`: clear the holder, duration 1 s.
    pub async fn release(&mut self) -> bool {
        if !self.is_leader() {
            return true;
        }
        let now = Timestamp::now();
        let record = Record {
            holder: String::new(),
            duration_seconds: 1,
            acquire: Some(now),
            renew: Some(now),
            ..self.observed.clone()
        };
        let done = self.update(&record).await;
        if done {
            say(&self.settings, "released", "");
        }
        done
    }

    /// Campaigns and leads until `stop` turns true; a leader that cannot renew within the renew
    /// deadline goes back to campaigning (as a restarted pod would). A stop is taken between
    /// requests, never in the middle of one: a renewal cut off after the server applied it would
    /// leave this elector with a stale resourceVersion, and its release would then be a 409.
    pub async fn run(&mut self, mut stop: tokio::sync::watch::Receiver<bool>) {
        say(&self.settings, "started", "");
        loop {
            // acquire: wait.JitterUntil(retry, 1.2, sliding)
            loop {
                if *stop.borrow() {
                    return;
                }
                if self.try_acquire_or_renew().await {
                    break;
                }
                let wait = self.jittered(self.settings.retry_period);
                if pause(wait, &mut stop).await {
                    return;
                }
            }
            say(&self.settings, "acquired", "");
            // renew: wait.Until(PollImmediateUntil(retry, try, renewDeadline), retry)
            'leading: loop {
                let deadline = Instant::now() + self.settings.renew_deadline;
                loop {
                    if *stop.borrow() {
                        return;
                    }
                    if self.try_acquire_or_renew().await {
                        break;
                    }
                    if !self.is_leader() {
                        break 'leading;
                    }
                    if Instant::now() + self.settings.retry_period > deadline {
                        say(&self.settings, "lost", "renew deadline passed");
                        self.observed.holder.clear();
                        break 'leading;
                    }
                    if pause(self.settings.retry_period, &mut stop).await {
                        return;
                    }
                }
                if pause(self.settings.retry_period, &mut stop).await {
                    return;
                }
            }
            say(
                &self.settings,
                "stopped-leading",
                &self.observed.holder.clone(),
            );
        }
    }
}

/// Sleeps for `wait` unless `stop` turns true first; says whether it did.
async fn pause(wait: Duration, stop: &mut tokio::sync::watch::Receiver<bool>) -> bool {
    if *stop.borrow() {
        return true;
    }
    tokio::select! {
        _ = tokio::time::sleep(wait) => *stop.borrow(),
        changed = stop.changed() => changed.is_err() || *stop.borrow(),
    }
}

/// Builds a client for a kubeconfig context (installing the TLS provider once).
pub async fn client(kubeconfig: &std::path::Path, context: &str) -> Result<kube::Client, String> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let config = kube::config::Kubeconfig::read_from(kubeconfig).map_err(|e| e.to_string())?;
    let config = kube::Config::from_custom_kubeconfig(
        config,
        &kube::config::KubeConfigOptions {
            context: Some(context.to_string()),
            ..Default::default()
        },
    )
    .await
    .map_err(|e| e.to_string())?;
    kube::Client::try_from(config).map_err(|e| e.to_string())
}
