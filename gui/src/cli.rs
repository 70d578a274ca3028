//! The command line (clap derive): what to open.

use std::path::PathBuf;

use clap::Parser;
use clap::builder::PossibleValuesParser;
use quorum_core::load::Input;
use quorum_core::samples::{self, Sample};

/// The sample opened when no input is named.
pub const DEFAULT_SAMPLE: &str = "three-zones";

#[derive(Parser, Debug)]
#[command(
    name = "quorum-gui",
    version,
    about = "Quorum's window: where the replicas and election leaders of stateful workloads live, \
             zone by zone, and what a failure would cost them.",
    after_help = "Examples:\n  quorum-gui                                   the three-zones sample\n  quorum-gui --sample two-dcs                  two data centres, dual-active\n  quorum-gui cluster.yaml                      a `kubectl get ... -A -o yaml` export\n  quorum-gui --cluster dc-a=a/ --cluster dc-b=b/\n\nA .quorum.yaml in the working directory applies to files, as with `quorum analyze`.\nExit codes: 2 bad usage or an unreadable input; 3 no display."
)]
pub struct Args {
    /// Files or directories of `kubectl get -o yaml|json` exports (`-` reads stdin); together
    /// they form one cluster named `default`.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Objects under PATH belong to cluster NAME (repeat for several clusters).
    #[arg(long = "cluster", value_name = "NAME=PATH", value_parser = Input::parse_cluster)]
    pub clusters: Vec<Input>,
    /// Open a sample built into the binary [default when no input is given: three-zones].
    #[arg(
        long,
        value_name = "NAME",
        value_parser = PossibleValuesParser::new(samples::SAMPLES.iter().map(|s| s.name)),
        conflicts_with_all = ["paths", "clusters"]
    )]
    pub sample: Option<String>,
    /// Read a live cluster through this kubeconfig context, read-only (repeat for several
    /// clusters); Reload reads it again.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["paths", "clusters", "sample"])]
    pub context: Vec<String>,
    /// The kubeconfig for --context [default: KUBECONFIG, then ~/.kube/config].
    #[arg(long, value_name = "FILE", requires = "context")]
    pub kubeconfig: Option<PathBuf>,
    /// Follow this Kubernetes release's rules (1.30 to 1.37) [default: the live server's
    /// version, else the newest kubelet version among the nodes, else the newest known].
    #[arg(long, value_name = "X.Y", value_parser = kubernetes_version)]
    pub kubernetes_version: Option<String>,
    /// Write a review report (Markdown, or HTML when PATH ends in .html) without opening a window.
    #[arg(long, value_name = "PATH")]
    pub report: Option<PathBuf>,
    /// Open the window, save a PNG of it to PATH once the cluster is drawn, and exit.
    #[arg(long, value_name = "PATH")]
    pub screenshot: Option<PathBuf>,
    /// Open the window, time the first frame and the frames zoomed out and in, print, and exit.
    #[arg(long)]
    pub measure: bool,
}

/// What the window shows: a built-in sample, the inputs the flags name, or live clusters.
#[derive(Clone)]
pub enum Origin {
    Sample(&'static Sample),
    Inputs(Vec<Input>),
    Live(quorum_core::live::Options),
}

impl Args {
    pub fn origin(&self) -> Origin {
        if !self.context.is_empty() {
            return Origin::Live(quorum_core::live::Options {
                contexts: self.context.clone(),
                kubeconfig: self.kubeconfig.clone(),
                ..quorum_core::live::Options::default()
            });
        }
        let mut inputs: Vec<Input> = self
            .paths
            .iter()
            .map(|p| Input::new("default", p))
            .collect();
        inputs.extend(self.clusters.iter().cloned());
        if !inputs.is_empty() {
            return Origin::Inputs(inputs);
        }
        let name = self.sample.as_deref().unwrap_or(DEFAULT_SAMPLE);
        Origin::Sample(samples::find(name).expect("clap admits only sample names"))
    }
}

impl Origin {
    /// What was opened, in a few words: the sample's name, or the paths.
    pub fn title(&self) -> String {
        match self {
            Origin::Sample(sample) => format!("sample {}", sample.name),
            Origin::Inputs(inputs) => inputs
                .iter()
                .map(|i| {
                    let path = if i.is_stdin() {
                        "<stdin>".into()
                    } else {
                        i.path.display().to_string()
                    };
                    if i.cluster == "default" {
                        path
                    } else {
                        format!("{}={path}", i.cluster)
                    }
                })
                .collect::<Vec<_>>()
                .join(" "),
            Origin::Live(options) if options.contexts.is_empty() => {
                "live: the current context".into()
            }
            Origin::Live(options) => format!("live: {}", options.contexts.join(", ")),
        }
    }

