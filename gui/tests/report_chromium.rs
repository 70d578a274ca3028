//! The HTML review in a real browser: headless Chromium (Debian's `chromium`) loads the page
//! `quorum-gui --report review.html` writes, the DOM it builds holds every section with its
//! heading, the pictures and their legends, and printed to PDF the document takes a page per
//! section. Skipped, saying so, where Chromium is not installed (a failure under
//! `QUORUM_REQUIRE_TOOLS=1`, as in CI).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The sections of the review, in order, with the start of each heading.
const SECTIONS: [(&str, &str); 8] = [
    ("summary", "Executive summary"),
    ("diagram", "Topology"),
    ("findings", "Findings by severity"),
    ("survivability", "Survivability matrix"),
    ("plan", "Recommended plan"),
    ("zone-failure", "Worst zone failure"),
    ("partition", "Worst partition"),
    ("about", "About this review"),
];

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            let out = Command::new("sh")
                .args(["-c", &format!("command -v {name}")])
                .output()
                .ok()?;
            out.status
                .success()
                .then(|| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
        })
}

/// What Chromium printed and how it exited.
struct Run {
    success: bool,
    stdout: String,
    stderr: String,
}

/// Runs Chromium headless on a page, with a deadline (a hung browser fails the test). Its output
/// goes to files: a DOM larger than a pipe's buffer would block it on a pipe nobody reads yet.
fn headless(chromium: &Path, profile: &Path, args: &[String], page: &Path) -> Run {
    let out = profile.with_extension("stdout");
    let err = profile.with_extension("stderr");
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            // Root in a container: Chromium's sandbox needs user namespaces it may not have.
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .expect("chromium starts");
    let deadline = Instant::now() + Duration::from_secs(180);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromium did not finish within 180 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    Run {
        success: status.success(),
        stdout: std::fs::read_to_string(&out).unwrap_or_default(),
        stderr: std::fs::read_to_string(&err).unwrap_or_default(),
    }
}

fn report(sample: &str, path: &Path) {
    let out = Command::new(env!("CARGO_BIN_EXE_quorum-gui"))
        .env_remove("DISPLAY")
        .args(["--sample", sample, "--report"])
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_html_review_renders_in_chromium_with_every_section_and_a_page_each() {
    let Some(chromium) = chromium() else {
        let why = "chromium is not installed (apt-get install chromium)";
        // CI (.ci/run) requires every tool: a test that could not run is a failure there.
        assert!(
            std::env::var_os("QUORUM_REQUIRE_TOOLS").is_none_or(|v| v != "1"),
            "{why} (QUORUM_REQUIRE_TOOLS=1)"
        );
        eprintln!("skipped: {why}");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for sample in ["three-zones", "two-dcs"] {
        let page = dir.path().join(format!("{sample}.html"));
        report(sample, &page);
        let profile = dir.path().join(format!("profile-{sample}"));

        let out = headless(&chromium, &profile, &["--dump-dom".into()], &page);
        let dom = out.stdout;
        assert!(
            out.success && dom.contains("</html>"),
            "{sample}: chromium rendered nothing: {}",
            out.stderr
        );
        assert!(dom.contains("<h1>Quorum review: "), "{sample}: no title");
        assert!(dom.contains("Snapshot time:"), "{sample}: no snapshot time");
        let mut last = 0;
        for (id, heading) in SECTIONS {
            let at = dom
                .find(&format!("<section id=\"{id}\""))
                .unwrap_or_else(|| panic!("{sample}: section {id} missing from the DOM"));
            assert!(at > last, "{sample}: section {id} out of order");
            last = at;
            let section = &dom[at..];
            let end = section.find("</section>").expect("closed");
            assert!(
                section[..end].contains(&format!("<h2>{heading}")),
                "{sample}: section {id} has no heading {heading:?}"
            );
        }
        let diagram = &dom[dom.find("<section id=\"diagram\"").unwrap()..];
        let diagram = &diagram[..diagram.find("</section>").unwrap()];
        assert!(diagram.contains("<svg"), "{sample}: no picture");
        assert!(diagram.contains(">Legend</text>"), "{sample}: no legend");
        assert!(
            dom.contains("Top risks, worst first"),
            "{sample}: no summary"
        );

        // Printed: the contents on one page, then each section on a page of its own.
        let pdf = dir.path().join(format!("{sample}.pdf"));
        let out = headless(
            &chromium,
            &profile,
            &[
                format!("--print-to-pdf={}", pdf.display()),
                "--no-pdf-header-footer".into(),
            ],
            &page,
        );
        assert!(out.success, "{sample}: {}", out.stderr);
        let bytes = std::fs::read(&pdf).expect("a PDF");
        assert!(bytes.starts_with(b"%PDF"), "{sample}: not a PDF");
        let pages = count(&bytes, b"/Type /Page\n")
            + count(&bytes, b"/Type /Page>>")
            + count(&bytes, b"/Type /Page/");
        assert!(
            pages >= SECTIONS.len(),
            "{sample}: {pages} pages for {} sections",
            SECTIONS.len()
        );
    }
}

fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
}
