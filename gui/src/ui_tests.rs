//! The window in a test harness (egui_kittest): widgets found by their accessible labels, and
//! snapshot images of the main screens rendered in software with wgpu (lavapipe, from
//! `mesa-vulkan-drivers`). Without a Vulkan adapter the image checks are skipped and say why (a
//! failure under `QUORUM_REQUIRE_TOOLS=1`, as in CI).

use eframe::egui::{self, vec2};
use egui_kittest::kittest::Queryable;
use egui_kittest::wgpu::WgpuTestRenderer;
use egui_kittest::{Harness, SnapshotOptions};
use quorum_core::simulate::{Event, Target};

use crate::app::QuorumApp;
use crate::cli::Origin;
use crate::commands::{Tab, Tool};
use crate::session::Session;

fn sample(name: &str) -> Session {
    Session::open(&Origin::Sample(quorum_core::samples::find(name).unwrap())).unwrap()
}

/// The zone whose failure costs a group its quorum in the sweep, and that group.
fn costly_zone(session: &Session) -> (String, String) {
    session
        .sweep()
        .scenarios
        .iter()
        .find_map(|s| {
            let zone = s.event.strip_prefix("fail zone:")?;
            Some((zone.to_string(), s.groups_without_quorum.first()?.clone()))
        })
        .expect("the three-zones sample has a zone that takes a majority with it")
}

/// The path prompt's field: the last text input (the modal is drawn over the panels).
fn prompt_field<'h>(h: &'h Harness<'_, QuorumApp>) -> egui_kittest::Node<'h> {
    h.get_all_by_role(egui::Role::TextInput)
        .last()
        .expect("the path prompt is open")
}

fn harness<'a>(app: QuorumApp, renderer: Option<WgpuTestRenderer>) -> Harness<'a, QuorumApp> {
    let builder = Harness::builder()
        .with_size(vec2(1500.0, 920.0))
        .with_max_steps(12);
    let builder = match renderer {
        Some(r) => builder.renderer(r),
        None => builder,
    };
    builder.build_ui_state(|ui: &mut egui::Ui, app: &mut QuorumApp| app.show(ui), app)
}

/// wgpu on Vulkan (lavapipe in CI), or None with the reason printed. Vulkan only: another
/// backend (GL through EGL) would render slightly different pixels than the snapshots.
fn software_renderer() -> Option<WgpuTestRenderer> {
    let vulkan_only = || {
        let mut setup = egui_kittest::wgpu::default_wgpu_setup();
        if let egui_wgpu::WgpuSetup::CreateNew(new) = &mut setup {
            new.instance_descriptor.backends = egui_wgpu::wgpu::Backends::VULKAN;
        }
        WgpuTestRenderer::from_setup(setup)
    };
    match std::panic::catch_unwind(vulkan_only) {
        Ok(r) => Some(r),
        Err(e) => {
            let why = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            let why = format!(
                "no wgpu adapter to render in software ({why}); install mesa-vulkan-drivers"
            );
            // CI (.ci/run) requires every tool: images that could not be checked are a failure.
            assert!(
                std::env::var_os("QUORUM_REQUIRE_TOOLS").is_none_or(|v| v != "1"),
                "{why} (QUORUM_REQUIRE_TOOLS=1)"
            );
            eprintln!("skipping the snapshot images: {why}");
            None
        }
    }
}

#[test]
fn failing_a_zone_on_the_canvas_greys_it_and_the_panels_show_the_lost_quorum() {
    let session = sample("three-zones");
    let (zone, group) = costly_zone(&session);
    let mut h = harness(QuorumApp::with_session(session), None);
    h.run();
    h.get_by_label("Fail").click();
    h.run();
    h.get_by_label(&format!("zone {zone}")).click_accesskit();
    h.run();
    assert_eq!(
        h.state().whatif.events,
        vec![Event::Fail(Target::Zone(zone.clone()))]
    );
    h.get_by_label("1 group loses quorum");
    h.get_by_label(&format!("lost quorum: {group}"));
    h.get_by_label_contains("pods stopped");
    // The groups tab gains an "after" column.
    h.get_by_label("Groups").click();
    h.run();
    h.get_by_label("after");
    // Reset brings today back.
    h.get_by_label("Reset").click();
    h.run();
    assert!(h.state().whatif.events.is_empty());
    assert!(h.query_by_label(&format!("lost quorum: {group}")).is_none());
}

