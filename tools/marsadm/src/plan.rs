//! A plan of changes to /mars: built and validated completely before the
//! first change, then either printed (`--dry-run`) or applied.

use std::fs;
use std::io;
use std::path::Path;

use mars_core::names::{Entry, ResourceName, TmpName, CLUSTER_SECRET};
use mars_core::tree::{LinkKind, TOMBSTONE};

use crate::config::Ctx;
use crate::error::{Error, Result};
use crate::grammar::{check_link, check_member_link};
use crate::kernel::Clock;
use crate::links::{fsync_dir, remove_if_exists, write_link};
use crate::secret::{write_secret, Secret};

/// One change to the tree; paths are relative to /mars.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// Create a directory unless it exists.
    Mkdir {
        /// Directory path.
        rel: String,
    },
    /// Write a link atomically with a fresh stamp.
    Link {
        /// Link path.
        rel: String,
        /// Link target.
        value: String,
        /// What a dry run shows instead of a value that the real run
        /// makes anew (a random UUID).
        shown: Option<String>,
    },
    /// Build `resource-RES/` as `.tmp-resource-RES/` and rename it in place.
    NewResource {
        /// The resource.
        res: ResourceName,
        /// Subdirectories, relative to the resource directory.
        dirs: Vec<String>,
        /// Links (path relative to the resource directory, value).
        links: Vec<(String, String)>,
    },
    /// Remove a file or link.
    Remove {
        /// Path of the file or link.
        rel: String,
    },
    /// Rename `resource-RES/` aside and remove it recursively.
    RemoveResource {
        /// The resource.
        res: ResourceName,
    },
    /// Write `cluster-secret` (mode 0600 from its creation).
    Secret {
        /// The secret.
        secret: Secret,
        /// What describe() shows instead of the secret (it never shows it).
        shown: String,
    },
    /// Delete an exchanged link: a tombstone (`.deleted`) with a fresh
    /// stamp, which the peers adopt.
    Tombstone {
        /// Link path.
        rel: String,
    },
    /// Remove a directory and everything in it (local state only).
    RemoveDir {
        /// Directory path.
        rel: String,
    },
}

/// An ordered list of validated changes.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// The changes, applied in order.
    pub changes: Vec<Change>,
}

fn invalid(msg: String) -> Error {
    Error::refused(format!("internal check failed, nothing was changed: {msg}"))
        .hint("this is a bug in marsadm; please report it with the command line you used")
}

fn fail(what: &str, path: &Path, e: io::Error) -> Error {
    let mut err = Error::io(what, path, e);
    err.msg.push_str("; /mars may be partly changed");
    err.or_hint("fix the cause (disk full? read-only?) and run the same command again")
}

impl Plan {
    /// An empty plan.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the plan changes nothing.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Adds a directory.
    pub fn mkdir(&mut self, rel: impl Into<String>) {
        self.changes.push(Change::Mkdir { rel: rel.into() });
    }

    /// Adds a link after checking path and value with the tree grammar.
    pub fn link(&mut self, rel: impl Into<String>, value: impl Into<String>) -> Result<()> {
        let (rel, value) = (rel.into(), value.into());
        check_link(&rel, &value).map_err(invalid)?;
        self.changes.push(Change::Link {
            rel,
            value,
            shown: None,
        });
        Ok(())
    }

    /// Adds a link whose value the real run makes anew: a dry run shows
    /// `shown` instead of `value`.
    pub fn link_shown(
        &mut self,
        rel: impl Into<String>,
        value: impl Into<String>,
        shown: &str,
    ) -> Result<()> {
        self.link(rel, value)?;
        if let Some(Change::Link { shown: s, .. }) = self.changes.last_mut() {
            *s = Some(shown.to_string());
        }
        Ok(())
    }

    /// Adds a new resource directory with its contents (all links checked).
    pub fn new_resource(
        &mut self,
        res: ResourceName,
        dirs: Vec<String>,
        links: Vec<(String, String)>,
    ) -> Result<()> {
        for (rel, value) in &links {
            check_link(&format!("resource-{res}/{rel}"), value).map_err(invalid)?;
        }
        self.changes.push(Change::NewResource { res, dirs, links });
        Ok(())
    }

    /// Adds removing a file or link.
    pub fn remove(&mut self, rel: impl Into<String>) {
        self.changes.push(Change::Remove { rel: rel.into() });
    }

    /// Adds removing a whole resource directory.
    pub fn remove_resource(&mut self, res: ResourceName) {
        self.changes.push(Change::RemoveResource { res });
    }

    /// Adds writing `cluster-secret`; `shown` is what a dry run says about
    /// it (the secret itself is never shown).
    pub fn secret(&mut self, secret: Secret, shown: &str) {
        self.changes.push(Change::Secret {
            secret,
            shown: shown.to_string(),
        });
    }

    /// Adds a tombstone over a link marsadm writes (checked like a link).
    pub fn tombstone(&mut self, rel: impl Into<String>) -> Result<()> {
        let rel = rel.into();
        match LinkKind::parse(&rel) {
            Ok(k) if k.is_wanted() => {}
            _ => return Err(invalid(format!("marsadm never deletes {rel}"))),
        }
        self.changes.push(Change::Tombstone { rel });
        Ok(())
    }

    /// Adds a kernel-written link of a member that marsadm seeds
    /// (`syncstatus-HOST -> 0` on join, see [`check_member_link`]).
    pub fn member_link(&mut self, rel: impl Into<String>, value: impl Into<String>) -> Result<()> {
        let (rel, value) = (rel.into(), value.into());
        check_member_link(&rel, Some(&value)).map_err(invalid)?;
        self.changes.push(Change::Link {
            rel,
            value,
            shown: None,
        });
        Ok(())
    }

