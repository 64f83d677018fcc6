//! Stage 5, write: atomic output.
//!
//! A build writes into a staging folder beside the output (same file system,
//! so the swap is a rename) and only swaps it in when every file is written.
//! On Linux the swap is one `renameat2(RENAME_EXCHANGE)`: at every instant the
//! output path holds either the complete old site or the complete new one,
//! even if the process is killed. A failed or killed build leaves the old
//! output untouched; its staging folder is removed by the next build.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// A folder being filled with the new site.
pub struct Staging {
    dir: PathBuf,
    output: PathBuf,
}

impl Staging {
    /// Creates an empty staging folder beside `output`, clearing leftovers of
    /// builds that were killed.
    pub fn new(output: &Path) -> io::Result<Staging> {
        let output = absolute(output)?;
        let parent = output.parent().unwrap_or(Path::new("/")).to_owned();
        fs::create_dir_all(&parent)?;
        let name = output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        for leftover in [staging_name(&name), retired_name(&name)] {
            let path = parent.join(leftover);
            if path.exists() {
                fs::remove_dir_all(&path)?;
            }
        }
        let dir = parent.join(staging_name(&name));
        fs::create_dir(&dir)?;
        Ok(Staging { dir, output })
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Writes one file of the site (`relative` uses `/`), creating folders.
    pub fn put(&self, relative: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.dir.join(relative);
        match fs::write(&path, bytes) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if let Some(parent) = path.parent() {
                    fs::create_dir_all(parent)?;
                }
                fs::write(&path, bytes)
            }
            other => other,
        }
    }

    /// Copies a folder's files into `relative` inside the site.
    pub fn copy_tree(&self, from: &Path, relative: &str) -> io::Result<usize> {
        let mut count = 0;
        for entry in walkdir::WalkDir::new(from).follow_links(true) {
            let entry = entry.map_err(io::Error::other)?;
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry.path().strip_prefix(from).map_err(io::Error::other)?;
            let target = self.dir.join(relative).join(rel);
            if let Some(parent) = target.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::copy(entry.path(), &target)?;
            count += 1;
        }
        Ok(count)
    }

    /// Swaps the staging folder in as the output. The old output is removed
    /// after the swap, so a crash during removal loses nothing but disk space.
    pub fn commit(self) -> io::Result<()> {
        if self.output.exists() {
            exchange(&self.dir, &self.output)?;
            // `self.dir` now holds the old site.
            fs::remove_dir_all(&self.dir)?;
        } else {
            fs::rename(&self.dir, &self.output)?;
        }
        Ok(())
    }

    /// Throws the staging folder away (a failed build).
    pub fn discard(self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

fn staging_name(output_name: &str) -> String {
    format!(".{output_name}.staging")
}

fn retired_name(output_name: &str) -> String {
    format!(".{output_name}.retired")
}

fn absolute(path: &Path) -> io::Result<PathBuf> {
    if path.is_absolute() {
        Ok(path.to_owned())
    } else {
        Ok(std::env::current_dir()?.join(path))
    }
}

/// Atomically exchanges two paths; where the system cannot, falls back to two
/// renames (the old site is moved aside first, so it is never deleted before
/// the new one is in place).
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{renameat_with, RenameFlags, CWD};
        match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
            Ok(()) => return Ok(()),
            Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => {}
            Err(e) => return Err(e.into()),
        }
    }
    let parent = b.parent().unwrap_or(Path::new("."));
    let name = b
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let retired = parent.join(retired_name(&name));
    fs::rename(b, &retired)?;
    fs::rename(a, b)?;
    fs::rename(&retired, a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_replaces_output_and_discard_keeps_it() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("old.html"), "old").unwrap();

        let staging = Staging::new(&out).unwrap();
        staging.put("a/b/new.html", b"new").unwrap();
        staging.discard();
        assert_eq!(fs::read_to_string(out.join("old.html")).unwrap(), "old");

        let staging = Staging::new(&out).unwrap();
        staging.put("a/b/new.html", b"new").unwrap();
        staging.commit().unwrap();
        assert!(!out.join("old.html").exists());
        assert_eq!(fs::read_to_string(out.join("a/b/new.html")).unwrap(), "new");
        let leftovers: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("public")]);
    }

    #[test]
    fn first_build_creates_output() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("site");
        let staging = Staging::new(&out).unwrap();
        staging.put("index.html", b"x").unwrap();
        staging.commit().unwrap();
        assert!(out.join("index.html").is_file());
    }
}
