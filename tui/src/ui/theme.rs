//! Colours by role. Only the terminal's own named colours and modifiers, never a background, so
//! the text stays legible on dark and light terminals; `mono` (NO_COLOR) uses modifiers alone.

use quorum_core::config::TuiConfig;
use ratatui::style::{Color, Modifier, Style};

#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    pub name: &'static str,
    pub critical: Style,
    pub warning: Style,
    pub ok: Style,
    pub accent: Style,
    pub muted: Style,
    pub selected: Style,
    pub title: Style,
    /// Whether colours are used at all (marks carry the meaning otherwise).
    pub color: bool,
}

impl Theme {
    pub fn dark() -> Theme {
        Theme {
            name: "dark",
            critical: Style::new()
                .fg(Color::LightRed)
                .add_modifier(Modifier::BOLD),
            warning: Style::new().fg(Color::Yellow),
            ok: Style::new().fg(Color::Green),
            accent: Style::new().fg(Color::Cyan),
            muted: Style::new().fg(Color::DarkGray),
            selected: Style::new().add_modifier(Modifier::REVERSED),
            title: Style::new().add_modifier(Modifier::BOLD),
            color: true,
        }
    }

    /// Darker hues: yellow and cyan wash out on white.
    pub fn light() -> Theme {
        Theme {
            name: "light",
            critical: Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            warning: Style::new().fg(Color::Magenta),
            ok: Style::new().fg(Color::Green),
            accent: Style::new().fg(Color::Blue),
            muted: Style::new().fg(Color::Gray),
            selected: Style::new().add_modifier(Modifier::REVERSED),
            title: Style::new().add_modifier(Modifier::BOLD),
            color: true,
        }
    }

    pub fn mono() -> Theme {
        Theme {
            name: "mono",
            critical: Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            warning: Style::new().add_modifier(Modifier::BOLD),
            ok: Style::new(),
            accent: Style::new(),
            muted: Style::new().add_modifier(Modifier::DIM),
            selected: Style::new().add_modifier(Modifier::REVERSED),
            title: Style::new().add_modifier(Modifier::BOLD),
            color: false,
        }
    }

    /// The configured theme; NO_COLOR (`no_color`) wins over everything.
    pub fn from_config(config: &TuiConfig, no_color: bool) -> Result<Theme, String> {
        if no_color {
            return Ok(Theme::mono());
        }
        let mut theme = match config.theme.as_deref() {
            None | Some("dark") => Theme::dark(),
            Some("light") => Theme::light(),
            Some("mono") => return Ok(Theme::mono()),
            Some(other) => {
                return Err(format!(
                    ".quorum.yaml tui.theme: unknown theme {other:?} (dark, light or mono)"
                ));
            }
        };
        for (role, colour) in &config.colors {
            let c: Color = colour.parse().map_err(|_| {
                format!(
                    ".quorum.yaml tui.colors.{role}: unknown colour {colour:?} (a name like red, \
                     lightblue, darkgray, or #rrggbb)"
                )
            })?;
            let slot = match role.as_str() {
                "critical" => &mut theme.critical,
                "warning" => &mut theme.warning,
                "ok" => &mut theme.ok,
                "accent" => &mut theme.accent,
                "muted" => &mut theme.muted,
                "selected" => &mut theme.selected,
                other => {
                    return Err(format!(
                        ".quorum.yaml tui.colors: unknown role {other:?} (critical, warning, ok, \
                         accent, muted, selected)"
                    ));
                }
            };
            *slot = slot.fg(c);
        }
        Ok(theme)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_wins_and_unknown_names_are_errors() {
        let mut config = TuiConfig {
            theme: Some("light".into()),
            ..TuiConfig::default()
        };
        assert_eq!(Theme::from_config(&config, true).unwrap().name, "mono");
        assert_eq!(Theme::from_config(&config, false).unwrap().name, "light");
        config.colors.insert("critical".into(), "magenta".into());
        let t = Theme::from_config(&config, false).unwrap();
        assert_eq!(t.critical.fg, Some(Color::Magenta));
        config.colors.insert("critical".into(), "blurple".into());
        assert!(Theme::from_config(&config, false).is_err());
        config.theme = Some("neon".into());
        assert!(Theme::from_config(&config, false).is_err());
    }
}
