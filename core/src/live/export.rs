//! `quorum export`: what a live cluster holds of the kinds Quorum reads, written as kubectl-style
//! `List` files (one per kind), page by page, so `analyze` on the export sees what
//! `analyze --context` sees. Objects are stripped to what the model reads ([`super::minimal`]:
//! no environment, command lines, ConfigMap data or annotations Quorum does not read); Secrets
//! are never read. Kinds the model reads for their metadata alone (ConfigMaps, Endpoints,
//! Namespaces: [`super::wire::metadata_only`]) are listed as `PartialObjectMetadata`, so their
//! data is never sent.

use std::io::Write;
use std::path::{Path, PathBuf};

use kube::Api;
use kube::api::{ApiResource, DynamicObject, ListParams, ObjectList};
use serde::Serialize;

use super::discover::{Discovery, Served};
use super::errors::{LiveError, Problem, chain, classify, forbidden_warning, unserved_warning};
use super::wire::{Model, metadata_only, resource_name};
use super::{Cluster, Options, ReadProgress, connect, discover_all, runtime};
use crate::model::Kind;

/// What was written for one context.
#[derive(Clone, Debug, Serialize)]
pub struct Exported {
    pub cluster: String,
    pub dir: PathBuf,
    pub objects: u64,
    pub files: Vec<PathBuf>,
    /// LIST requests made (pages).
    pub requests: u64,
    /// Kinds RBAC refused or the server does not serve.
    pub warnings: Vec<String>,
}

/// Exports every context of `options` below `dir`: straight into `dir` for one context, into
/// `dir/CONTEXT` for several.
pub fn export(options: &Options, dir: &Path) -> Result<Vec<Exported>, LiveError> {
    export_with_progress(options, dir, |_| {})
}

/// [`export`], calling `progress` after every page.
pub fn export_with_progress(
    options: &Options,
    dir: &Path,
    mut progress: impl FnMut(ReadProgress),
) -> Result<Vec<Exported>, LiveError> {
    runtime()?.block_on(async {
        let clusters = connect(options).await?;
        let discovered = discover_all(&clusters).await?;
        let several = clusters.len() > 1;
        let mut so_far = ReadProgress {
            kinds: clusters.len() * Kind::ALL.len(),
            ..ReadProgress::default()
        };
        let mut out = Vec::new();
        for (cluster, discovery) in clusters.iter().zip(&discovered) {
            let target = if several {
                dir.join(&cluster.name)
            } else {
                dir.to_path_buf()
            };
            let mut tell = |p: ReadProgress| progress(p);
            let mut report = Report {
                so_far: &mut so_far,
                tell: &mut tell,
            };
            out.push(
                export_cluster(cluster, discovery, options.page_size, &target, &mut report).await?,
            );
        }
        Ok(out)
    })
}

/// How far an export has come, and whom to tell.
struct Report<'a> {
    so_far: &'a mut ReadProgress,
    tell: &'a mut dyn FnMut(ReadProgress),
}

impl Report<'_> {
    fn page(&mut self, objects: usize) {
        self.so_far.pages += 1;
        self.so_far.objects += objects;
        (self.tell)(*self.so_far);
    }

    fn kind_done(&mut self) {
        self.so_far.kinds_done += 1;
        (self.tell)(*self.so_far);
    }
}

async fn export_cluster(
    cluster: &Cluster,
    discovery: &Discovery,
    page_size: u32,
    dir: &Path,
    report: &mut Report<'_>,
) -> Result<Exported, LiveError> {
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    let mut done = Exported {
        cluster: cluster.name.clone(),
        dir: dir.to_path_buf(),
        objects: 0,
        files: vec![],
        requests: 0,
        warnings: cluster.warnings.clone(),
    };
    // Each kind at the version the server serves it; a kind not served is a warning.
    macro_rules! each {
        ($($ty:ty),*) => {
            $(if discovery.served(<$ty as Model>::MODEL)
                == &Served::At(<$ty as k8s_openapi::Resource>::VERSION)
            {
                export_kind::<$ty>(cluster, page_size, dir, &mut done, report).await?;
                report.kind_done();
            })*
        };
    }
    crate::live::wire::each_model!(each);
    crate::live::wire::each_older_model!(each);
    for (kind, why) in discovery.missing() {
        done.warnings.push(unserved_warning(kind, why));
        report.kind_done();
    }
    // The server's release, as `kubectl version -o json` writes it: analyze on the export
    // follows the rules analyze on the live cluster follows.
    if let Some(version) = &discovery.server_version {
        let path = dir.join("version.json");
        let text = serde_json::to_string_pretty(
            &serde_json::json!({"serverVersion": {"gitVersion": version}}),
        )
        .expect("a version serializes");
        crate::files::write(&path, format!("{text}\n").as_bytes()).map_err(|e| io(&path, e))?;
        done.files.push(path);
    }
    Ok(done)
}

