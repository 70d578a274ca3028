//! Review output: a document to hand to an architecture review, as one printable HTML page or as
//! Markdown with the picture next to it. Core decides what it says ([`review_doc`]: the summary,
//! the findings, the sweep, the plan, the worst zone failure and partition); this module adds the
//! picture (an SVG drawn from the canvas layout in a light palette, with its legend) and lays the
//! sections out as a page.

use eframe::egui::Rect;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, Result};
use quorum_core::check::Severity;
use quorum_core::graph::{GroupId, NodeId};
use quorum_core::plan::Plan;
use quorum_core::report::{self, Report, ReviewDoc, Section, Style};
use quorum_core::simulate::Outcome;
use quorum_core::simulate::fates::{NodeFate, PodFate};

use crate::canvas::{Crown, Layout, Overlay, layout};
use crate::palette;
use crate::session::Session;

/// Above this many pods, the picture draws node cards without their pods (it stays small).
const PODS_IN_PICTURE: usize = 20_000;
/// Above this many nodes, zones are drawn as tiles with their counts: hundreds of unlabelled
/// cards are a mosaic nobody reads on a page.
const CARDS_IN_PICTURE: usize = 300;
/// The height of a zone's tile in such a picture (world units, as the canvas's).
const TILE_H: f32 = 330.0;
/// Groups named in the picture's legend; the rest are counted.
const GROUPS_IN_LEGEND: usize = 48;

/// The light palette of the printed picture.
mod ink {
    pub const PAPER: &str = "#ffffff";
    pub const LANE: &str = "#f3f5f8";
    pub const LANE_EDGE: &str = "#c3c8cf";
    pub const CARD: &str = "#ffffff";
    pub const CARD_EDGE: &str = "#8c959f";
    pub const TEXT: &str = "#1f2328";
    pub const MUTED: &str = "#57606a";
    pub const DOWN: &str = "#cf222e";
    pub const CORDONED: &str = "#9a6700";
    pub const CRITICAL: &str = "#cf222e";
    pub const WARNING: &str = "#d4a72c";
    pub const HELD: &str = "#e3b341";
    pub const MOVED: &str = "#1a7f37";
    pub const EXPIRING: &str = "#fb8500";
    pub const LOST: &str = "#8c959f";
    pub const VOLUME: &str = "#d0d7de";
    pub const UNREACHABLE: &str = "#cf222e";
}

pub struct Review<'a> {
    pub session: &'a Session,
    pub layout: &'a Layout,
    pub overlay: &'a Overlay,
    /// The what-if the user played in the session, if any.
    pub whatif: Option<&'a Outcome>,
    /// The plan the user made in the session, if any (else core plans with its review goal).
    pub plan: Option<Arc<Plan>>,
}

/// A review with what core decided about it, computed once per written report.
struct Prepared<'a> {
    review: &'a Review<'a>,
    doc: ReviewDoc,
    plan: Arc<Plan>,
}

