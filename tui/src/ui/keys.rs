//! Actions and the key map: keys are data, with defaults and overrides from `.quorum.yaml`
//! (`tui.keys`); the help screen is generated from whatever is bound.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use quorum_core::config::TuiConfig;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    Quit,
    Back,
    Help,
    Command,
    Filter,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    NextView,
    PrevView,
    Topology,
    Leaders,
    Groups,
    Findings,
    Simulate,
    Plan,
    Fail,
    FailZone,
    Drain,
    Partition,
    Undo,
    PickGoal,
    Apply,
    Expand,
    Describe,
    Order,
    Inputs,
    Severity,
}

impl Action {
    pub const ALL: &'static [Action] = &[
        Action::Quit,
        Action::Back,
        Action::Help,
        Action::Command,
        Action::Filter,
        Action::Up,
        Action::Down,
        Action::Left,
        Action::Right,
        Action::PageUp,
        Action::PageDown,
        Action::Top,
        Action::Bottom,
        Action::Open,
        Action::NextView,
        Action::PrevView,
        Action::Topology,
        Action::Leaders,
        Action::Groups,
        Action::Findings,
        Action::Simulate,
        Action::Plan,
        Action::Fail,
        Action::FailZone,
        Action::Drain,
        Action::Partition,
        Action::Undo,
        Action::PickGoal,
        Action::Apply,
        Action::Expand,
        Action::Describe,
        Action::Order,
        Action::Inputs,
        Action::Severity,
    ];

    /// The name used in `.quorum.yaml`.
    pub fn name(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::Back => "back",
            Action::Help => "help",
            Action::Command => "command",
            Action::Filter => "filter",
            Action::Up => "up",
            Action::Down => "down",
            Action::Left => "left",
            Action::Right => "right",
            Action::PageUp => "page-up",
            Action::PageDown => "page-down",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::Open => "open",
            Action::NextView => "next-view",
            Action::PrevView => "prev-view",
            Action::Topology => "topology",
            Action::Leaders => "leaders",
            Action::Groups => "groups",
            Action::Findings => "findings",
            Action::Simulate => "simulate",
            Action::Plan => "plan",
            Action::Fail => "fail",
            Action::FailZone => "fail-zone",
            Action::Drain => "drain",
            Action::Partition => "partition",
            Action::Undo => "undo",
            Action::PickGoal => "pick-goal",
            Action::Apply => "apply",
            Action::Expand => "expand",
            Action::Describe => "describe",
            Action::Order => "order",
            Action::Inputs => "inputs",
            Action::Severity => "severity",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Action::Quit => "quit (closes an open panel first)",
            Action::Back => {
                "back: cancel work in progress, close the panel, the filter or the prompt"
            }
            Action::Help => "this help",
            Action::Command => "command mode: a command (listed below), tab completes",
            Action::Filter => "filter the list",
            Action::Up => "up",
            Action::Down => "down",
            Action::Left => "previous zone / column",
            Action::Right => "next zone / column",
            Action::PageUp => "page up",
            Action::PageDown => "page down",
            Action::Top => "first",
            Action::Bottom => "last",
            Action::Open => "open: group details, jump to a finding's subject, cut a partition",
            Action::NextView => "next view",
            Action::PrevView => "previous view",
            Action::Topology => "Topology view",
            Action::Leaders => "Leaders view",
            Action::Groups => "Groups view",
            Action::Findings => "Findings view",
            Action::Simulate => "Simulate view",
            Action::Plan => "Plan view",
            Action::Fail => "fail the selected node (or zone, on its header)",
            Action::FailZone => "fail the selected zone",
            Action::Drain => "drain the selected node (or zone)",
            Action::Partition => "add or remove the zone from a partition's side (Enter cuts)",
            Action::Undo => "undo the last simulated event",
            Action::PickGoal => "plan: pick a goal",
            Action::Apply => "apply the plan (live clusters only)",
            Action::Expand => "show or hide the pods under each node",
            Action::Describe => {
                "describe the selected node or group: its findings with their file and line"
            }
            Action::Order => {
                "order nodes and groups: name, worst finding, leaders, quorum replicas"
            }
            Action::Inputs => "show or hide the input problems",
            Action::Severity => "findings: cycle the lowest severity shown",
        }
    }

    pub fn section(self) -> &'static str {
        match self {
            Action::Quit
            | Action::Back
            | Action::Help
            | Action::Command
            | Action::Filter
            | Action::Inputs => "General",
            Action::Up
            | Action::Down
            | Action::Left
            | Action::Right
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom
            | Action::Open
            | Action::Expand
            | Action::Describe
            | Action::Order
            | Action::Severity => "Move",
            Action::NextView
            | Action::PrevView
            | Action::Topology
            | Action::Leaders
            | Action::Groups
            | Action::Findings
            | Action::Simulate
            | Action::Plan => "Views",
            Action::Fail
            | Action::FailZone
            | Action::Drain
            | Action::Partition
            | Action::Undo
            | Action::PickGoal
            | Action::Apply => "What if",
        }
    }

    fn from_name(name: &str) -> Option<Action> {
        Action::ALL.iter().copied().find(|a| a.name() == name)
    }
}

