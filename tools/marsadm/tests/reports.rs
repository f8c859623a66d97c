//! What marsadm says about states and failures: plain words for missing
//! permissions.

mod common;

use common::Fx;

/// As root the test runs marsadm as `nobody`: writing /mars fails with
/// EACCES, and the message names permissions, not a full disk.
#[test]
fn permission_denied_says_run_as_root() {
    use std::os::unix::fs::MetadataExt;
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let fx = Fx::with_cluster();
    fx.resource("r0", false, false, 0);
    // /proc/self belongs to the effective user.
    let root = std::fs::metadata("/proc/self").unwrap().uid() == 0;
    for p in [fx.tmp.path().to_path_buf(), fx.mars.clone()] {
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let before = fx.snapshot();
    let args = fx.args(&["up", "r0"]);
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_marsadm"));
    cmd.args(&args[1..]);
    if root {
        cmd.uid(65534).gid(65534);
    }
    let o = cmd.output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(4), "{err}");
    assert!(err.contains("Permission denied"), "{err}");
    assert!(
        err.contains("tip: permission denied: run marsadm as root"),
        "{err}"
    );
    assert!(!err.contains("disk full"), "{err}");
    assert_eq!(fx.snapshot(), before);
}