impl Review<'_> {
    fn prepare(&self) -> Prepared<'_> {
        let s = self.session;
        let decided = s.workbench.review(self.plan.clone());
        let report = Report {
            inputs: &s.inputs,
            topology: &s.topology,
            analysis: &s.analysis,
            tool_version: env!("CARGO_PKG_VERSION"),
        };
        let mut doc = report::review_doc(
            &report,
            &decided,
            &s.cli_inputs,
            &format!("quorum-gui {} from {}", env!("CARGO_PKG_VERSION"), s.title),
        );
        if let Some(o) = self.whatif {
            let style = Style {
                color: false,
                width: 100,
            };
            // Before "About": the session's own scenario, as `quorum simulate` prints it.
            let at = doc.sections.len().saturating_sub(1);
            doc.sections.insert(
                at,
                Section {
                    id: "whatif",
                    title: format!("What if (played in the session): {}", o.events.join(", ")),
                    body: format!("```text\n{}```\n", report::simulation_table(o, &style)),
                },
            );
        }
        Prepared {
            review: self,
            plan: decided.plan.plan.clone(),
            doc,
        }
    }

    /// The report as Markdown; `picture` is the path the topology picture is linked from.
    pub fn markdown(&self, picture: Option<&str>) -> String {
        let p = self.prepare();
        let mut doc = p.doc;
        if let Some(picture) = picture {
            doc.sections.insert(
                1,
                Section {
                    id: "diagram",
                    title: "Topology".into(),
                    body: format!(
                        "![topology: zones, nodes, pods and leaders, with its legend]({picture})\n\n{}\n",
                        DIAGRAM_CAPTION
                    ),
                },
            );
        }
        doc.markdown()
    }

    /// The report as one self-contained, printable HTML page, the pictures inline.
    pub fn html(&self) -> String {
        let p = self.prepare();
        let mut out = String::new();
        let _ = write!(
            out,
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{}</title>\n<style>{STYLE}</style></head>\n<body>\n",
            xml(&p.doc.title)
        );
        let _ = write!(
            out,
            "<header><h1>{}</h1>\n{}</header>\n",
            xml(&p.doc.title),
            markdown_html(&p.doc.intro)
        );
        out.push_str("<nav class=\"contents\"><strong>Contents</strong><ol>");
        let mut order: Vec<(&str, String)> = p
            .doc
            .sections
            .iter()
            .map(|s| (s.id, s.title.clone()))
            .collect();
        order.insert(1, ("diagram", "Topology".into()));
        for (id, title) in &order {
            let _ = write!(out, "<li><a href=\"#{id}\">{}</a></li>", xml(title));
        }
        out.push_str("</ol></nav>\n");
        for (i, s) in p.doc.sections.iter().enumerate() {
            if i == 1 {
                let _ = write!(
                    out,
                    "<section id=\"diagram\" class=\"diagram\"><h2>Topology</h2>\n<figure>{}<figcaption>{}</figcaption></figure>\n</section>\n",
                    self.svg(),
                    xml(DIAGRAM_CAPTION)
                );
            }
            let mut body = markdown_html(&s.body);
            for (severity, class) in [
                ("Critical", "critical"),
                ("Warning", "warning"),
                ("Info", "info"),
            ] {
                body = body.replace(
                    &format!("<h3>{severity} ("),
                    &format!("<h3 class=\"{class}\">{severity} ("),
                );
            }
            if s.id == "plan" {
                body.push_str(&p.after_plan_figure());
            }
            let _ = write!(
                out,
                "<section id=\"{}\"><h2>{}</h2>\n{body}</section>\n",
                s.id,
                xml(&s.title)
            );
        }
        out.push_str("</body></html>\n");
        out
    }

    /// The topology picture of today (or of the what-if the session shows), with its legend.
    pub fn svg(&self) -> String {
        let during = self
            .whatif
            .map(|o| format!("during the what-if: {}", o.events.join(", ")));
        picture(self.session, self.layout, self.overlay, during.as_deref())
    }

    /// Writes the report to `path`: one HTML page, or Markdown with the picture next to it
    /// (`report.md` and `report.svg`). Returns the files written.
    pub fn write(&self, path: &Path) -> Result<Vec<PathBuf>> {
        let html = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"));
        if html {
            // Owner-only, as every file that describes the cluster.
            quorum_core::files::write(path, self.html())
                .with_context(|| format!("writing {}", path.display()))?;
            return Ok(vec![path.to_path_buf()]);
        }
        let picture = path.with_extension("svg");
        let name = picture
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        quorum_core::files::write(&picture, self.svg())
            .with_context(|| format!("writing {}", picture.display()))?;
        quorum_core::files::write(path, self.markdown(Some(&name)))
            .with_context(|| format!("writing {}", path.display()))?;
        Ok(vec![path.to_path_buf(), picture])
    }
}

impl Prepared<'_> {
    /// The picture after the plan's last step: leaders where the plan puts them.
    fn after_plan_figure(&self) -> String {
        if self.plan.steps.is_empty() {
            return String::new();
        }
        let r = self.review;
        let state = quorum_core::workbench::plan_state(
            &r.session.topology,
            &self.plan,
            self.plan.steps.len(),
        );
        let overlay = Overlay::holders(&r.session.workbench, state);
        format!(
            "<figure class=\"after\">{}<figcaption>After the plan's {} steps: leaders where the plan puts them (green crowns took a lease over, grey ones gave it up).</figcaption></figure>\n",
            picture(
                r.session,
                r.layout,
                &overlay,
                Some("after the recommended plan")
            ),
            self.plan.steps.len()
        )
    }
}

const DIAGRAM_CAPTION: &str = "Zones as lanes, nodes as cards, pods as squares coloured by their group, election leaders crowned. The legend under the picture names every mark and colour.";

