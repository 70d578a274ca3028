//! One `quorum-elector` process per replica pod of each workload that holds a leader Lease, kept
//! in step with the pods as a kubelet would: started when the pod runs Ready, sent SIGTERM when
//! the pod is deleted on a live node (an eviction, a drain), SIGKILLed with its node (a failed
//! node's pods stop at once, DESIGN.md) and never restarted there.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

use crate::objects::{condition_true, name, namespace, selector_matches};

/// The electors of one Lease: the pods its workload's selector matches.
#[derive(Clone, Debug)]
pub struct LeaseElectors {
    pub namespace: String,
    pub lease: String,
    pub duration_seconds: u32,
    /// The workload's pod selector.
    pub selector: Value,
    /// A StatefulSet: candidates need a Ready majority of it.
    pub quorum_of: Option<String>,
    pub release_on_cancel: bool,
}

struct Running {
    child: Child,
    pod: String,
    node: String,
    signalled: bool,
}

/// The elector processes of a scenario.
pub struct Electors {
    bin: PathBuf,
    kubeconfig: PathBuf,
    logs: PathBuf,
    leases: Mutex<Vec<LeaseElectors>>,
    /// By (pod uid, lease index).
    running: Mutex<BTreeMap<(String, usize), Running>>,
    failed_nodes: Mutex<BTreeSet<String>>,
    stopping: AtomicBool,
    /// (pod, lease, seconds since the epoch) of every start, kill and stop, for the report.
    pub journal: Mutex<Vec<(String, String, &'static str, f64)>>,
}

impl Electors {
    pub fn new(bin: PathBuf, kubeconfig: PathBuf, logs: PathBuf) -> Arc<Electors> {
        std::fs::create_dir_all(&logs).expect("a log directory");
        Arc::new(Electors {
            bin,
            kubeconfig,
            logs,
            leases: Mutex::new(vec![]),
            running: Mutex::new(BTreeMap::new()),
            failed_nodes: Mutex::new(BTreeSet::new()),
            stopping: AtomicBool::new(false),
            journal: Mutex::new(vec![]),
        })
    }

    pub fn add(&self, lease: LeaseElectors) {
        self.leases.lock().unwrap().push(lease);
    }

    fn note(&self, pod: &str, lease: &str, what: &'static str) {
        self.journal.lock().unwrap().push((
            pod.to_string(),
            lease.to_string(),
            what,
            crate::objects::now_seconds(),
        ));
    }

    fn spawn(&self, spec: &LeaseElectors, pod: &str) -> Child {
        let log = self.logs.join(format!(
            "elector-{}-{}-{pod}.log",
            spec.namespace, spec.lease
        ));
        let out = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .expect("an elector log");
        let mut c = Command::new(&self.bin);
        c.arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .args(["--context", "quorum-real", "-n", &spec.namespace])
            .args(["--lease", &spec.lease, "--identity", pod])
            .args(["--lease-duration", &spec.duration_seconds.to_string()]);
        if let Some(sts) = &spec.quorum_of {
            c.args(["--quorum-of", sts]);
        }
        if spec.release_on_cancel {
            c.arg("--release-on-cancel");
        }
        c.stdout(out.try_clone().expect("a log handle"))
            .stderr(out)
            .stdin(Stdio::null());
        c.spawn().expect("quorum-elector starts")
    }

