//! The `:` prompt: completion, and the commands it runs (views, `:node`, `:group`, `:context`).

use super::*;

pub(super) fn command_key(state: &mut State, mut text: String, key: KeyEvent) -> Option<Cmd> {
    match key.code {
        KeyCode::Esc => state.mode = Mode::Normal,
        KeyCode::Enter => {
            state.mode = Mode::Normal;
            return run_command(state, text.trim());
        }
        KeyCode::Tab => {
            text = complete(state, &text);
            state.mode = Mode::Command(text);
        }
        KeyCode::Backspace => {
            if text.pop().is_none() {
                state.mode = Mode::Normal;
            } else {
                state.mode = Mode::Command(text);
            }
        }
        KeyCode::Char(c) => {
            text.push(c);
            state.mode = Mode::Command(text);
        }
        _ => {}
    }
    None
}

/// The names `:context` takes: the clusters loaded, and live, every kubeconfig context.
pub fn context_names(state: &State) -> Vec<String> {
    let mut names: Vec<String> = state
        .data
        .as_ref()
        .map(|d| d.topology.clusters.iter().map(|c| c.name.clone()).collect())
        .unwrap_or_default();
    if state.source.is_live() {
        for name in state.source.contexts.iter().chain(&state.source.available) {
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
    }
    names
}

/// Completions of a command line so far.
pub fn completions(state: &State, text: &str) -> Vec<String> {
    for (word, names) in [
        ("node ", node_names as fn(&State) -> Vec<String>),
        ("group ", group_names),
    ] {
        if let Some(rest) = text.strip_prefix(word) {
            return names(state)
                .into_iter()
                .filter(|n| n.starts_with(rest.trim_start()))
                .map(|n| format!("{word}{n}"))
                .collect();
        }
    }
    if let Some(rest) = text.strip_prefix("context ") {
        return context_names(state)
            .into_iter()
            .filter(|c| c.starts_with(rest.trim_start()))
            .map(|c| format!("context {c}"))
            .collect();
    }
    COMMANDS
        .iter()
        .filter(|c| c.starts_with(text))
        .map(|c| c.to_string())
        .collect()
}

fn complete(state: &State, text: &str) -> String {
    let all = completions(state, text);
    match all.as_slice() {
        [] => text.to_string(),
        [one] if one == "context" || one == "node" || one == "group" => format!("{one} "),
        [one] => one.clone(),
        many => {
            // The longest common prefix.
            let first = &many[0];
            let mut len = first.len();
            for other in &many[1..] {
                len = len.min(
                    first
                        .chars()
                        .zip(other.chars())
                        .take_while(|(a, b)| a == b)
                        .count(),
                );
            }
            first[..len].to_string()
        }
    }
}

fn run_command(state: &mut State, text: &str) -> Option<Cmd> {
    let (word, arg) = match text.split_once(' ') {
        Some((w, a)) => (w, a.trim()),
        None => (text, ""),
    };
    let view = match word {
        "" => return None,
        "zones" | "zone" | "z" | "topology" | "topo" | "nodes" => Some(View::Topology),
        "leaders" | "leases" | "l" => Some(View::Leaders),
        "groups" | "g" | "sts" => Some(View::Groups),
        "findings" | "f" => Some(View::Findings),
        "simulate" | "sim" | "s" => Some(View::Simulate),
        "plan" | "p" => Some(View::Plan),
        _ => None,
    };
    if let Some(v) = view {
        switch_view(state, v);
        return None;
    }
    match word {
        "help" | "h" => state.mode = Mode::Help(0),
        "quit" | "q" | "q!" => {
            state.quit = true;
            return Some(Cmd::Quit);
        }
        "context" | "ctx" => return context(state, arg),
        "node" => jump_to_node(state, arg),
        "group" => jump_to_group(state, arg),
        other => {
            state.flash = Some(format!(
                "unknown command :{other} (:{})",
                COMMANDS.join(" :")
            ));
        }
    }
    None
}

/// Node names (as shown) and group names `:node` and `:group` take.
fn node_names(state: &State) -> Vec<String> {
    state.data.as_ref().map_or_else(Vec::new, |d| {
        let t = &d.topology;
        (0..t.nodes.len())
            .map(|n| t.node_display(NodeId(n as u32)))
            .collect()
    })
}

fn group_names(state: &State) -> Vec<String> {
    state.data.as_ref().map_or_else(Vec::new, |d| {
        d.analysis.groups.iter().map(|g| g.name.clone()).collect()
    })
}

/// `:node NAME`: the Topology view with that node selected.
fn jump_to_node(state: &mut State, name: &str) {
    let Some(data) = state.data.as_ref() else {
        return;
    };
    let t = &data.topology;
    match (0..t.nodes.len())
        .map(|n| NodeId(n as u32))
        .find(|n| t.node_display(*n) == name)
    {
        Some(node) => select_node(state, node),
        None => state.flash = Some(format!("no node {name:?} (Tab completes names)")),
    }
}

/// `:group NAMESPACE/NAME`: the group opened in the Groups view.
fn jump_to_group(state: &mut State, name: &str) {
    let Some(data) = state.data.as_ref() else {
        return;
    };
    match data.analysis.groups.iter().find(|g| g.name == name) {
        Some(g) => {
            let id = g.id;
            state.groups.list.filter.clear();
            switch_view(state, View::Groups);
            state.groups.open = Some(id);
            state.groups.member = 0;
        }
        None => state.flash = Some(format!("no group {name:?} (Tab completes names)")),
    }
}

fn context(state: &mut State, name: &str) -> Option<Cmd> {
    let names = context_names(state);
    if name.is_empty() {
        if state.topology.cluster.take().is_some() {
            state.flash = Some("showing every cluster".into());
        } else {
            state.flash = Some(format!("contexts: {}", names.join(", ")));
        }
        return None;
    }
    if !names.iter().any(|n| n == name) {
        state.flash = Some(format!(
            "no context {name:?} (contexts: {})",
            names.join(", ")
        ));
        return None;
    }
    let loaded = state
        .data
        .as_ref()
        .is_some_and(|d| d.topology.cluster_named(name).is_some());
    let several = state
        .data
        .as_ref()
        .is_some_and(|d| d.topology.multi_cluster());
    if state.source.is_live() && !(loaded && several) {
        if loaded {
            state.flash = Some(format!("already on context {name}"));
            return None;
        }
        // Another cluster: what is shown belongs to the old one until the new one is read.
        state.data = None;
        state.sim = Default::default();
        state.plan = Default::default();
        state.topology = Default::default();
        state.source.contexts = vec![name.to_string()];
        state.source.loading = true;
        state.source.error = None;
        state.source.stale_since = None;
        switch_view(state, View::Topology);
        state.flash = Some(format!("reading context {name}…"));
        return Some(Cmd::SwitchContext(name.to_string()));
    }
    if let Some(data) = &state.data {
        state.topology.cluster = data.topology.cluster_named(name);
        state.topology.zone = 0;
        state.topology.node = None;
        switch_view(state, View::Topology);
        state.flash = Some(format!(
            "cluster {name} (:context alone shows every cluster)"
        ));
    }
    None
}