fn markdown_html(md: &str) -> String {
    let mut options = pulldown_cmark::Options::empty();
    options.insert(pulldown_cmark::Options::ENABLE_TABLES);
    let parser = pulldown_cmark::Parser::new_ext(md, options);
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, parser);
    html
}

/// One entry of the legend: a mark drawn at (x, y) in a 14×14 box, and what it means.
struct Key {
    mark: String,
    text: String,
}

/// The topology drawn from the canvas layout, light, with a legend under it. `caption` names a
/// state other than today's.
fn picture(s: &Session, l: &Layout, overlay: &Overlay, caption: Option<&str>) -> String {
    // The findings are today's: another state's picture marks no risk it may not have.
    let marks_risk = caption.is_none();
    let t = &s.topology;
    // Above CARDS_IN_PICTURE nodes, zones are tiles of their counts, no taller than TILE_H.
    let with_cards = t.nodes.len() <= CARDS_IN_PICTURE;
    let lane = |r: Rect| {
        if with_cards {
            r
        } else {
            Rect::from_min_max(
                r.min,
                eframe::egui::pos2(r.max.x, r.max.y.min(r.min.y + TILE_H)),
            )
        }
    };
    let b = l
        .clusters
        .iter()
        .map(|c| c.header)
        .chain(l.zones.iter().map(|z| lane(z.rect)))
        .fold(Rect::NOTHING, |a, r| a.union(r));
    let b = if with_cards || !b.is_positive() {
        l.bounds.expand(20.0)
    } else {
        b.expand(20.0)
    };
    let overview = overlay.overview(&s.workbench);
    let mut body = String::new();
    let mut used = Used::default();
    for c in &l.clusters {
        let _ = writeln!(
            body,
            r#"<text x="{}" y="{}" font-size="22" font-weight="bold" fill="{}">cluster {}</text>"#,
            c.header.min.x,
            c.header.center().y + 8.0,
            ink::TEXT,
            xml(&t.clusters[c.id.index()].name)
        );
        for (region, span) in &c.regions {
            if !region.is_empty() {
                // As the canvas draws it: a rule over the region's lanes, its name on it.
                let _ = writeln!(
                    body,
                    r#"<line x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="{}"/><text x="{}" y="{}" font-size="13" fill="{}">region {}</text>"#,
                    span.min.x,
                    span.max.x,
                    ink::LANE_EDGE,
                    span.min.x,
                    span.min.y - 8.0,
                    ink::MUTED,
                    xml(region),
                    y = span.min.y - 4.0,
                );
            }
        }
    }
    for (z, zone) in l.zones.iter().enumerate() {
        let r = lane(zone.rect);
        if !r.is_positive() {
            continue;
        }
        let counts = overview.zone(quorum_core::graph::ZoneId(z as u32));
        // The counts on two lines: a lane of one card column is too narrow for one.
        let _ = writeln!(
            body,
            r#"<rect x="{}" y="{}" width="{}" height="{}" rx="8" fill="{}" stroke="{}"/><text x="{}" y="{}" font-size="18" font-weight="bold" fill="{}">{}</text><text x="{}" y="{}" font-size="12" fill="{}">{} nodes · {} pods<tspan x="{}" dy="14">{} leaders</tspan></text>"#,
            r.min.x,
            r.min.y,
            r.width(),
            r.height(),
            ink::LANE,
            ink::LANE_EDGE,
            r.min.x + layout::LANE_PAD,
            r.min.y + 24.0,
            ink::TEXT,
            xml(&t.zones[z].name),
            r.min.x + layout::LANE_PAD,
            r.min.y + 42.0,
            ink::MUTED,
            t.zones[z].nodes.len(),
            zone.pods,
            r.min.x + layout::LANE_PAD,
            counts.leaders
        );
    }
    let with_pods = t.pods.len() <= PODS_IN_PICTURE;
    if !with_cards {
        zone_tiles(&mut body, s, overview);
    }
    for (n, card) in l.cards.iter().enumerate() {
        if !with_cards {
            break;
        }
        if !card.is_positive() {
            continue;
        }
        let node = NodeId(n as u32);
        let fate = overlay.node(node);
        let (stroke, dash) = match fate {
            NodeFate::Down => {
                used.down = true;
                (ink::DOWN, r#" stroke-dasharray="4 3""#)
            }
            NodeFate::Cordoned => {
                used.cordoned = true;
                (ink::CORDONED, r#" stroke-dasharray="2 2""#)
            }
            NodeFate::Up => (ink::CARD_EDGE, ""),
        };
        let opacity = if fate == NodeFate::Up { 1.0 } else { 0.55 };
        let name = t.nodes[n].name();
        let _ = write!(
            body,
            r#"<g opacity="{opacity}"><title>{}</title><rect x="{}" y="{}" width="{}" height="{}" rx="4" fill="{}" stroke="{stroke}" stroke-width="1.2"{dash}/>"#,
            xml(name),
            card.min.x,
            card.min.y,
            card.width(),
            card.height(),
            ink::CARD,
        );
        let risk = s.risk.nodes.get(n).copied().flatten();
        if let Some(severity) = risk.filter(|r| marks_risk && *r >= Severity::Warning) {
            let color = risk_ink(severity);
            used.risk_warning |= severity == Severity::Warning;
            used.risk_critical |= severity == Severity::Critical;
            let _ = write!(
                body,
                r#"<circle cx="{}" cy="{}" r="4" fill="{color}"/>"#,
                card.max.x - 7.0,
                card.max.y - 7.0
            );
        }
        // Control-plane components name their node as the holder: the crown sits on the card.
        let node_leases = s.leases_of_node(node).len();
        if node_leases > 0 && overlay.nodes.is_none() {
            used.node_crown = true;
            let (x, y) = (card.min.x + 10.0, card.max.y - 6.0);
            body.push_str(&crown(x, y, ink::HELD));
            let _ = write!(
                body,
                r#"<text x="{}" y="{}" font-size="9" fill="{}">{node_leases} by the node</text>"#,
                x + 7.0,
                y + 2.0,
                ink::MUTED,
            );
        }
        let _ = write!(
            body,
            r#"<text x="{}" y="{}" font-size="10" fill="{}">{}</text>"#,
            card.min.x + layout::CARD_PAD,
            card.min.y + 13.0,
            ink::TEXT,
            xml(&fit(host(name), 17))
        );
        if with_pods {
            for p in &t.nodes[n].pods {
                let Some(at) = l.chips[p.index()] else {
                    continue;
                };
                let info = &t.pods[p.index()];
                let group = info.workload.and_then(|w| t.group_of_workload(w));
                match group {
                    Some(g) => {
                        used.groups.insert(g);
                    }
                    None => used.ungrouped = true,
                }
                let color = hex(group.map_or(palette::UNGROUPED, palette::group));
                let gone = matches!(
                    overlay.pod(*p),
                    PodFate::Stopped | PodFate::Moved(_) | PodFate::Pending
                );
                used.gone |= gone;
                let fill = if gone { "none" } else { color.as_str() };
                let _ = write!(
                    body,
                    r#"<rect x="{}" y="{}" width="{}" height="{}" rx="2" fill="{fill}" stroke="{}" stroke-width="0.8"/>"#,
                    at.x,
                    at.y,
                    layout::CHIP,
                    layout::CHIP,
                    if gone { color.as_str() } else { ink::TEXT },
                );
                if let Some(c) = overlay.crowns.get(p) {
                    used.crowns[*c as usize] = true;
                    body.push_str(&crown(at.x + 5.0, at.y - 1.0, crown_ink(*c)));
                }
            }
        }
        body.push_str("</g>\n");
    }
    for v in &l.volumes {
        if !with_cards {
            break;
        }
        if !v.rect.is_positive() {
            continue;
        }
        used.volume = true;
        let _ = write!(
            body,
            r#"<rect x="{}" y="{}" width="{}" height="{}" rx="2" fill="{}" stroke="{}"/>"#,
            v.rect.min.x,
            v.rect.min.y,
            v.rect.width(),
            v.rect.height(),
            ink::VOLUME,
            if v.broken {
                ink::UNREACHABLE
            } else {
                ink::CARD_EDGE
            }
        );
        if v.broken {
            for p in &v.pods {
                if let Some(at) = l.chips[p.index()] {
                    used.unreachable = true;
                    let _ = writeln!(
                        body,
                        r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2"/>"#,
                        v.rect.center().x,
                        v.rect.center().y,
                        at.x + 5.0,
                        at.y + 5.0,
                        ink::UNREACHABLE
                    );
                }
            }
        }
    }
    // The legend under the picture, in columns as wide as the picture allows.
    let keys = legend(s, &used, with_pods);
    let column = 360.0_f32;
    let columns = ((b.width() / column).floor() as usize).max(1);
    let rows = keys.len().div_ceil(columns);
    let top = b.max.y + 10.0;
    let title_h = 28.0;
    let row_h = 20.0;
    let legend_h = title_h + rows as f32 * row_h + 10.0;
    let mut legend_svg = String::new();
    let _ = writeln!(
        legend_svg,
        r#"<g class="legend"><text x="{}" y="{}" font-size="15" font-weight="bold" fill="{}">Legend{}</text>"#,
        b.min.x + 10.0,
        top + 18.0,
        ink::TEXT,
        caption
            .map(|c| format!(" ({})", xml(c)))
            .unwrap_or_default()
    );
    for (i, k) in keys.iter().enumerate() {
        let (col, row) = (i / rows, i % rows);
        let x = b.min.x + 10.0 + col as f32 * column;
        let y = top + title_h + row as f32 * row_h;
        let _ = writeln!(
            legend_svg,
            r#"<g transform="translate({x},{y})">{}<text x="22" y="11" font-size="12" fill="{}">{}</text></g>"#,
            k.mark,
            ink::TEXT,
            xml(&k.text)
        );
    }
    legend_svg.push_str("</g>\n");
    let height = b.height() + 10.0 + legend_h;
    let width = b.width().max(column);
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="{} {} {} {}" width="{}" style="width:min(100%,{}px);height:auto" font-family="Helvetica, Arial, sans-serif" role="img" aria-label="topology: zones, nodes, pods and leaders">"#,
        b.min.x,
        b.min.y,
        width,
        height,
        width.min(1600.0),
        // A small cluster is drawn a little larger, never blown up to the page's width.
        (width * 1.4).round()
    );
    let _ = writeln!(
        out,
        r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>"#,
        b.min.x,
        b.min.y,
        width,
        height,
        ink::PAPER
    );
    out.push_str(&body);
    out.push_str(&legend_svg);
    out.push_str("</svg>\n");
    out
}

/// Which marks the picture used, so the legend names each (and only those, plus the basics).
#[derive(Default)]
struct Used {
    groups: std::collections::BTreeSet<GroupId>,
    ungrouped: bool,
    gone: bool,
    down: bool,
    cordoned: bool,
    risk_warning: bool,
    risk_critical: bool,
    crowns: [bool; 4],
    node_crown: bool,
    volume: bool,
    unreachable: bool,
}

fn legend(s: &Session, used: &Used, with_pods: bool) -> Vec<Key> {
    let t = &s.topology;
    let mut keys = vec![
        Key {
            mark: format!(
                r#"<rect x="0" y="0" width="16" height="14" rx="3" fill="{}" stroke="{}"/>"#,
                ink::LANE,
                ink::LANE_EDGE
            ),
            text: "a zone (lane): its nodes, pods and leaders".into(),
        },
        Key {
            mark: format!(
                r#"<rect x="0" y="1" width="16" height="12" rx="2" fill="{}" stroke="{}"/>"#,
                ink::CARD,
                ink::CARD_EDGE
            ),
            text: "a node (card), its name on top".into(),
        },
    ];
    if t.nodes.len() > CARDS_IN_PICTURE {
        keys.push(Key {
            mark: String::new(),
            text: format!(
                "nodes not drawn: more than {CARDS_IN_PICTURE} nodes (each zone's counts in its tile)"
            ),
        });
    } else if !with_pods {
        keys.push(Key {
            mark: String::new(),
            text: format!(
                "pods not drawn: more than {PODS_IN_PICTURE} pods (counts in the zone headers)"
            ),
        });
    }
    if used.down {
        keys.push(Key {
            mark: format!(
                r#"<rect x="0" y="1" width="16" height="12" rx="2" fill="none" stroke="{}" stroke-dasharray="4 3"/>"#,
                ink::DOWN
            ),
            text: "a failed node (faded)".into(),
        });
    }
    if used.cordoned {
        keys.push(Key {
            mark: format!(
                r#"<rect x="0" y="1" width="16" height="12" rx="2" fill="none" stroke="{}" stroke-dasharray="2 2"/>"#,
                ink::CORDONED
            ),
            text: "a cordoned node (faded)".into(),
        });
    }
    for (on, severity, what) in [
        (
            used.risk_critical,
            Severity::Critical,
            "a node with a critical finding (its own, its pods' or a group's)",
        ),
        (
            used.risk_warning,
            Severity::Warning,
            "a node with a warning (its own or its pods')",
        ),
    ] {
        if on {
            keys.push(Key {
                mark: format!(
                    r#"<circle cx="8" cy="7" r="4" fill="{}"/>"#,
                    risk_ink(severity)
                ),
                text: what.into(),
            });
        }
    }
    let crowns = [
        (Crown::Held, "holds an election lease (a leader)"),
        (
            Crown::Moved,
            "took a lease over (after the scenario or plan)",
        ),
        (
            Crown::Expiring,
            "its holder stopped; the lease has not expired",
        ),
        (Crown::Lost, "held a lease before; no longer"),
    ];
    for (c, what) in crowns {
        if used.crowns[c as usize] {
            keys.push(Key {
                mark: crown(8.0, 9.0, crown_ink(c)),
                text: what.into(),
            });
        }
    }
    if used.node_crown {
        keys.push(Key {
            mark: crown(8.0, 9.0, ink::HELD),
            text: "at a card's foot: leases the node holds itself (control plane), counted".into(),
        });
    }
    if used.gone {
        keys.push(Key {
            mark: format!(
                r#"<rect x="3" y="2" width="10" height="10" rx="2" fill="none" stroke="{}"/>"#,
                ink::TEXT
            ),
            text: "a pod stopped, moved away or pending (hollow)".into(),
        });
    }
    if used.volume {
        keys.push(Key {
            mark: format!(
                r#"<rect x="0" y="4" width="16" height="6" rx="2" fill="{}" stroke="{}"/>"#,
                ink::VOLUME,
                ink::CARD_EDGE
            ),
            text: "a volume pinned to a zone or node".into(),
        });
    }
    if used.unreachable {
        keys.push(Key {
            mark: format!(
                r#"<line x1="0" y1="12" x2="16" y2="2" stroke="{}" stroke-width="2"/>"#,
                ink::UNREACHABLE
            ),
            text: "a pod that runs where its volume cannot be reached".into(),
        });
    }
    if used.ungrouped {
        keys.push(Key {
            mark: chip(&hex(palette::UNGROUPED)),
            text: "a pod of no group".into(),
        });
    }
    for g in used.groups.iter().take(GROUPS_IN_LEGEND) {
        keys.push(Key {
            mark: chip(&hex(palette::group(*g))),
            text: format!("a pod of {}", t.group_display(*g)),
        });
    }
    if used.groups.len() > GROUPS_IN_LEGEND {
        keys.push(Key {
            mark: String::new(),
            text: format!(
                "and {} more groups, each its own colour",
                used.groups.len() - GROUPS_IN_LEGEND
            ),
        });
    }
    keys
}

/// Each zone's counts in big type in its lane, for a picture with too many nodes to draw.
fn zone_tiles(body: &mut String, s: &Session, overview: &quorum_core::overview::Overview) {
    let t = &s.topology;
    for (z, zone) in s.layout.zones.iter().enumerate() {
        let r = zone.rect;
        if !r.is_positive() {
            continue;
        }
        let c = overview.zone(quorum_core::graph::ZoneId(z as u32));
        let critical = t.zones[z]
            .nodes
            .iter()
            .filter(|n| s.risk.nodes[n.index()] == Some(Severity::Critical))
            .count();
        let size = (r.width() / 14.0).clamp(14.0, 30.0);
        let lines = [
            format!("{}/{} nodes ready", c.ready_nodes, c.nodes),
            format!("{} pods", c.pods),
            format!("{} leaders", c.leaders),
            format!("{} quorum replicas", c.quorum_replicas),
            format!("{critical} nodes with a critical finding"),
        ];
        for (i, line) in lines.iter().enumerate() {
            let _ = write!(
                body,
                r#"<text x="{}" y="{}" font-size="{size}" text-anchor="middle" fill="{}">{}</text>"#,
                r.center().x,
                r.min.y + 60.0 + size * 1.5 * (i as f32 + 1.0),
                if i == 4 && critical > 0 {
                    risk_ink(Severity::Critical)
                } else {
                    ink::TEXT
                },
                xml(line)
            );
        }
    }
}

fn chip(color: &str) -> String {
    format!(
        r#"<rect x="3" y="2" width="10" height="10" rx="2" fill="{color}" stroke="{}" stroke-width="0.8"/>"#,
        ink::TEXT
    )
}

fn crown(x: f32, y: f32, color: &str) -> String {
    format!(
        r#"<polygon class="crown" points="{},{} {},{} {},{} {},{} {},{} {},{} {},{}" fill="{color}" stroke="{}" stroke-width="0.6"/>"#,
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
        y + 2.0,
        ink::TEXT
    )
}

fn crown_ink(c: Crown) -> &'static str {
    match c {
        Crown::Held => ink::HELD,
        Crown::Moved => ink::MOVED,
        Crown::Expiring => ink::EXPIRING,
        Crown::Lost => ink::LOST,
    }
}

