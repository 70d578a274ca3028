//! Shared by the end-to-end tests: the real binary in a private tmux server.

#![allow(dead_code)] // each test file uses its own part

use std::process::Command;
use std::time::{Duration, Instant};

/// A private tmux server running one session; killed on drop.
pub struct Tmux {
    socket: String,
}

/// Whether a test whose tool is missing may run: never; it skips saying why, or fails where
/// `QUORUM_REQUIRE_TOOLS=1` (CI) says every tool must be there.
pub fn tool_present(present: bool, why: &str) -> bool {
    let required = std::env::var_os("QUORUM_REQUIRE_TOOLS").is_some_and(|v| v == "1");
    assert!(present || !required, "{why} (QUORUM_REQUIRE_TOOLS=1)");
    if !present {
        eprintln!("skipped: {why}");
    }
    present
}

impl Tmux {
    /// tmux is installed, or the test skips (fails under CI).
    pub fn available() -> bool {
        let present = Command::new("tmux")
            .arg("-V")
            .output()
            .is_ok_and(|o| o.status.success());
        tool_present(present, "tmux is not installed (apt-get install tmux)")
    }

    pub fn start(name: &str, width: u16, height: u16, command: &str) -> Tmux {
        let socket = format!("quorum-test-{name}-{}", std::process::id());
        let status = Command::new("tmux")
            .args([
                "-L",
                &socket,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-s",
                "t",
            ])
            .args(["-x", &width.to_string(), "-y", &height.to_string()])
            .arg(command)
            .env_remove("NO_COLOR")
            .status()
            .expect("tmux runs");
        assert!(status.success(), "tmux new-session failed");
        Tmux { socket }
    }

    pub fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn keys(&self, keys: &str) {
        self.tmux(&["send-keys", "-t", "t", "-l", keys]);
    }

    pub fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", "t"])
    }

    /// The screen once two captures 200 ms apart agree (no frame half written): for checking
    /// what must NOT be on it.
    pub fn settled_screen(&self) -> String {
        let started = Instant::now();
        let mut last = self.screen();
        loop {
            std::thread::sleep(Duration::from_millis(200));
            let now = self.screen();
            if now == last || started.elapsed() > Duration::from_secs(20) {
                return now;
            }
            last = now;
        }
    }

    /// Waits until the screen shows `text` (20 s at most).
    pub fn wait_for(&self, text: &str) -> String {
        self.wait_for_all(&[text])
    }

    /// Waits until one screen shows every one of `texts` (20 s at most). A capture can catch a
    /// frame half written, so what a state shows is waited for together, never checked after
    /// waiting for one part of it.
    pub fn wait_for_all(&self, texts: &[&str]) -> String {
        self.wait_longer_for_all(texts, Duration::from_secs(20))
    }

    /// Waits until the screen shows `text`, `limit` at most.
    pub fn wait_longer_for(&self, text: &str, limit: Duration) -> String {
        self.wait_longer_for_all(&[text], limit)
    }

    fn wait_longer_for_all(&self, texts: &[&str], limit: Duration) -> String {
        let started = Instant::now();
        loop {
            let screen = self.screen();
            if texts.iter().all(|t| screen.contains(t)) {
                return screen;
            }
            if started.elapsed() > limit {
                let missing: Vec<&&str> = texts.iter().filter(|t| !screen.contains(**t)).collect();
                panic!(
                    "after {:.1} s the screen still did not show {missing:?}:\n{screen}",
                    limit.as_secs_f64()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.tmux(&["kill-server"]);
    }
}
