//! Checking the backing block device of a resource.
//!
//! The check is behind the [`DeviceProbe`] trait so tests can stand in a
//! fake for block devices (which cannot be created without root).

use std::fs::{self, File};
use std::io::{self, Seek, SeekFrom};
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::Path;

use rustix::fs::{Mode, OFlags};

use crate::error::{Error, Result};

/// What the probe found out about a usable block device.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeviceInfo {
    /// Size in bytes.
    pub size: u64,
    /// Device number (`st_rdev`), the same for every name of the device.
    pub id: u64,
}

/// Checks block devices.
pub trait DeviceProbe {
    /// Checks that `path` exists, is a block device and is not in use
    /// (an exclusive open succeeds), and returns its size and id.
    fn probe(&self, path: &Path) -> Result<DeviceInfo>;

    /// The device id of `path` if it is a block device (for finding the same
    /// disk under another name); `None` otherwise.
    fn device_id(&self, path: &Path) -> Option<u64>;
}

/// The real thing: `stat`, `open(O_EXCL)` and the size from seeking to the end.
#[derive(Clone, Copy, Debug, Default)]
pub struct RealDevices;

fn what_is(ft: fs::FileType) -> &'static str {
    if ft.is_char_device() {
        "a character device"
    } else if ft.is_dir() {
        "a directory"
    } else if ft.is_file() {
        "a regular file"
    } else {
        "not a device"
    }
}

impl DeviceProbe for RealDevices {
    fn probe(&self, path: &Path) -> Result<DeviceInfo> {
        let shown = path.display();
        let meta = match fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(Error::refused(format!("{shown} does not exist"))
                    .hint("give the disk or partition to replicate, for example /dev/vdb or /dev/disk/by-id/..."));
            }
            Err(e) => return Err(Error::io("look at", path, e)),
        };
        let ft = meta.file_type();
        if !ft.is_block_device() {
            return Err(Error::refused(format!(
                "{shown} is not a block device (it is {})",
                what_is(ft)
            ))
            .hint("MARS replicates block devices: a disk, partition or logical volume; to use a file, make it a loop device first with 'losetup -f --show FILE'"));
        }
        let fd = rustix::fs::open(
            path,
            OFlags::RDONLY | OFlags::EXCL | OFlags::CLOEXEC,
            Mode::empty(),
        );
        let fd = match fd {
            Ok(fd) => fd,
            Err(rustix::io::Errno::BUSY) => {
                return Err(Error::refused(format!(
                    "{shown} is in use (mounted, used as swap, or held by LVM, md, device-mapper or MARS)"
                ))
                .hint(format!("unmount or release it first; 'lsblk {shown}' and 'findmnt' show who uses it")));
            }
            Err(rustix::io::Errno::ACCESS) | Err(rustix::io::Errno::PERM) => {
                return Err(Error::refused(format!("no permission to open {shown}"))
                    .hint("run marsadm as root"));
            }
            Err(e) => return Err(Error::io("open", path, e.into())),
        };
        let mut f = File::from(fd);
        let size = f
            .seek(SeekFrom::End(0))
            .map_err(|e| Error::io("find the size of", path, e))?;
        Ok(DeviceInfo {
            size,
            id: meta.rdev(),
        })
    }

    fn device_id(&self, path: &Path) -> Option<u64> {
        let m = fs::metadata(path).ok()?;
        m.file_type().is_block_device().then(|| m.rdev())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_block_devices_are_refused() {
        let e = RealDevices.probe(Path::new("/dev/null")).unwrap_err();
        assert!(
            e.msg
                .contains("not a block device (it is a character device)"),
            "{e}"
        );
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("disk.img");
        fs::write(&f, [0u8; 4096]).unwrap();
        let e = RealDevices.probe(&f).unwrap_err();
        assert!(e.msg.contains("it is a regular file"), "{e}");
        assert!(e.hint.unwrap().contains("losetup"));
        let e = RealDevices.probe(&d.path().join("missing")).unwrap_err();
        assert!(e.msg.contains("does not exist"), "{e}");
        assert_eq!(RealDevices.device_id(Path::new("/dev/null")), None);
    }
}