fn risk_ink(s: Severity) -> &'static str {
    match s {
        Severity::Critical => ink::CRITICAL,
        Severity::Warning | Severity::Info => ink::WARNING,
    }
}

/// A node's host name without its domain (`ip-10-0-1-23` of `ip-10-0-1-23.ec2.internal`): the
/// part that tells nodes apart on a small card. The full name is the card's tooltip.
fn host(name: &str) -> &str {
    match name.split_once('.') {
        Some((host, _)) if !host.is_empty() => host,
        _ => name,
    }
}

/// A name cut in the middle to `max` characters, so both ends stay readable.
fn fit(name: &str, max: usize) -> String {
    let chars: Vec<char> = name.chars().collect();
    if chars.len() <= max {
        return name.to_string();
    }
    let head = (max - 1) / 2;
    let tail = max - 1 - head;
    let mut out: String = chars[..head].iter().collect();
    out.push('…');
    out.extend(&chars[chars.len() - tail..]);
    out
}

/// Screen and print: readable on a laptop, A4 pages with each section starting on its own page.
const STYLE: &str = "\
:root{color-scheme:light}\
body{font-family:Helvetica,Arial,sans-serif;color:#1f2328;background:#fff;max-width:1100px;margin:2em auto;padding:0 1em;line-height:1.45;font-size:15px}\
header{border-bottom:3px solid #1f2328;margin-bottom:1em}\
h1{font-size:1.9em;margin:0 0 .4em}\
h2{font-size:1.4em;border-bottom:1px solid #d0d7de;padding-bottom:.2em;margin-top:1.6em}\
h3{font-size:1.1em;margin-top:1.2em}\
h3.critical{color:#cf222e}h3.warning{color:#9a6700}h3.info{color:#0969da}\
table{border-collapse:collapse;margin:.8em 0;width:100%}\
th,td{border:1px solid #d0d7de;padding:4px 7px;font-size:13px;vertical-align:top;text-align:left}\
th{background:#f6f8fa}tr:nth-child(even) td{background:#fbfcfd}\
code{background:#f3f5f8;padding:0 .2em;border-radius:3px;font-size:.92em}td:last-child{min-width:15em}td:last-child code{overflow-wrap:anywhere}td:first-child{white-space:nowrap}\
pre{background:#f6f8fa;border:1px solid #d0d7de;padding:.7em;white-space:pre-wrap;font-size:12px}\
pre code{background:none;padding:0}\
nav.contents{background:#f6f8fa;border:1px solid #d0d7de;padding:.6em 1em;margin:1em 0}\
nav.contents ol{margin:.3em 0;columns:2}\
figure{margin:1em 0}figcaption{color:#57606a;font-size:13px;margin-top:.4em}\
figure svg{border:1px solid #d0d7de}\
#summary ol li{margin:.35em 0}\
@page{size:A4;margin:14mm}\
@media print{\
body{max-width:none;margin:0;padding:0;font-size:11pt}\
nav.contents{break-after:page}\
section{break-before:page}\
section#summary{break-before:auto}\
h2,h3{break-after:avoid}\
tr,figure,li{break-inside:avoid}\
thead{display:table-header-group}\
a{color:inherit;text-decoration:none}\
}";

