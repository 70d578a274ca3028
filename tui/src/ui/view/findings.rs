//! Findings: most severe first, filterable; the highlighted one in full below the list.

use quorum_core::check::Severity;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::col;
use crate::ui::layout;
use crate::ui::rows;
use crate::ui::state::{Data, State};

pub fn draw(state: &State, data: &Data, frame: &mut Frame, body: Rect) {
    let th = &state.theme;
    let lay = layout::findings(body);
    let rows = rows::findings(state, data);
    let findings = &data.analysis.findings;
    let w = lay.rows.width as usize;
    let height = lay.rows.height as usize;
    let first = rows::offset(state.findings.list.selected, height, rows.len());
    let sev_style = |s: Severity| match s {
        Severity::Critical => th.critical,
        Severity::Warning => th.warning,
        Severity::Info => th.muted,
    };
    let mut lines = Vec::new();
    for (k, i) in rows.iter().enumerate().skip(first).take(height) {
        let f = &findings[*i];
        let base = if k == state.findings.list.selected {
            th.selected
        } else {
            Style::new()
        };
        let subject = if f.subject.namespace.is_empty() {
            format!("{} {}", f.subject.kind, f.subject.name)
        } else {
            format!(
                "{} {}/{}",
                f.subject.kind, f.subject.namespace, f.subject.name
            )
        };
        let check_w = 30.min(w / 4);
        let subject_w = 36.min(w / 3);
        let msg_w = w.saturating_sub(9 + check_w + subject_w);
        lines.push(Line::from(vec![
            Span::styled(
                col(f.severity.as_str(), 9),
                base.patch(sev_style(f.severity)),
            ),
            Span::styled(col(f.check, check_w), base),
            Span::styled(col(&subject, subject_w), base.patch(th.accent)),
            Span::styled(col(&f.message, msg_w), base),
        ]));
    }
    if rows.is_empty() {
        lines.push(Line::styled(
            if findings.is_empty() {
                "no findings"
            } else {
                "no finding matches"
            },
            th.muted,
        ));
    }
    let counts = [Severity::Critical, Severity::Warning, Severity::Info]
        .iter()
        .map(|s| format!("{} {}", data.analysis.count(*s), s.as_str()))
        .collect::<Vec<_>>()
        .join(" · ");
    let filter = if state.findings.list.filter.is_empty() {
        String::new()
    } else {
        format!(" · filter /{}", state.findings.list.filter)
    };
    let title = format!(
        " Findings: {counts} · showing {} at ≥ {}{filter} ",
        rows.len(),
        state.findings.min_severity
    );
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(title)),
        lay.list,
    );
    let detail = match rows.get(state.findings.list.selected) {
        Some(i) => {
            let f = &findings[*i];
            let mut lines = vec![
                Line::from(vec![
                    Span::styled(format!("{} ", f.severity), sev_style(f.severity)),
                    Span::styled(f.check.to_string(), th.title),
                    Span::raw(format!(
                        " · {} {} in cluster {}",
                        f.subject.kind,
                        if f.subject.namespace.is_empty() {
                            f.subject.name.clone()
                        } else {
                            format!("{}/{}", f.subject.namespace, f.subject.name)
                        },
                        f.subject.cluster
                    )),
                ]),
                Line::raw(f.message.clone()),
            ];
            if let Some(src) = &f.source {
                lines.push(Line::styled(
                    format!(
                        "source: {}:{} (document {})",
                        src.file, src.line, src.document
                    ),
                    th.muted,
                ));
            }
            lines
        }
        None => vec![],
    };
    frame.render_widget(
        Paragraph::new(detail)
            .wrap(Wrap { trim: true })
            .block(Block::bordered().title(" Finding · enter goes to its subject ")),
        lay.detail,
    );
}
