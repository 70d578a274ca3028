//! Review output: a Markdown or HTML report for a pull request (the topology as an SVG picture,
//! the findings, the sweep, the what-if and the plan), built from core's renderers; the SVG is
//! drawn from the canvas layout, so it needs no window.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use quorum_core::plan::Plan;
use quorum_core::report::{self, Report, Style};
use quorum_core::simulate::Outcome;
use quorum_core::simulate::fates::{NodeFate, PodFate};

use crate::canvas::{Crown, Layout, Overlay, layout};
use crate::palette;
use crate::session::Session;

/// Above this many pods, the picture draws node cards without their pods (it stays small).
const PODS_IN_PICTURE: usize = 20_000;

pub struct Review<'a> {
    pub session: &'a Session,
    pub layout: &'a Layout,
    pub overlay: &'a Overlay,
    pub whatif: Option<&'a Outcome>,
    pub plan: Option<&'a Plan>,
}

impl Review<'_> {
    /// The report as Markdown; `picture` is the path the topology picture is linked from.
    pub fn markdown(&self, picture: Option<&str>) -> String {
        let s = self.session;
        let report = Report {
            inputs: &s.inputs,
            topology: &s.topology,
            analysis: &s.analysis,
            tool_version: env!("CARGO_PKG_VERSION"),
        };
        let mut out = report::markdown(&report);
        // The picture right under the summary line.
        if let Some(picture) = picture {
            let at = out.find("\n\n").map_or(out.len(), |i| i + 2);
            let at = out[at..].find("\n\n").map_or(out.len(), |i| at + i + 2);
            out.insert_str(
                at,
                &format!("![topology: zones, nodes, pods and leaders]({picture})\n\n"),
            );
        }
        out.push_str(&report::sweep_markdown(&s.sweep()));
        out.push('\n');
        if let Some(o) = self.whatif {
            let _ = writeln!(out, "## What if: {}\n", o.events.join(", "));
            let style = Style {
                color: false,
                width: 100,
            };
            let _ = writeln!(out, "```text\n{}```\n", report::simulation_table(o, &style));
        }
        if let Some(plan) = self.plan {
            out.push_str(&report::plan_markdown(plan));
        }
        out
    }

    /// The report as one HTML page, the picture inline.
    pub fn html(&self) -> String {
        let md = self.markdown(None);
        let mut options = pulldown_cmark::Options::empty();
        options.insert(pulldown_cmark::Options::ENABLE_TABLES);
        let parser = pulldown_cmark::Parser::new_ext(&md, options);
        let mut body = String::new();
        pulldown_cmark::html::push_html(&mut body, parser);
        let picture = self.svg();
        // The picture after the first paragraph (the summary).
        let at = body.find("</p>").map_or(0, |i| i + 4);
        body.insert_str(at, &format!("\n<figure>{picture}</figure>\n"));
        format!(
            "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Quorum review: {}</title>\n<style>{}</style></head>\n<body>\n{body}</body></html>\n",
            html_escape(&self.session.title),
            STYLE
        )
    }

    /// The topology picture: zones as lanes, nodes as cards, pods as chips, crowns on leaders.
    pub fn svg(&self) -> String {
        let s = self.session;
        let t = &s.topology;
        let l = self.layout;
        let b = l.bounds.expand(20.0);
        let mut out = String::new();
        let _ = writeln!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="{} {} {} {}" width="{}" font-family="sans-serif">"#,
            b.min.x,
            b.min.y,
            b.width(),
            b.height(),
            b.width().min(1600.0)
        );
        let _ = writeln!(
            out,
            r##"<rect x="{}" y="{}" width="{}" height="{}" fill="#1b1b1b"/>"##,
            b.min.x,
            b.min.y,
            b.width(),
            b.height()
        );
        for c in &l.clusters {
            let _ = writeln!(
                out,
                r##"<text x="{}" y="{}" font-size="22" fill="#eee">cluster {}</text>"##,
                c.header.min.x,
                c.header.center().y + 7.0,
                xml(&t.clusters[c.id.index()].name)
            );
        }
        for (z, zone) in l.zones.iter().enumerate() {
            let r = zone.rect;
            let _ = writeln!(
                out,
                r##"<rect x="{}" y="{}" width="{}" height="{}" rx="8" fill="#262626" stroke="#444"/><text x="{}" y="{}" font-size="18" fill="#fff">{}</text><text x="{}" y="{}" font-size="11" fill="#aaa">{} nodes · {} pods</text>"##,
                r.min.x,
                r.min.y,
                r.width(),
                r.height(),
                r.min.x + layout::LANE_PAD,
                r.min.y + 24.0,
                xml(&t.zones[z].name),
                r.min.x + layout::LANE_PAD,
                r.min.y + 42.0,
                t.zones[z].nodes.len(),
                zone.pods
            );
        }
        let with_pods = t.pods.len() <= PODS_IN_PICTURE;
        for (n, card) in l.cards.iter().enumerate() {
            if !card.is_positive() {
                continue;
            }
            let fate = self.overlay.node(quorum_core::graph::NodeId(n as u32));
            let stroke = match fate {
                NodeFate::Down => "#e5484d",
                NodeFate::Cordoned => "#f2a51a",
                NodeFate::Up => "#555",
            };
            let opacity = if fate == NodeFate::Up { 1.0 } else { 0.45 };
            let _ = write!(
                out,
                r##"<g opacity="{opacity}"><rect x="{}" y="{}" width="{}" height="{}" rx="4" fill="#111" stroke="{stroke}"/>"##,
                card.min.x,
                card.min.y,
                card.width(),
                card.height()
            );
            if with_pods {
                let _ = write!(
                    out,
                    r##"<text x="{}" y="{}" font-size="10" fill="#ddd">{}</text>"##,
                    card.min.x + layout::CARD_PAD,
                    card.min.y + 14.0,
                    xml(t.nodes[n].name())
                );
                for p in &t.nodes[n].pods {
                    let Some(at) = l.chips[p.index()] else {
                        continue;
                    };
                    let info = &t.pods[p.index()];
                    let group = info.workload.and_then(|w| t.group_of_workload(w));
                    let color = hex(group.map_or(palette::UNGROUPED, palette::group));
                    let gone = matches!(
                        self.overlay.pod(*p),
                        PodFate::Stopped | PodFate::Moved(_) | PodFate::Pending
                    );
                    let fill = if gone { "none" } else { color.as_str() };
                    let _ = write!(
                        out,
                        r##"<rect x="{}" y="{}" width="{}" height="{}" rx="2" fill="{fill}" stroke="{color}"/>"##,
                        at.x,
                        at.y,
                        layout::CHIP,
                        layout::CHIP
                    );
                    if let Some(c) = self.overlay.crowns.get(p) {
                        let color = match c {
                            Crown::Held => "#f5c518",
                            Crown::Moved => "#3fb950",
                            Crown::Expiring => "#f2a51a",
                            Crown::Lost => "#888",
                        };
                        let (x, y) = (at.x + 5.0, at.y - 1.0);
                        let _ = write!(
                            out,
                            r##"<polygon points="{},{} {},{} {},{} {},{} {},{} {},{} {},{}" fill="{color}" stroke="#000" stroke-width="0.5"/>"##,
                            x - 4.5,
                            y + 2.0,
                            x - 4.5,
                            y - 3.5,
                            x - 2.25,
                            y - 0.5,
                            x,
                            y - 4.5,
                            x + 2.25,
                            y - 0.5,
                            x + 4.5,
                            y - 3.5,
                            x + 4.5,
                            y + 2.0
                        );
                    }
                }
            }
            out.push_str("</g>\n");
        }
        for v in l.volumes.iter().filter(|v| v.broken) {
            for p in &v.pods {
                if let Some(at) = l.chips[p.index()] {
                    let _ = writeln!(
                        out,
                        r##"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#e5484d" stroke-width="2"/>"##,
                        v.rect.center().x,
                        v.rect.center().y,
                        at.x + 5.0,
                        at.y + 5.0
                    );
                }
            }
        }
        out.push_str("</svg>\n");
        out
    }

    /// Writes the report to `path`: one HTML page, or Markdown with the picture next to it
    /// (`report.md` and `report.svg`). Returns the files written.
    pub fn write(&self, path: &Path) -> Result<Vec<PathBuf>> {
        let html = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"));
        if html {
            std::fs::write(path, self.html())
                .with_context(|| format!("writing {}", path.display()))?;
            return Ok(vec![path.to_path_buf()]);
        }
        let picture = path.with_extension("svg");
        let name = picture
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        std::fs::write(&picture, self.svg())
            .with_context(|| format!("writing {}", picture.display()))?;
        std::fs::write(path, self.markdown(Some(&name)))
            .with_context(|| format!("writing {}", path.display()))?;
        Ok(vec![path.to_path_buf(), picture])
    }
}