    /// The same inputs as the `quorum` command line takes them, for a reader to repeat a number:
    /// `cluster.yaml`, `--cluster dc-a=a/ --cluster dc-b=b/`, `--context prod`; a sample by the
    /// paths of its files in the repository.
    pub fn cli_inputs(&self) -> String {
        let word = |cluster: &str, path: String| {
            if cluster == "default" {
                path
            } else {
                format!("--cluster {cluster}={path}")
            }
        };
        match self {
            Origin::Sample(sample) => sample
                .files
                .iter()
                .map(|(cluster, path, _)| word(cluster, (*path).to_string()))
                .collect::<Vec<_>>()
                .join(" "),
            Origin::Inputs(inputs) => inputs
                .iter()
                .map(|i| word(&i.cluster, i.path.display().to_string()))
                .collect::<Vec<_>>()
                .join(" "),
            Origin::Live(options) => options
                .contexts
                .iter()
                .map(|c| format!("--context {c}"))
                .collect::<Vec<_>>()
                .join(" "),
        }
    }

    /// The files to watch for changes (not stdin, not samples).
    pub fn watched_paths(&self) -> Vec<PathBuf> {
        match self {
            Origin::Sample(_) | Origin::Live(_) => vec![],
            Origin::Inputs(inputs) => inputs
                .iter()
                .filter(|i| !i.is_stdin())
                .map(|i| i.path.clone())
                .collect(),
        }
    }
}

/// Inputs from words, as the Open prompt and the recent list hold them: `PATH` or `NAME=PATH`,
/// separated by spaces.
pub fn inputs_from_words(text: &str) -> Vec<Input> {
    text.split_whitespace()
        .map(|w| Input::parse_cluster(w).unwrap_or_else(|_| Input::new("default", w)))
        .collect()
}

fn kubernetes_version(text: &str) -> Result<String, String> {
    quorum_core::release::parse_asked(text)
        .map(|_| text.trim().to_string())
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, clap::Error> {
        Args::try_parse_from(std::iter::once("quorum-gui").chain(args.iter().copied()))
    }

    #[test]
    fn no_input_opens_the_three_zones_sample() {
        let origin = parse(&[]).unwrap().origin();
        assert!(matches!(origin, Origin::Sample(s) if s.name == "three-zones"));
    }

    #[test]
    fn paths_form_the_default_cluster_and_cluster_flags_name_theirs() {
        let origin = parse(&["a.yaml", "--cluster", "dc-b=b/"]).unwrap().origin();
        let Origin::Inputs(inputs) = origin else {
            panic!("expected inputs")
        };
        assert_eq!(
            inputs,
            vec![Input::new("default", "a.yaml"), Input::new("dc-b", "b/")]
        );
    }

    #[test]
    fn the_open_prompt_takes_paths_and_named_clusters() {
        assert_eq!(
            inputs_from_words(" a.yaml  dc-b=b/ "),
            vec![Input::new("default", "a.yaml"), Input::new("dc-b", "b/")]
        );
    }

    #[test]
    fn the_inputs_are_named_as_the_quorum_command_line_takes_them() {
        let origin = parse(&["a.yaml", "--cluster", "dc-b=b/"]).unwrap().origin();
        assert_eq!(origin.cli_inputs(), "a.yaml --cluster dc-b=b/");
        let origin = parse(&["--sample", "two-dcs"]).unwrap().origin();
        assert_eq!(
            origin.cli_inputs(),
            "--cluster dc-a=samples/two-dcs/dc-a.yaml --cluster dc-b=samples/two-dcs/dc-b.yaml"
        );
    }

    #[test]
    fn a_cluster_flag_without_a_name_is_a_usage_error() {
        assert!(parse(&["--cluster", "b.yaml"]).is_err());
        assert!(parse(&["--cluster", "=b.yaml"]).is_err());
    }

    #[test]
    fn an_unknown_sample_or_a_sample_with_files_is_a_usage_error() {
        assert!(parse(&["--sample", "nope"]).is_err());
        assert!(parse(&["--sample", "two-dcs", "a.yaml"]).is_err());
    }
}