    /// Brings the processes in line with the pods (one pass).
    pub fn sync(&self, pods: &[Value]) {
        if self.stopping.load(Ordering::SeqCst) {
            return;
        }
        let leases = self.leases.lock().unwrap().clone();
        let failed = self.failed_nodes.lock().unwrap().clone();
        let mut running = self.running.lock().unwrap();
        let mut seen = BTreeSet::new();
        for (i, spec) in leases.iter().enumerate() {
            for pod in pods
                .iter()
                .filter(|p| namespace(p) == spec.namespace && selector_matches(&spec.selector, p))
            {
                let uid = pod["metadata"]["uid"].as_str().unwrap_or("").to_string();
                let node = pod["spec"]["nodeName"].as_str().unwrap_or("").to_string();
                let deleting = !pod["metadata"]["deletionTimestamp"].is_null();
                let k = (uid, i);
                seen.insert(k.clone());
                match running.get_mut(&k) {
                    Some(r) => {
                        if deleting && !failed.contains(&r.node) && !r.signalled {
                            let _ = Command::new("kill")
                                .args(["-TERM", &r.child.id().to_string()])
                                .status();
                            r.signalled = true;
                            self.note(&r.pod, &spec.lease, "sigterm");
                        }
                    }
                    None => {
                        let ready = condition_true(pod, "Ready")
                            && pod["status"]["phase"].as_str() == Some("Running");
                        if ready && !deleting && !node.is_empty() && !failed.contains(&node) {
                            let child = self.spawn(spec, name(pod));
                            self.note(name(pod), &spec.lease, "start");
                            running.insert(
                                k,
                                Running {
                                    child,
                                    pod: name(pod).to_string(),
                                    node,
                                    signalled: false,
                                },
                            );
                        }
                    }
                }
            }
        }
        // Pods that are gone: their process ends with them.
        let gone: Vec<(String, usize)> = running
            .keys()
            .filter(|k| !seen.contains(*k))
            .cloned()
            .collect();
        for k in gone {
            if let Some(mut r) = running.remove(&k) {
                let _ = r.child.kill();
                let _ = r.child.wait();
            }
        }
    }

    /// The nodes fail: their electors are SIGKILLed at once and never restarted there.
    pub fn fail_nodes(&self, nodes: &[String]) {
        let mut failed = self.failed_nodes.lock().unwrap();
        failed.extend(nodes.iter().cloned());
        let leases = self.leases.lock().unwrap().clone();
        let mut running = self.running.lock().unwrap();
        for ((_, i), r) in running.iter_mut() {
            if nodes.contains(&r.node) && !r.signalled {
                let _ = r.child.kill();
                let _ = r.child.wait();
                r.signalled = true;
                self.note(&r.pod, &leases[*i].lease, "sigkill");
            }
        }
    }

    /// The nodes are back: their pods' electors may start again.
    pub fn recover_nodes(&self, nodes: &[String]) {
        self.failed_nodes
            .lock()
            .unwrap()
            .retain(|n| !nodes.contains(n));
        self.running
            .lock()
            .unwrap()
            .retain(|_, r| !nodes.contains(&r.node));
    }

    /// Sends a signal (`KILL` or `TERM`) to one pod's elector of one lease.
    pub fn signal(&self, pod: &str, lease: &str, signal: &str) -> bool {
        let leases = self.leases.lock().unwrap().clone();
        let mut running = self.running.lock().unwrap();
        for ((_, i), r) in running.iter_mut() {
            if r.pod == pod && leases[*i].lease == lease && !r.signalled {
                let _ = Command::new("kill")
                    .args([&format!("-{signal}"), &r.child.id().to_string()])
                    .status();
                r.signalled = true;
                self.note(
                    pod,
                    lease,
                    if signal == "KILL" {
                        "sigkill"
                    } else {
                        "sigterm"
                    },
                );
                return true;
            }
        }
        false
    }

    /// The pods whose elector runs now, by lease.
    pub fn alive(&self) -> BTreeMap<String, Vec<String>> {
        let leases = self.leases.lock().unwrap().clone();
        let mut running = self.running.lock().unwrap();
        let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for ((_, i), r) in running.iter_mut() {
            let exited = matches!(r.child.try_wait(), Ok(Some(_)));
            if !exited && !r.signalled {
                let l = &leases[*i];
                out.entry(format!("{}/{}", l.namespace, l.lease))
                    .or_default()
                    .push(r.pod.clone());
            }
        }
        out
    }

    /// Keeps the processes in line with the pods every half second until stopped.
    /// The thread holds no strong reference: dropping the last `Arc` stops it and kills them.
    pub fn supervise(self: &Arc<Self>, kube: crate::api::Kube) -> std::thread::JoinHandle<()> {
        let weak = Arc::downgrade(self);
        std::thread::spawn(move || {
            loop {
                let Some(me) = weak.upgrade() else { break };
                if me.stopping.load(Ordering::SeqCst) {
                    break;
                }
                let pods = kube.list("pods");
                me.sync(&pods);
                drop(me);
                std::thread::sleep(Duration::from_millis(500));
            }
        })
    }

    /// Kills every elector.
    pub fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        let mut running = self.running.lock().unwrap();
        for (_, mut r) in std::mem::take(&mut *running) {
            let _ = r.child.kill();
            let _ = r.child.wait();
        }
    }
}

impl Drop for Electors {
    fn drop(&mut self) {
        self.stop();
    }
}