    /// Adds a tombstone over a kernel-written link of a member that leaves
    /// (`syncstatus-`, `syncpos-`, `replay-HOST`).
    pub fn retire(&mut self, rel: impl Into<String>) -> Result<()> {
        let rel = rel.into();
        check_member_link(&rel, None).map_err(invalid)?;
        self.changes.push(Change::Tombstone { rel });
        Ok(())
    }

    /// Adds removing a directory recursively.
    pub fn remove_dir(&mut self, rel: impl Into<String>) {
        self.changes.push(Change::RemoveDir { rel: rel.into() });
    }

    /// One line per change, for `--dry-run` and `-v`.
    pub fn describe(&self) -> Vec<String> {
        let mut out = Vec::new();
        for c in &self.changes {
            match c {
                Change::Mkdir { rel } => out.push(format!("create directory {rel}/")),
                Change::Link { rel, value, shown } => out.push(format!(
                    "write link {rel} -> {}",
                    shown.as_deref().unwrap_or(value)
                )),
                Change::NewResource { res, dirs, links } => {
                    out.push(format!("create directory resource-{res}/ containing:"));
                    for d in dirs {
                        out.push(format!("  directory resource-{res}/{d}/"));
                    }
                    for (rel, value) in links {
                        out.push(format!("  link resource-{res}/{rel} -> {value}"));
                    }
                }
                Change::Remove { rel } => out.push(format!("remove {rel}")),
                Change::RemoveResource { res } => out.push(format!(
                    "remove directory resource-{res}/ and everything in it"
                )),
                Change::Secret { shown, .. } => {
                    out.push(format!("create file {CLUSTER_SECRET} (mode 0600): {shown}"))
                }
                Change::Tombstone { rel } => {
                    out.push(format!("delete link {rel} (write {rel} -> {TOMBSTONE})"))
                }
                Change::RemoveDir { rel } => {
                    out.push(format!("remove directory {rel}/ and everything in it"))
                }
            }
        }
        out
    }

    /// Applies the changes in order, stamping every link with `clock`.
    pub fn apply(&self, ctx: &Ctx, clock: &Clock<'_>) -> Result<()> {
        for c in &self.changes {
            if ctx.verbose {
                for line in (Plan {
                    changes: vec![c.clone()],
                })
                .describe()
                {
                    eprintln!("marsadm: {line}");
                }
            }
            apply_one(ctx, clock, c)?;
        }
        Ok(())
    }
}

fn write_rel(clock: &Clock<'_>, base: &Path, rel: &str, value: &str) -> Result<()> {
    let path = base.join(rel);
    let dir = path.parent().unwrap_or(base);
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| invalid(format!("bad link path {rel}")))?;
    let stamp = clock.stamp()?;
    write_link(dir, name, value, stamp).map_err(|e| fail("write link", &path, e))
}

fn apply_one(ctx: &Ctx, clock: &Clock<'_>, c: &Change) -> Result<()> {
    match c {
        Change::Mkdir { rel } => {
            let p = ctx.path(rel);
            match fs::create_dir(&p) {
                Err(e) if e.kind() != io::ErrorKind::AlreadyExists => {
                    Err(fail("create directory", &p, e))
                }
                _ => Ok(()),
            }
        }
        Change::Link { rel, value, .. } => write_rel(clock, &ctx.mars, rel, value),
        Change::NewResource { res, dirs, links } => {
            let tmp = ctx.path(&TmpName(Entry::Resource(*res)).to_string());
            if tmp.exists() {
                fs::remove_dir_all(&tmp).map_err(|e| fail("remove stale", &tmp, e))?;
            }
            fs::create_dir(&tmp).map_err(|e| fail("create directory", &tmp, e))?;
            for d in dirs {
                let p = tmp.join(d);
                fs::create_dir(&p).map_err(|e| fail("create directory", &p, e))?;
            }
            for (rel, value) in links {
                write_rel(clock, &tmp, rel, value)?;
            }
            let dst = ctx.resource_dir(res);
            fs::rename(&tmp, &dst).map_err(|e| fail("rename into place", &dst, e))?;
            fsync_dir(&ctx.mars).map_err(|e| fail("sync", &ctx.mars, e))
        }
        Change::Remove { rel } => {
            let p = ctx.path(rel);
            remove_if_exists(&p).map_err(|e| fail("remove", &p, e))?;
            let dir = p.parent().unwrap_or(&ctx.mars);
            fsync_dir(dir).map_err(|e| fail("sync", dir, e))
        }
        Change::RemoveResource { res } => {
            let src = ctx.resource_dir(res);
            let aside = ctx.path(&Entry::DeletedResource(*res, clock.stamp()?).to_string());
            fs::rename(&src, &aside).map_err(|e| fail("rename aside", &src, e))?;
            fsync_dir(&ctx.mars).map_err(|e| fail("sync", &ctx.mars, e))?;
            fs::remove_dir_all(&aside).map_err(|e| fail("remove", &aside, e))
        }
        Change::Secret { secret, .. } => {
            let p = ctx.path(CLUSTER_SECRET);
            write_secret(&ctx.mars, secret).map_err(|e| fail("write", &p, e))
        }
        Change::Tombstone { rel } => write_rel(clock, &ctx.mars, rel, TOMBSTONE),
        Change::RemoveDir { rel } => {
            let p = ctx.path(rel);
            match fs::remove_dir_all(&p) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => Err(fail("remove", &p, e)),
                _ => fsync_dir(&ctx.mars).map_err(|e| fail("sync", &ctx.mars, e)),
            }
        }
    }
}
