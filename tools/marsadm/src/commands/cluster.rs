//! `create-cluster`: the first host creates /mars/uuid and ips/ip-HOST.

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use mars_core::tree::{IpValue, Uuid};
use rustix::rand::{getrandom, GetRandomFlags};

use super::{commit, need_mars_dir};
use crate::config::Ctx;
use crate::error::{Error, Result};
use crate::links::read_link;
use crate::netaddr::default_ip;
use crate::plan::Plan;

/// Whether `dir` is a mount point (its device differs from its parent's,
/// or it is `/`).
pub fn is_mount_point(dir: &Path) -> bool {
    let (Ok(d), Ok(p)) = (fs::metadata(dir), fs::metadata(dir.join(".."))) else {
        return false;
    };
    d.dev() != p.dev() || d.ino() == p.ino()
}

/// A random (version 4) UUID.
pub fn random_uuid() -> Result<Uuid> {
    let mut b = [0u8; 16];
    let n = getrandom(&mut b[..], GetRandomFlags::empty())
        .map_err(|e| Error::io("read random bytes for", Path::new("the uuid"), e.into()))?;
    if n != b.len() {
        return Err(Error::refused("short read from getrandom").hint("run the command again"));
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    Ok(Uuid(b))
}

/// `create-cluster [--ip ADDR]`.
pub fn create_cluster(ctx: &Ctx, ip: Option<&str>) -> Result<()> {
    need_mars_dir(ctx)?;
    let m = ctx.mars.display();
    let uuid_path = ctx.path("uuid");
    if fs::symlink_metadata(&uuid_path).is_ok() {
        let u = read_link(&uuid_path).ok().flatten().unwrap_or_default();
        return Err(Error::refused(format!("a cluster already exists in {m} (uuid {u})"))
            .hint("'marsadm view all' shows it; to start from scratch, unmount /mars, make a new filesystem on it and run create-cluster again"));
    }
    let ip = match ip {
        Some(s) => IpValue::parse(s).map_err(|e| {
            Error::refused(format!("--ip {s:?} is not a valid address: {e}"))
                .hint("give this host's IP address, for example --ip 10.0.0.1")
        })?,
        None => IpValue::from(std::net::IpAddr::V4(default_ip())),
    };
    if !is_mount_point(&ctx.mars) {
        eprintln!(
            "warning: {m} is not a mount point. MARS works, but its logs will fill the filesystem {m} is on; give {m} a filesystem of its own."
        );
    }
    let uuid = random_uuid()?;
    let mut plan = Plan::new();
    plan.mkdir("ips");
    plan.link(format!("ips/ip-{}", ctx.host), ip.to_string())?;
    plan.link("uuid", uuid.to_string())?;
    if !commit(ctx, &plan)? {
        return Ok(());
    }
    println!(
        "Created cluster {uuid} in {m}: this host '{}' is its first member, at {ip}.",
        ctx.host
    );
    if !ctx.kernel.is_loaded() {
        println!("Next: load the kernel module ('modprobe mars'), then 'marsadm create-resource RES DEV'.");
    } else {
        println!("Next: 'marsadm create-resource RES DEV'.");
    }
    Ok(())
}