/// The counts the canvas draws during a what-if (zone headers, the inspector) are core's, for
/// the moment shown: the terminal UI's test compares its own with core's the same way.
#[test]
fn a_what_if_shows_cores_counts_for_the_state_it_draws() {
    let session = sample("three-zones");
    let (zone, _) = costly_zone(&session);
    let mut h = harness(QuorumApp::with_session(session), None);
    h.run();
    h.get_by_label("Fail").click();
    h.run();
    h.get_by_label(&format!("zone {zone}")).click_accesskit();
    h.run();
    let app = h.state();
    let session = app.session.as_ref().unwrap();
    let t = &session.topology;
    let core = quorum_core::workbench::what_if(t, &app.whatif.events).unwrap();
    let expected = core.overview_at(t, app.whatif.seconds);
    let shown = app
        .whatif
        .overlay()
        .expect("the what-if is drawn")
        .overview(session);
    assert_eq!(shown.zones, expected.zones);
    assert_eq!(shown.nodes, expected.nodes);
    let z = t.zones.iter().position(|z| z.name == zone).unwrap();
    assert_ne!(
        shown.zones[z], session.overview.zones[z],
        "today's counts are not shown"
    );
    // The Leaders tab's "after" columns are the same computation.
    let simulated = app.whatif.simulated().unwrap();
    assert_eq!(simulated.leaders_per_zone, core.leaders_per_zone);
}

#[test]
fn a_tool_acts_once_and_an_event_already_in_the_scenario_is_refused() {
    let session = sample("three-zones");
    let (zone, _) = costly_zone(&session);
    let mut h = harness(QuorumApp::with_session(session), None);
    h.run();
    h.get_by_label("Drain").click();
    h.run();
    h.get_by_label(&format!("zone {zone}")).click_accesskit();
    h.run();
    // The tool went back to Select after one use: a second click only selects.
    assert_eq!(
        h.state().whatif.events.len(),
        1,
        "{:?}",
        h.state().whatif.events
    );
    assert_eq!(h.state().tool, Tool::Select);
    // The same event again is refused and said so.
    h.get_by_label("Drain").click();
    h.run();
    h.get_all_by_label(&format!("zone {zone}"))
        .next()
        .expect("the zone on the canvas")
        .click_accesskit();
    h.run();
    assert_eq!(h.state().whatif.events.len(), 1);
    h.get_by_label_contains("already in the scenario");
}

#[test]
fn selecting_a_zone_opens_the_inspector_and_its_fail_button_runs_the_scenario() {
    let session = sample("three-zones");
    let (zone, group) = costly_zone(&session);
    let mut h = harness(QuorumApp::with_session(session), None);
    h.run();
    h.get_by_label(&format!("zone {zone}")).click_accesskit();
    h.run();
    h.get_by_label(&format!("Fail zone {zone}")).click();
    h.run();
    h.get_by_label(&format!("lost quorum: {group}"));
}

#[test]
fn a_finding_locates_its_subject_and_a_plan_steps_through_its_states() {
    let session = sample("three-zones");
    let mut h = harness(QuorumApp::with_session(session), None);
    h.run();
    h.get_all_by_label_contains("locate ")
        .next()
        .expect("a finding")
        .click();
    h.run();
    assert!(h.state().selection.is_some());
    h.get_by_label("Plan").click();
    h.run();
    h.get_by_label("Make the plan").click();
    h.run();
    let steps = h
        .state()
        .planner
        .plan
        .as_ref()
        .expect("planned at once")
        .steps
        .len();
    assert!(steps > 0);
    assert_eq!(h.state().planner.step, steps);
    h.get_by_label("◀ step").click();
    h.run();
    assert_eq!(h.state().planner.step, steps - 1);
    h.get_by_label("Leaders").click();
    h.run();
    h.get_by_label_contains("most per zone");
}

