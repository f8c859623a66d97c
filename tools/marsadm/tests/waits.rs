//! Waiting for the kernel: `--timeout 0` says "not confirmed" (exit 6)
//! instead of claiming success, `--timeout none` waits without a limit, and
//! a wait shows what it waits for (plain lines, or one line updated in
//! place on a terminal).

mod common;

use std::time::{Duration, Instant};

use common::{FakeKernel, Fx};

/// r0 is down on this host, the kernel answers nothing.
fn down_tree() -> Fx {
    let fx = Fx::with_cluster();
    fx.resource("r0", false, false, 0);
    fx
}

#[test]
fn timeout_zero_is_not_confirmed() {
    let fx = down_tree();
    let out = fx.run(&["--timeout", "0", "up", "r0"]);
    assert_eq!(out.code, 6, "{out:?}");
    assert!(!out.stdout.contains("is up"), "{out:?}");
    assert!(
        out.stderr.starts_with(
            "warning: requested r0 to be attached; not confirmed: marsadm did not wait (--timeout 0); the kernel reports: r0: state Down, attached no"
        ),
        "{out:?}"
    );
    assert!(out.stderr.contains("\n\n  tip: 'marsadm view'"), "{out:?}");
    // The request was made.
    assert_eq!(
        fx.read("resource-r0/todo-node1/attach").as_deref(),
        Some("1")
    );
    assert_eq!(fx.triggered(), "1\n");

    // primary: r0 is wanted attached now, the kernel still reports it down.
    let out = fx.run(&["--timeout", "0", "primary", "r0"]);
    assert_eq!(out.code, 6, "{out:?}");
    assert!(!out.stdout.contains("is primary"), "{out:?}");
    assert!(
        out.stderr
            .contains("requested this host to become primary for r0; not confirmed"),
        "{out:?}"
    );
    assert_eq!(fx.read("resource-r0/primary").as_deref(), Some("node1"));

    // secondary and down on a resource the kernel reports up and primary.
    let fx = Fx::with_cluster();
    fx.resource("r0", true, true, 0);
    let out = fx.run(&["--timeout", "0", "secondary", "r0"]);
    assert_eq!(out.code, 6, "{out:?}");
    assert!(!out.stdout.contains("is secondary"), "{out:?}");
    assert!(out.stderr.contains("not confirmed"), "{out:?}");
    assert_eq!(fx.read("resource-r0/primary").as_deref(), Some("(none)"));
    let out = fx.run(&["--timeout", "0", "down", "r0"]);
    assert_eq!(out.code, 6, "{out:?}");
    assert!(!out.stdout.contains("is down"), "{out:?}");
    assert!(
        out.stderr
            .contains("requested r0 to be detached; not confirmed"),
        "{out:?}"
    );
    assert_eq!(
        fx.read("resource-r0/todo-node1/attach").as_deref(),
        Some("0")
    );
}

#[test]
fn timeout_zero_confirms_what_is_already_reported() {
    let fx = Fx::with_cluster();
    fx.resource("r0", true, true, 0);
    let out = fx.run(&["--timeout", "0", "up", "r0"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("Resource r0 is up"), "{out:?}");
}

#[test]
fn plain_progress_lines_when_not_a_terminal() {
    let fx = down_tree();
    let out = fx.run(&["--timeout", "2.5", "up", "r0"]);
    assert_eq!(out.code, 3, "{out:?}");
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(
        lines[0],
        "marsadm: waiting for r0 to be attached (1 s so far, up to 2.5 s): r0: state Down, attached no, primary no, open count 0, log number 1, no error",
        "{out:?}"
    );
    assert!(
        lines[1].starts_with("error: timed out after 2.5 s waiting for r0 to be attached"),
        "{out:?}"
    );
    assert!(!out.stderr.contains('\r'), "{out:?}");
    // A wait that ends at once prints nothing.
    let fx = Fx::with_cluster();
    let _k = FakeKernel::start(&fx);
    fx.resource("r0", false, false, 0);
    let out = fx.run(&["--timeout", "10", "up", "r0"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stderr, "", "{out:?}");
}

#[test]
fn timeout_none_waits_without_limit() {
    let fx = down_tree();
    let todo = fx.mars.join("resource-r0/todo-node1/attach");
    let mars = fx.mars.clone();
    // The kernel answers after 2.5 s, later than the first progress line.
    let kernel = std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::fs::read_link(&todo)
            .map(|t| t.display().to_string())
            .ok()
            .as_deref()
            != Some("1")
        {
            assert!(Instant::now() < deadline, "never asked");
            std::thread::sleep(Duration::from_millis(10));
        }
        std::thread::sleep(Duration::from_millis(2500));
        let a = mars.join("resource-r0/actual-node1");
        for (k, v) in [("is-attached", "1"), ("state", "Up")] {
            let _ = std::fs::remove_file(a.join(k));
            std::os::unix::fs::symlink(v, a.join(k)).unwrap();
        }
    });
    let out = fx.run(&["--timeout", "none", "up", "r0"]);
    kernel.join().unwrap();
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("Resource r0 is up"), "{out:?}");
    assert!(
        out.stderr
            .contains("waiting for r0 to be attached (1 s so far, no time limit)"),
        "{out:?}"
    );
    let out = fx.run(&["--timeout", "never", "up", "r0"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("or 'none' for no limit"), "{out:?}");
}

/// On a terminal the progress is one line redrawn in place and removed
/// before the result. Needs `script` (util-linux) for a terminal.
#[test]
fn progress_line_in_place_on_a_terminal() {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: no 'script' command for a terminal");
        return;
    }
    let fx = down_tree();
    let mut args = fx.args(&["--timeout", "2", "up", "r0"]);
    args[0] = env!("CARGO_BIN_EXE_marsadm").to_string();
    let cmd = args.join(" ");
    let o = std::process::Command::new("script")
        .args(["-qefc", &cmd, "/dev/null"])
        .env("COLUMNS", "200")
        .output()
        .unwrap();
    let all = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(o.status.code(), Some(3), "{all}");
    assert!(
        all.contains("\r\x1b[2Kwaiting for r0 to be attached ("),
        "{all:?}"
    );
    assert!(
        all.contains(" so far, up to 2 s): r0: state Down"),
        "{all:?}"
    );
    assert!(!all.contains("marsadm: waiting for"), "{all:?}");
    // Cleared before the error.
    assert!(
        all.contains("\r\x1b[2Kerror: timed out after 2 s"),
        "{all:?}"
    );
}