/// One page of a LIST: of metadata alone for a kind read only for its metadata (the objects
/// then have no fields besides it), of whole objects otherwise.
async fn list_page(
    api: &Api<DynamicObject>,
    params: &ListParams,
    metadata: bool,
) -> kube::Result<ObjectList<DynamicObject>> {
    if !metadata {
        return api.list(params).await;
    }
    let page = api.list_metadata(params).await?;
    Ok(ObjectList {
        types: page.types,
        metadata: page.metadata,
        items: page
            .items
            .into_iter()
            .map(|partial| DynamicObject {
                types: None,
                metadata: partial.metadata,
                data: serde_json::Value::Object(Default::default()),
            })
            .collect(),
    })
}

fn io(path: &Path, e: std::io::Error) -> LiveError {
    LiveError::Runtime(format!("{}: {e}", path.display()))
}

async fn export_kind<K: Model>(
    cluster: &Cluster,
    page_size: u32,
    dir: &Path,
    done: &mut Exported,
    report: &mut Report<'_>,
) -> Result<(), LiveError> {
    let resource = ApiResource {
        group: K::GROUP.into(),
        version: K::VERSION.into(),
        api_version: K::API_VERSION.into(),
        kind: K::KIND.into(),
        plural: K::URL_PATH_SEGMENT.into(),
    };
    let api: Api<DynamicObject> = Api::all_with(cluster.client.clone(), &resource);
    // Numbered in the order the live store keeps kinds, so `analyze` on the export lists objects
    // in the same order as `analyze --context`.
    let order = Kind::ALL
        .iter()
        .position(|k| *k == K::MODEL)
        .expect("every model kind is in Kind::ALL")
        + 1;
    let path = dir.join(format!("{order:02}-{}.json", K::URL_PATH_SEGMENT));
    let mut items: u64 = 0;
    let mut file: Option<std::io::BufWriter<std::fs::File>> = None;
    let mut token: Option<String> = None;
    let mut restarts = 0;
    loop {
        let mut params = ListParams::default().limit(page_size);
        if let Some(t) = &token {
            params = params.continue_token(t);
        }
        done.requests += 1;
        let page = match list_page(&api, &params, metadata_only(K::MODEL)).await {
            Ok(page) => page,
            Err(e) => {
                return match classify(&e) {
                    // The continue token expired mid-way (410): start the kind again.
                    Problem::Gone if restarts < 3 => {
                        restarts += 1;
                        file = None;
                        items = 0;
                        token = None;
                        continue;
                    }
                    Problem::Forbidden(message) => {
                        done.warnings.push(forbidden_warning(K::MODEL, &message));
                        Ok(())
                    }
                    Problem::Unauthorized => Err(LiveError::Unauthorized {
                        context: cluster.name.clone(),
                        verb: "list".into(),
                        resource: resource_name(K::MODEL).into(),
                    }),
                    Problem::Unreachable(message) => Err(LiveError::Unreachable {
                        context: cluster.name.clone(),
                        server: cluster.server.clone(),
                        message,
                    }),
                    _ => Err(LiveError::Context {
                        context: cluster.name.clone(),
                        message: format!("list {}: {}", resource_name(K::MODEL), chain(&e)),
                    }),
                };
            }
        };
        report.page(page.items.len());
        let writer = match &mut file {
            Some(w) => w,
            None => {
                // Owner-only: an export holds the cluster's details.
                let f = crate::files::create(&path).map_err(|e| io(&path, e))?;
                let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
                write!(w, "{{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[")
                    .map_err(|e| io(&path, e))?;
                file.insert(w)
            }
        };
        for mut object in page.items {
            super::minimal::minimal(K::MODEL, &mut object);
            object.types = Some(kube::api::TypeMeta {
                api_version: K::API_VERSION.into(),
                kind: K::KIND.into(),
            });
            if items > 0 {
                writer.write_all(b",\n").map_err(|e| io(&path, e))?;
            } else {
                writer.write_all(b"\n").map_err(|e| io(&path, e))?;
            }
            serde_json::to_writer(&mut *writer, &object)
                .map_err(|e| LiveError::Runtime(format!("{}: {e}", path.display())))?;
            items += 1;
        }
        token = page.metadata.continue_.filter(|t| !t.is_empty());
        if token.is_none() {
            break;
        }
    }
    if let Some(mut w) = file {
        w.write_all(b"\n]}\n").map_err(|e| io(&path, e))?;
        w.flush().map_err(|e| io(&path, e))?;
        done.files.push(path);
    }
    done.objects += items;
    Ok(())
}