#[test]
fn partition_sides_are_built_by_clicking_zones_and_applied() {
    let session = sample("three-zones");
    let zones: Vec<String> = session
        .topology
        .zones
        .iter()
        .map(|z| z.name.clone())
        .collect();
    let mut h = harness(QuorumApp::with_session(session), None);
    h.run();
    h.get_by_label("Partition").click();
    h.run();
    h.get_by_label(&format!("zone {}", zones[0]))
        .click_accesskit();
    h.run();
    for z in &zones[1..] {
        // Side B: two clicks (none → A → B).
        h.get_by_label(&format!("zone {z}")).click_accesskit();
        h.run();
        h.get_by_label(&format!("zone {z}")).click_accesskit();
        h.run();
    }
    h.get_by_label("Apply partition").click();
    h.run();
    let events = &h.state().whatif.events;
    assert_eq!(events.len(), 1);
    assert!(
        matches!(&events[0], Event::Partition(sides) if sides.len() == 2),
        "{events:?}"
    );
}

fn snapshot(h: &mut Harness<'_, QuorumApp>, name: &str) {
    let options = SnapshotOptions::new().threshold(2.0).max_failed_pixels(400);
    h.snapshot_options(name, &options);
}

#[test]
fn snapshots_of_the_main_screens() {
    let session = sample("three-zones");
    let (zone, _) = costly_zone(&session);
    let Some(renderer) = software_renderer() else {
        return;
    };
    let mut h = harness(QuorumApp::with_session(session), Some(renderer));
    h.run();
    snapshot(&mut h, "today");
    h.get_by_label("Fail").click();
    h.run();
    h.get_by_label(&format!("zone {zone}")).click_accesskit();
    h.run();
    h.get_by_label("Groups").click();
    h.run();
    snapshot(&mut h, "whatif-zone-failed");
    h.get_by_label("Reset").click();
    h.state_mut().tab = Tab::Plan;
    h.run();
    h.get_by_label("Make the plan").click();
    h.run();
    h.get_by_label("before and after side by side").click();
    h.run();
    snapshot(&mut h, "plan-side-by-side");
    // Last: the status line names the temporary file.
    // File ▸ Save the canvas as PNG: egui's screenshot command, saved with the image crate.
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("canvas.png");
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Save the canvas as PNG…").click();
    h.run();
    prompt_field(&h).set_text_value_accesskit(&png.display().to_string());
    h.run();
    h.get_by_label("OK").click();
    h.run();
    let image = image::open(&png).expect("the PNG was saved").to_rgba8();
    assert_eq!((image.width(), image.height()), (1500, 920));
}

#[test]
fn snapshot_of_two_clusters_side_by_side() {
    let Some(renderer) = software_renderer() else {
        return;
    };
    let mut h = harness(QuorumApp::with_session(sample("two-dcs")), Some(renderer));
    h.run();
    snapshot(&mut h, "two-clusters");
}

#[test]
fn a_broken_document_shows_its_file_and_line_and_the_rest_is_still_drawn() {
    let sample = quorum_core::samples::find("three-zones").unwrap();
    let mut texts: Vec<(&str, &str, &[u8])> = sample
        .files
        .iter()
        .map(|(cluster, name, text)| (*cluster, *name, text.as_bytes()))
        .collect();
    texts.push(("default", "broken.yaml", b"kind: Pod\nmetadata: [\n"));
    let snapshot = quorum_core::load::load_texts(&texts);
    let session = Session::new("broken".into(), snapshot, Default::default(), &|_| {});
    let mut h = harness(QuorumApp::with_session(session), None);
    h.run();
    h.get_by_label_contains("1 input error");
    h.get_by_label_contains("broken.yaml:");
    h.get_by_label("zone eu-west-1a");
}