fn hex(c: eframe::egui::Color32) -> String {
    format!("#{:02x}{:02x}{:02x}", c.r(), c.g(), c.b())
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Origin;

    fn sample(name: &str) -> Session {
        Session::open(&Origin::Sample(quorum_core::samples::find(name).unwrap())).unwrap()
    }

    fn review_of<'a>(s: &'a Session, o: &'a Overlay) -> Review<'a> {
        Review {
            session: s,
            layout: &s.layout,
            overlay: o,
            whatif: None,
            plan: None,
        }
    }

    #[test]
    fn the_markdown_report_is_a_review_with_the_picture_linked_after_the_summary() {
        let s = sample("three-zones");
        let o = Overlay::today(&s);
        let md = review_of(&s, &o).markdown(Some("topology.svg"));
        assert!(md.starts_with("# Quorum review: cluster default\n"), "{md}");
        assert!(md.contains("**Snapshot time:** 20"), "{md}");
        let order = [
            "## Executive summary",
            "![topology: zones, nodes, pods and leaders, with its legend](topology.svg)",
            "## Findings by severity",
            "## Survivability matrix",
            "## Recommended plan: goal all",
            "## Worst zone failure: eu-west-1a",
            "## Worst partition",
            "## About this review",
        ];
        let at: Vec<usize> = order
            .iter()
            .map(|h| md.find(h).unwrap_or_else(|| panic!("{h} missing:\n{md}")))
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "out of order: {at:?}");
    }

    #[test]
    fn the_picture_is_light_and_its_legend_names_every_group_drawn() {
        let s = sample("three-zones");
        let o = Overlay::today(&s);
        let svg = review_of(&s, &o).svg();
        assert!(svg.contains(r##"fill="#ffffff""##), "a white page");
        assert!(!svg.contains("#1b1b1b"), "no dark background");
        assert!(svg.contains(">Legend</text>"));
        for g in 0..s.topology.groups.len() {
            let name = s.topology.group_display(GroupId(g as u32));
            assert!(
                svg.contains(&format!(">a pod of {}</text>", xml(&name))),
                "{name} has no legend entry"
            );
        }
        // A crown per leader pod in the picture, and one in the legend...
        let leader_pods: std::collections::BTreeSet<_> = s
            .topology
            .leaders
            .iter()
            .filter_map(|l| match l.holder {
                quorum_core::graph::Holder::Pod(p) => Some(p),
                _ => None,
            })
            .collect();
        // And one on each card of a node that holds a lease itself, with its legend entry.
        let node_holders = (0..s.topology.nodes.len())
            .filter(|n| !s.leases_of_node(NodeId(*n as u32)).is_empty())
            .count();
        assert!(node_holders > 0, "three-zones has control-plane leases");
        assert_eq!(
            svg.matches(r#"class="crown""#).count(),
            leader_pods.len() + 1 + node_holders + 1
        );
    }

    #[test]
    fn the_html_report_is_one_page_with_every_section_and_the_pictures_inline() {
        let s = sample("three-zones");
        let o = Overlay::today(&s);
        let html = review_of(&s, &o).html();
        for id in [
            "summary",
            "diagram",
            "findings",
            "survivability",
            "plan",
            "zone-failure",
            "partition",
            "about",
        ] {
            assert!(html.contains(&format!("<section id=\"{id}\"")), "{id}");
            assert!(
                html.contains(&format!("href=\"#{id}\"")),
                "{id} in contents"
            );
        }
        assert!(
            !html.contains("<link") && !html.contains("<script"),
            "self-contained"
        );
        assert!(html.contains("@media print"));
        assert!(
            html.contains("<figure class=\"after\"><svg"),
            "the plan's after picture"
        );
        let dir = tempfile::tempdir().unwrap();
        let written = review_of(&s, &o)
            .write(&dir.path().join("review.md"))
            .unwrap();
        assert_eq!(written.len(), 2);
        assert!(
            std::fs::read_to_string(&written[1])
                .unwrap()
                .starts_with("<svg")
        );
    }

    #[test]
    fn a_node_is_named_by_its_host_and_a_long_name_is_cut_in_the_middle() {
        assert_eq!(
            fit("ip-10-0-1-23.eu-west-1.compute.internal", 17),
            "ip-10-0-…internal"
        );
        assert_eq!(fit("a1", 17), "a1");
        assert_eq!(host("ip-10-1-1-13.ec2.internal"), "ip-10-1-1-13");
        assert_eq!(host("dca-wk-01"), "dca-wk-01");
    }
}
