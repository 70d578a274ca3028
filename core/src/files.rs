//! Files Quorum writes that can hold cluster details (exports, the apply journal, saved plans,
//! predicted clusters, reports, screenshots): created readable and writable by their owner
//! only, mode `0600`, and tightened to that when they already exist, whatever the umask. A user
//! who wants them shared says so with `QUORUM_FILE_MODE` (octal, for instance `0640`).
//! Output to standard output is the shell's to place, as any command's.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

/// The environment variable that names another mode for the files Quorum writes.
pub const MODE_VARIABLE: &str = "QUORUM_FILE_MODE";

/// The mode files are created with: `QUORUM_FILE_MODE` when it is set to an octal mode, else
/// owner-only.
pub fn mode() -> u32 {
    mode_from(std::env::var(MODE_VARIABLE).ok().as_deref())
}

/// [`mode`] for a value of the variable (`None`: not set). Anything but an octal mode from
/// `0` to `0777` is ignored (owner-only is the safe reading of a typo).
pub fn mode_from(value: Option<&str>) -> u32 {
    value
        .map(|v| v.trim().trim_start_matches("0o"))
        .and_then(|v| u32::from_str_radix(v, 8).ok())
        .filter(|m| *m <= 0o777)
        .unwrap_or(0o600)
}

/// Creates `path` (or empties it) for writing, with [`mode`].
pub fn create(path: impl AsRef<Path>) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    open(path, options)
}

/// Opens `path` to append to it (creating it), with [`mode`].
pub fn append(path: impl AsRef<Path>) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    open(path, options)
}

/// Writes `bytes` to `path` (created or replaced), with [`mode`].
pub fn write(path: impl AsRef<Path>, bytes: impl AsRef<[u8]>) -> io::Result<()> {
    let mut f = create(path)?;
    f.write_all(bytes.as_ref())?;
    f.flush()
}

fn open(path: impl AsRef<Path>, mut options: OpenOptions) -> io::Result<File> {
    let mode = mode();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    let file = options.open(path)?;
    // A file that existed keeps its mode on open: set it, so an old world-readable export
    // does not stay so.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_octal_mode_is_taken_and_anything_else_means_owner_only() {
        assert_eq!(mode_from(None), 0o600);
        assert_eq!(mode_from(Some("0640")), 0o640);
        assert_eq!(mode_from(Some("644")), 0o644);
        assert_eq!(mode_from(Some("0o600")), 0o600);
        assert_eq!(mode_from(Some("rw-r--r--")), 0o600);
        assert_eq!(mode_from(Some("7777")), 0o600);
    }

    #[cfg(unix)]
    #[test]
    fn files_are_owner_only_even_when_they_existed_world_readable() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let fresh = dir.path().join("fresh.json");
        write(&fresh, "{}").unwrap();
        let old = dir.path().join("old.jsonl");
        std::fs::write(&old, "x\n").unwrap();
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).unwrap();
        append(&old).unwrap().write_all(b"y\n").unwrap();
        for p in [&fresh, &old] {
            let m = std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            // Unless the test runs with QUORUM_FILE_MODE set.
            assert_eq!(m, mode(), "{}", p.display());
        }
        assert_eq!(std::fs::read_to_string(&old).unwrap(), "x\ny\n");
    }
}