#[test]
fn the_plan_exports_through_the_path_prompt_and_the_report_through_the_menu() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(QuorumApp::with_session(sample("three-zones")), None);
    h.run();
    h.get_by_label("Plan").click();
    h.run();
    h.get_by_label("Make the plan").click();
    h.run();
    h.get_by_label("yaml").click();
    h.run();
    let plan = dir.path().join("plan.yaml");
    prompt_field(&h).set_text_value_accesskit(&plan.display().to_string());
    h.run();
    h.get_by_label("OK").click();
    h.run();
    let text = std::fs::read_to_string(&plan).expect("the plan was saved");
    assert!(text.contains("handover"), "{text}");

    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Export the review report…").click();
    h.run();
    let report = dir.path().join("review.html");
    prompt_field(&h).set_text_value_accesskit(&report.display().to_string());
    h.run();
    h.get_by_label("OK").click();
    h.run();
    let html = std::fs::read_to_string(&report).expect("the report was written");
    // The review recommends the plan made in the session, not one of its own.
    assert!(html.contains("<svg") && html.contains("Recommended plan: goal leaders"));
    assert!(html.contains("The plan made in this session."));
}

/// A file dropped on the window, as winit hands it to egui.
#[derive(Debug)]
struct Dropped(std::path::PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &std::path::Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

/// Steps the harness until `done` holds (the loader runs on its own thread).
fn step_until(h: &mut Harness<'_, QuorumApp>, what: &str, done: impl Fn(&QuorumApp) -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !done(h.state()) {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
        h.step();
    }
}

#[test]
fn a_dropped_file_opens_and_a_change_to_it_reloads_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cluster.yaml");
    let text = quorum_core::samples::find("three-zones").unwrap().files[0].2;
    std::fs::write(&file, text).unwrap();
    let mut h = harness(QuorumApp::with_session(sample("healthy")), None);
    h.run();
    let handle: egui::DroppedFileHandle = std::sync::Arc::new(Dropped(file.clone()));
    h.input_mut().dropped_files.push(handle);
    h.step();
    let title = file.display().to_string();
    step_until(&mut h, "the dropped file", |app| {
        app.session().is_some_and(|s| s.title == title)
    });
    let nodes = h.state().session().unwrap().topology.nodes.len();
    // One more node in the file: the window reloads by itself.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let more = format!(
        "{text}\n---\napiVersion: v1\nkind: Node\nmetadata:\n  name: extra-1\n  labels:\n    topology.kubernetes.io/zone: eu-west-1a\nstatus:\n  conditions:\n  - {{type: Ready, status: \"True\"}}\n"
    );
    std::fs::write(&file, more).unwrap();
    step_until(&mut h, "the reload", |app| {
        app.session()
            .is_some_and(|s| s.topology.nodes.len() == nodes + 1)
    });
}

#[test]
fn dragging_on_a_zone_pans_the_canvas_and_scrolling_zooms_it() {
    let session = sample("three-zones");
    let mut h = harness(QuorumApp::with_session(session), None);
    h.run();
    let before = h.state().canvas_view();
    // Screen coordinates (accesskit gives the canvas's widgets in world coordinates): the middle
    // lane, eu-west-1b, in a 1500×920 window.
    let zone = egui::pos2(795.0, 520.0);
    h.hover_at(zone);
    h.drag_at(zone);
    h.step();
    for dx in [10.0, 30.0, 60.0] {
        h.hover_at(zone + vec2(dx, 0.0));
        h.step();
    }
    h.drop_at(zone + vec2(60.0, 0.0));
    h.run();
    let panned = h.state().canvas_view();
    assert!(
        panned.min.x < before.min.x - 10.0,
        "{before:?} → {panned:?}"
    );
    // No click, so no selection and no event from the drag.
    assert!(h.state().selection.is_none());
    h.hover_at(zone);
    h.event(egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Line,
        delta: vec2(0.0, 3.0),
        modifiers: egui::Modifiers::NONE,
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Wheel,
    });
    h.run();
    let zoomed = h.state().canvas_view();
    assert!(zoomed.width() < panned.width(), "{panned:?} → {zoomed:?}");
}

