//! Stage 5, write: atomic output.
//!
//! A build writes into a staging folder beside the output (same file system,
//! so the swap is a rename) and only swaps it in when every file is written.
//! On Linux the swap is one `renameat2(RENAME_EXCHANGE)`: at every instant the
//! output path holds either the complete old site or the complete new one,
//! even if the process is killed. A failed or killed build leaves the old
//! output untouched.
//!
//! After the swap the staging folder holds the previous site, and it is kept:
//! the next build writes over those files and removes the ones it did not
//! write. Deleting 10,000 files and creating 10,000 new ones would make every
//! rebuild pay for fresh inodes (ext4 skips recently freed ones, which can
//! double a build's system time); overwriting reuses them. Each file is
//! written over in place and then cut to its new length (see
//! [`Staging::stream`]), so its pages are reused too. A build into a staging
//! folder it had to create writes new files and has nothing to prune.

use std::collections::HashSet;
use std::fs;
use std::io::{self, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A folder being filled with the new site.
pub struct Staging {
    dir: PathBuf,
    output: PathBuf,
    /// Every file written by this build, relative to `dir`: anything else in
    /// the folder is left over from an earlier site and goes before the swap.
    written: Mutex<HashSet<PathBuf>>,
    /// The folder was created empty by this build: no file is written over
    /// an earlier one, and nothing needs pruning.
    fresh: bool,
}

impl Staging {
    /// Opens the staging folder beside `output`, creating it if needed. What
    /// it holds from earlier builds is overwritten or pruned by [`commit`].
    ///
    /// [`commit`]: Staging::commit
    pub fn new(output: &Path) -> io::Result<Staging> {
        let output = absolute(output)?;
        let parent = output.parent().unwrap_or(Path::new("/")).to_owned();
        fs::create_dir_all(&parent)?;
        let name = output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        // Where renameat2(RENAME_EXCHANGE) is not available, a build killed
        // between its two renames leaves the old site moved aside and no
        // output: put it back before anything else.
        let retired = parent.join(retired_name(&name));
        if retired.exists() && fs::symlink_metadata(&output).is_err() {
            fs::rename(&retired, &output)?;
        }
        if retired.exists() {
            fs::remove_dir_all(&retired)?;
        }
        let dir = parent.join(staging_name(&name));
        let fresh = !dir.is_dir();
        if fresh {
            if dir.exists() {
                fs::remove_file(&dir)?;
            }
            fs::create_dir(&dir)?;
        }
        Ok(Staging {
            dir,
            output,
            written: Mutex::new(HashSet::new()),
            fresh,
        })
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Writes one file of the site (`relative` uses `/`), creating folders.
    pub fn put(&self, relative: &str, bytes: &[u8]) -> io::Result<()> {
        let mut file = self.open_over(relative)?;
        file.write_all(bytes)?;
        self.cut(&mut file, bytes.len() as u64)
    }

    /// Writes one file of the site by streaming into it, so that a large
    /// output (JSON of the whole dossier) is never held in memory. Files are
    /// written over in place (see `open_over`).
    pub fn stream(
        &self,
        relative: &str,
        fill: impl FnOnce(&mut io::BufWriter<fs::File>) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut out = io::BufWriter::with_capacity(1 << 16, self.open_over(relative)?);
        fill(&mut out)?;
        let mut file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
        let written = file.stream_position()?;
        self.cut(&mut file, written)
    }

    /// Cuts a file written over an earlier one to the `len` bytes written,
    /// if the earlier one was longer. Its size is asked first (a seek to its
    /// end): a truncation locks the file and stamps its times even when the
    /// size stays, and a rebuild mostly writes each page as long as before.
    fn cut(&self, file: &mut fs::File, len: u64) -> io::Result<()> {
        if self.fresh {
            // Opened with truncation: nothing of an earlier file is left.
            return Ok(());
        }
        if file.seek(io::SeekFrom::End(0))? > len {
            file.set_len(len)?;
        }
        Ok(())
    }

    /// Opens `relative` for writing from its start, creating it (and its
    /// folders) if needed. The caller cuts the file to what it wrote
    /// ([`Staging::cut`]).
    ///
    /// A file left by an earlier site is written over in place rather than
    /// truncated first: truncating frees every page of the old file only for
    /// the writes to allocate (and the kernel to zero) as many fresh ones. In
    /// a fresh folder every file is new, so truncating costs nothing and
    /// spares the cut.
    fn open_over(&self, relative: &str) -> io::Result<fs::File> {
        let path = self.dir.join(relative);
        let open = || {
            fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(self.fresh)
                .open(&path)
        };
        let file = match open() {
            Ok(file) => file,
            Err(_) => {
                self.make_room(&path)?;
                open()?
            }
        };
        self.record(relative);
        Ok(file)
    }

    fn record(&self, relative: impl Into<PathBuf>) {
        if self.fresh {
            return;
        }
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(relative.into());
    }

    /// Clears the way for a file at `path`: its folders exist (a file of an
    /// earlier site standing where a folder must go is removed), and no folder
    /// stands where the file goes.
    fn make_room(&self, path: &Path) -> io::Result<()> {
        if path.is_dir() {
            fs::remove_dir_all(path)?;
        }
        let parent = path.parent().unwrap_or(&self.dir);
        for ancestor in parent
            .ancestors()
            .take_while(|a| a.starts_with(&self.dir) && *a != self.dir)
        {
            if ancestor.is_file() {
                fs::remove_file(ancestor)?;
            }
        }
        fs::create_dir_all(parent)
    }

    /// Copies a folder's files into `relative` inside the site.
    pub fn copy_tree(&self, from: &Path, relative: &str) -> io::Result<usize> {
        let mut count = 0;
        for entry in walkdir::WalkDir::new(from).follow_links(true) {
            let entry = entry.map_err(io::Error::other)?;
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = Path::new(relative)
                .join(entry.path().strip_prefix(from).map_err(io::Error::other)?);
            let target = self.dir.join(&rel);
            if fs::copy(entry.path(), &target).is_err() {
                self.make_room(&target)?;
                fs::copy(entry.path(), &target)?;
            }
            self.record(rel);
            count += 1;
        }
        Ok(count)
    }

    /// Swaps the staging folder in as the output. The old output is removed
    /// after the swap, so a crash during removal loses nothing but disk space.
    pub fn commit(self) -> io::Result<()> {
        self.prune()?;
        if self.output.exists() {
            // Afterwards `self.dir` holds the old site, for the next build to reuse.
            exchange(&self.dir, &self.output)
        } else {
            fs::rename(&self.dir, &self.output)
        }
    }

    /// Removes what this build did not write: files of an earlier site.
    fn prune(&self) -> io::Result<()> {
        if self.fresh {
            return Ok(());
        }
        let written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        let mut folders = Vec::new();
        for entry in walkdir::WalkDir::new(&self.dir).min_depth(1) {
            let entry = entry.map_err(io::Error::other)?;
            let relative = entry
                .path()
                .strip_prefix(&self.dir)
                .map_err(io::Error::other)?;
            if entry.file_type().is_dir() {
                folders.push(entry.path().to_owned());
            } else if !written.contains(relative) {
                fs::remove_file(entry.path())?;
            }
        }
        // Deepest first, so emptied folders go too.
        for folder in folders.iter().rev() {
            if fs::read_dir(folder)?.next().is_none() {
                fs::remove_dir(folder)?;
            }
        }
        Ok(())
    }

    /// Gives up on this build (it failed). The output is untouched; what was
    /// written stays in the staging folder for the next build to overwrite.
    pub fn discard(self) {}
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
    }

    #[test]
    fn old_site_moved_aside_by_a_killed_fallback_swap_is_put_back() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let retired = tmp.path().join(".public.retired");
        fs::create_dir(&retired).unwrap();
        fs::write(retired.join("old.html"), "old").unwrap();
        let staging = Staging::new(&out).unwrap();
        assert_eq!(fs::read_to_string(out.join("old.html")).unwrap(), "old");
        assert!(!retired.exists());
        staging.discard();
        assert_eq!(fs::read_to_string(out.join("old.html")).unwrap(), "old");
    }

    #[test]
    fn a_file_written_over_a_longer_one_keeps_nothing_of_it() {
        let tmp = tempfile::tempdir().unwrap();
        // A staging folder left by an earlier build, with its files.
        let earlier = tmp.path().join(staging_name("public"));
        fs::create_dir_all(earlier.join("a")).unwrap();
        fs::write(earlier.join("a/page.html"), "an older, longer page").unwrap();
        fs::write(earlier.join("data.json"), "[1, 2, 3, 4, 5]").unwrap();
        fs::write(earlier.join("gone.html"), "not written again").unwrap();
        fs::write(earlier.join("same.html"), "same size").unwrap();
        fs::write(earlier.join("grows.html"), "short").unwrap();
        let staging = Staging::new(&tmp.path().join("public")).unwrap();
        assert!(!staging.fresh);
        staging.put("a/page.html", b"new").unwrap();
        staging
            .stream("data.json", |out| out.write_all(b"[]"))
            .unwrap();
        staging.put("same.html", b"SAME SIZE").unwrap();
        staging
            .stream("grows.html", |out| out.write_all(b"longer than before"))
            .unwrap();
        let read = |p: &str| fs::read_to_string(staging.path().join(p)).unwrap();
        assert_eq!(read("a/page.html"), "new");
        assert_eq!(read("data.json"), "[]");
        assert_eq!(read("same.html"), "SAME SIZE");
        assert_eq!(read("grows.html"), "longer than before");
        staging.commit().unwrap();
        let out = tmp.path().join("public");
        assert_eq!(fs::read_to_string(out.join("data.json")).unwrap(), "[]");
        assert!(
            !out.join("gone.html").exists(),
            "a file not written again is pruned"
        );
    }

    #[test]
    fn a_fresh_staging_folder_writes_each_file_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let staging = Staging::new(&tmp.path().join("public")).unwrap();
        assert!(staging.fresh);
        // Written twice in one build (a static file and its override).
        staging
            .put("static/style.css", b"a long built-in style")
            .unwrap();
        staging.put("static/style.css", b"short").unwrap();
        staging.commit().unwrap();
        let css = tmp.path().join("public/static/style.css");
        assert_eq!(fs::read_to_string(css).unwrap(), "short");
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