/// A key with its modifiers (shift is part of the character: `X`, `?`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chord {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl Chord {
    pub fn parse(text: &str) -> Result<Chord, String> {
        let mut ctrl = false;
        let mut alt = false;
        let mut rest = text;
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-") {
                ctrl = true;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-") {
                alt = true;
                rest = r;
            } else {
                break;
            }
        }
        let code = match rest {
            "esc" => KeyCode::Esc,
            "enter" => KeyCode::Enter,
            "tab" => KeyCode::Tab,
            "backtab" | "shift-tab" => KeyCode::BackTab,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "pgup" | "pageup" => KeyCode::PageUp,
            "pgdn" | "pagedown" => KeyCode::PageDown,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "space" => KeyCode::Char(' '),
            "backspace" => KeyCode::Backspace,
            "delete" => KeyCode::Delete,
            f if f.len() > 1 && f.starts_with('f') && f[1..].parse::<u8>().is_ok() => {
                KeyCode::F(f[1..].parse().unwrap_or(1))
            }
            c if c.chars().count() == 1 => KeyCode::Char(c.chars().next().unwrap_or(' ')),
            other => {
                return Err(format!(
                    "unknown key {other:?} in {text:?}: use a character, ctrl-X, alt-X, esc, enter, \
                     tab, backtab, up, down, left, right, pgup, pgdn, home, end, space, f1..f12"
                ));
            }
        };
        Ok(Chord { code, ctrl, alt })
    }

    pub fn of(event: &KeyEvent) -> Chord {
        let code = match event.code {
            // Some terminals report shift+char as lower case with SHIFT.
            KeyCode::Char(c) if event.modifiers.contains(KeyModifiers::SHIFT) => {
                KeyCode::Char(c.to_ascii_uppercase())
            }
            c => c,
        };
        Chord {
            code,
            ctrl: event.modifiers.contains(KeyModifiers::CONTROL),
            alt: event.modifiers.contains(KeyModifiers::ALT),
        }
    }

    pub fn label(&self) -> String {
        let key = match self.code {
            KeyCode::Esc => "esc".to_string(),
            KeyCode::Enter => "enter".to_string(),
            KeyCode::Tab => "tab".to_string(),
            KeyCode::BackTab => "shift-tab".to_string(),
            KeyCode::Up => "↑".to_string(),
            KeyCode::Down => "↓".to_string(),
            KeyCode::Left => "←".to_string(),
            KeyCode::Right => "→".to_string(),
            KeyCode::PageUp => "pgup".to_string(),
            KeyCode::PageDown => "pgdn".to_string(),
            KeyCode::Home => "home".to_string(),
            KeyCode::End => "end".to_string(),
            KeyCode::Backspace => "backspace".to_string(),
            KeyCode::Delete => "delete".to_string(),
            KeyCode::F(n) => format!("f{n}"),
            KeyCode::Char(' ') => "space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            _ => "?".to_string(),
        };
        match (self.ctrl, self.alt) {
            (true, _) => format!("ctrl-{key}"),
            (_, true) => format!("alt-{key}"),
            _ => key,
        }
    }
}

#[derive(Clone, Debug)]
pub struct KeyMap {
    bindings: Vec<(Chord, Action)>,
}

impl KeyMap {
    pub fn defaults() -> KeyMap {
        use Action::*;
        let table: &[(Action, &[&str])] = &[
            (Quit, &["q", "ctrl-c"]),
            (Back, &["esc"]),
            (Help, &["?"]),
            (Command, &[":"]),
            (Filter, &["/"]),
            (Up, &["up", "k"]),
            (Down, &["down", "j"]),
            (Left, &["left", "h"]),
            (Right, &["right", "l"]),
            (PageUp, &["pgup"]),
            (PageDown, &["pgdn"]),
            (Top, &["home", "g"]),
            (Bottom, &["end", "G"]),
            (Open, &["enter"]),
            (NextView, &["tab"]),
            (PrevView, &["backtab"]),
            (Topology, &["1"]),
            (Leaders, &["2"]),
            (Groups, &["3"]),
            (Findings, &["4"]),
            (Simulate, &["5"]),
            (Plan, &["6"]),
            (Fail, &["x"]),
            (FailZone, &["X"]),
            (Drain, &["d"]),
            (Partition, &["p"]),
            (Undo, &["u"]),
            (PickGoal, &["P"]),
            (Apply, &["A"]),
            (Expand, &["e"]),
            (Describe, &["v"]),
            (Order, &["o"]),
            (Inputs, &["i"]),
            (Severity, &["s"]),
        ];
        let bindings = table
            .iter()
            .flat_map(|(action, keys)| {
                keys.iter()
                    .map(move |k| (Chord::parse(k).expect("default keys parse"), *action))
            })
            .collect();
        KeyMap { bindings }
    }