/// The first picture of a small cluster names every node at least 12 px high.
#[test]
fn the_first_picture_of_a_small_cluster_is_readable_and_f_fits_it_again() {
    for name in ["three-zones", "two-dcs", "broken-storage"] {
        let mut h = harness(QuorumApp::with_session(sample(name)), None);
        h.run();
        let view = h.state().canvas_view();
        // The canvas fills what the panels leave of the 1500-point window: about 665 points.
        let scale = 665.0 / view.width();
        let px = crate::canvas::node_name_px(scale);
        assert!(
            px >= 12.0,
            "{name}: names {px:.1} px at zoom {scale:.2} ({view:?})"
        );
        h.get_by_label("+").click();
        h.run();
        assert!(
            h.state().canvas_view().width() < view.width() * 0.95,
            "{name}"
        );
        h.key_press(egui::Key::F);
        h.run();
        assert_eq!(h.state().canvas_view(), view, "{name}: F fits again");
    }
}

/// A group's finding frames every replica of the group; a click on a group in the Groups tab
/// selects it (its replicas are ringed on the canvas).
#[test]
fn a_groups_finding_and_the_groups_tab_frame_all_its_replicas() {
    use crate::commands::Subject;
    let session = sample("three-zones");
    let pg = session
        .analysis
        .groups
        .iter()
        .find(|g| g.name == "db/pg")
        .expect("the sample's StatefulSet")
        .id;
    let mut h = harness(QuorumApp::with_session(session), None);
    h.run();
    h.get_by_label("locate quorum-zone-loss db/pg").click();
    h.run();
    assert_eq!(h.state().selection, Some(Subject::Group(pg)));
    let view = h.state().canvas_view();
    let s = h.state().session().unwrap();
    for p in s.group_pods(pg) {
        let at = s.layout.chips[p.index()].expect("drawn");
        assert!(
            view.contains(at),
            "replica {} out of the frame",
            s.topology.pod_display(p)
        );
    }
    h.get_by_label("Groups").click();
    h.run();
    h.get_by_label("kafka/kafka").click();
    h.run();
    let kafka = s_id(&h, "kafka/kafka");
    assert_eq!(h.state().selection, Some(Subject::Group(kafka)));
}

fn s_id(h: &Harness<'_, QuorumApp>, name: &str) -> quorum_core::graph::GroupId {
    let s = h.state().session().unwrap();
    s.analysis
        .groups
        .iter()
        .find(|g| g.name == name)
        .unwrap()
        .id
}

/// Every mark the canvas draws is explained in the inspector's legend, at rest.
#[test]
fn the_legend_explains_the_marks_at_rest() {
    let mut h = harness(QuorumApp::with_session(sample("three-zones")), None);
    h.run();
    h.get_by_label("Legend");
    for mark in [
        "holds a leader lease",
        "its group has no quorum in the state drawn",
        "stopped with its node",
        "runs where its volume cannot be reached",
    ] {
        h.get_by_label_contains(mark);
    }
    h.get_by_label_contains("node: a critical finding");
}

#[test]
fn the_sweep_tab_says_it_is_sweeping_until_the_loader_has_swept() {
    // As the window's loader sends it: the cluster first, the sweep after.
    let origin = Origin::Sample(quorum_core::samples::find("three-zones").unwrap());
    let session = Session::open_with(&origin, &|_| {}).unwrap();
    let sweeper = session.sweeper();
    let mut h = harness(QuorumApp::with_session(session), None);
    h.run();
    h.get_by_label("Sweep").click();
    h.run();
    h.get_by_label_contains("Sweeping every single failure");
    sweeper();
    h.run();
    h.get_by_label_contains("single failures and partitions;");
    assert!(
        h.query_by_label_contains("Sweeping every single failure")
            .is_none()
    );
}