const STYLE: &str = "body{font-family:sans-serif;max-width:1200px;margin:2em auto;line-height:1.4}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 6px;font-size:90%}code{background:#f3f3f3}svg{max-width:100%;height:auto}";

fn hex(c: eframe::egui::Color32) -> String {
    format!("#{:02x}{:02x}{:02x}", c.r(), c.g(), c.b())
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn html_escape(s: &str) -> String {
    xml(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Origin;

    fn review_of(session: &Session, layout: &Layout, overlay: &Overlay) -> String {
        Review {
            session,
            layout,
            overlay,
            whatif: None,
            plan: None,
        }
        .markdown(Some("topology.svg"))
    }

    #[test]
    fn the_markdown_report_links_the_picture_and_carries_findings_and_the_sweep() {
        let s = Session::open(&Origin::Sample(
            quorum_core::samples::find("three-zones").unwrap(),
        ))
        .unwrap();
        let l = Layout::build(&s);
        let o = Overlay::today(&s);
        let md = review_of(&s, &l, &o);
        assert!(md.starts_with("# Quorum analysis"));
        assert!(md.contains("![topology: zones, nodes, pods and leaders](topology.svg)"));
        assert!(md.contains("## Findings"));
        assert!(md.contains("## Survivability sweep"));
    }

    #[test]
    fn the_html_report_is_one_page_with_the_picture_inline_and_tables() {
        let s = Session::open(&Origin::Sample(
            quorum_core::samples::find("three-zones").unwrap(),
        ))
        .unwrap();
        let l = Layout::build(&s);
        let o = Overlay::today(&s);
        let r = Review {
            session: &s,
            layout: &l,
            overlay: &o,
            whatif: None,
            plan: None,
        };
        let html = r.html();
        assert!(html.contains("<svg"));
        assert!(html.contains("<table>"));
        assert_eq!(
            html.matches("<polygon").count(),
            s.topology
                .leaders
                .iter()
                .filter(|l| matches!(l.holder, quorum_core::graph::Holder::Pod(_)))
                .map(|l| match l.holder {
                    quorum_core::graph::Holder::Pod(p) => p,
                    _ => unreachable!(),
                })
                .collect::<std::collections::BTreeSet<_>>()
                .len()
        );
        let dir = tempfile::tempdir().unwrap();
        let written = r.write(&dir.path().join("review.md")).unwrap();
        assert_eq!(written.len(), 2);
        assert!(
            std::fs::read_to_string(&written[1])
                .unwrap()
                .starts_with("<svg")
        );
    }
}