    /// The defaults with `.quorum.yaml`'s overrides: an action's keys replace its defaults, and a
    /// key taken by an override is removed from any other action.
    pub fn from_config(config: &TuiConfig) -> Result<KeyMap, String> {
        let mut map = KeyMap::defaults();
        for (name, keys) in &config.keys {
            let action = Action::from_name(name).ok_or_else(|| {
                format!(
                    ".quorum.yaml tui.keys: unknown action {name:?}; the actions are: {}",
                    Action::ALL
                        .iter()
                        .map(|a| a.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?;
            let chords = keys
                .keys()
                .into_iter()
                .map(Chord::parse)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!(".quorum.yaml tui.keys.{name}: {e}"))?;
            map.bindings
                .retain(|(c, a)| *a != action && !chords.contains(c));
            map.bindings.extend(chords.into_iter().map(|c| (c, action)));
        }
        Ok(map)
    }

    pub fn action(&self, event: &KeyEvent) -> Option<Action> {
        let chord = Chord::of(event);
        self.bindings
            .iter()
            .find(|(c, _)| *c == chord)
            .map(|(_, a)| *a)
    }

    /// The keys bound to an action, as shown ("x", "ctrl-c").
    pub fn keys_for(&self, action: Action) -> Vec<String> {
        self.bindings
            .iter()
            .filter(|(_, a)| *a == action)
            .map(|(c, _)| c.label())
            .collect()
    }

    /// The first key of an action, for hints.
    pub fn key(&self, action: Action) -> String {
        self.keys_for(action)
            .into_iter()
            .next()
            .unwrap_or_else(|| format!(":{}", action.name()))
    }

    /// Help lines: (section, keys, what the action does), by section, then in the order of
    /// [`Action::ALL`]; actions without a key are left out.
    pub fn help(&self) -> Vec<(&'static str, String, &'static str)> {
        ["General", "Move", "Views", "What if"]
            .iter()
            .flat_map(|section| {
                Action::ALL
                    .iter()
                    .filter(move |a| a.section() == *section)
                    .map(|a| (a.section(), self.keys_for(*a).join(" "), a.describe()))
            })
            .filter(|(_, keys, _)| !keys.is_empty())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quorum_core::config::KeyList;

    fn key(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    #[test]
    fn no_default_key_does_two_things() {
        let map = KeyMap::defaults();
        for (i, (chord, action)) in map.bindings.iter().enumerate() {
            for (other, second) in &map.bindings[i + 1..] {
                assert!(
                    chord != other,
                    "{chord:?} is bound to both {action:?} and {second:?}"
                );
            }
        }
    }

    #[test]
    fn the_defaults_follow_k9s() {
        let m = KeyMap::defaults();
        assert_eq!(m.action(&key(':')), Some(Action::Command));
        assert_eq!(m.action(&key('/')), Some(Action::Filter));
        assert_eq!(m.action(&key('?')), Some(Action::Help));
        assert_eq!(m.action(&key('q')), Some(Action::Quit));
        assert_eq!(
            m.action(&KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
            Some(Action::Back)
        );
        assert_eq!(
            m.action(&KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
    }

    #[test]
    fn an_override_replaces_the_actions_keys_and_takes_the_key_from_others() {
        let mut config = TuiConfig::default();
        config.keys.insert("fail".into(), KeyList::One("d".into()));
        let m = KeyMap::from_config(&config).unwrap();
        assert_eq!(m.action(&key('d')), Some(Action::Fail));
        assert_eq!(m.action(&key('x')), None);
        assert!(m.keys_for(Action::Drain).is_empty());
        // The help lists what is bound, so it follows the override.
        assert!(
            m.help()
                .iter()
                .any(|(_, k, d)| k == "d" && d.starts_with("fail"))
        );
    }

    #[test]
    fn an_unknown_action_or_key_is_an_error_naming_what_is_known() {
        let mut config = TuiConfig::default();
        config
            .keys
            .insert("explode".into(), KeyList::One("e".into()));
        let e = KeyMap::from_config(&config).unwrap_err();
        assert!(e.contains("explode") && e.contains("fail"), "{e}");
        let mut config = TuiConfig::default();
        config
            .keys
            .insert("fail".into(), KeyList::One("hyper-x".into()));
        let e = KeyMap::from_config(&config).unwrap_err();
        assert!(e.contains("hyper-x"), "{e}");
    }

    #[test]
    fn shift_letters_match_whatever_the_terminal_reports() {
        let m = KeyMap::defaults();
        let shifted = KeyEvent::new(KeyCode::Char('x'), KeyModifiers::SHIFT);
        assert_eq!(m.action(&shifted), Some(Action::FailZone));
        let upper = KeyEvent::new(KeyCode::Char('X'), KeyModifiers::SHIFT);
        assert_eq!(m.action(&upper), Some(Action::FailZone));
    }
}
