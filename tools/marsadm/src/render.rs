//! Text output of `view`: aligned labels, units, words instead of codes,
//! and for every state that needs attention a line saying what to do.

use std::fmt::Write;

use crate::peers::explain_reason;
use crate::report::{ClusterReport, ConnectionReport, Report, ResourceReport, UNKNOWN};
use crate::units::human;

/// Width of the label column.
const LABEL: usize = 18;

fn line(out: &mut String, label: &str, value: impl AsRef<str>) {
    let _ = writeln!(out, "  {:<LABEL$}{}", format!("{label}:"), value.as_ref());
}

fn yes_no(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "yes",
        Some(false) => "no",
        None => UNKNOWN,
    }
}

/// What a state word means, in words.
pub fn explain_state(state: &str) -> &'static str {
    match state {
        "Up" => "working normally",
        "Down" => "disk detached, MARS does not use it",
        "Recovering" => "writing back logs after a restart; wait",
        "Emergency" => "/mars is (nearly) full: writes bypass the log; free space in /mars",
        "Error" => "something failed: see the error line below and the kernel log (dmesg)",
        "Unknown" => "the kernel has not reported this resource yet",
        _ => "unexpected state word",
    }
}

fn bytes(v: u64) -> String {
    if v < 1024 {
        format!("{v} bytes")
    } else {
        format!("{} ({v} bytes)", human(v))
    }
}

/// A number of seconds in the largest fitting unit ("42 s", "3 h").
pub fn age(secs: u64) -> String {
    match secs {
        0..120 => format!("{secs} s"),
        120..7200 => format!("{} min", secs / 60),
        7200..172_800 => format!("{} h", secs / 3600),
        _ => format!("{} days", secs / 86_400),
    }
}

/// Milliseconds in words ("350 ms", "12 s", "3 min").
fn ms_age(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else {
        age(ms / 1000)
    }
}

/// A connection in words.
pub fn connection(c: &ConnectionReport) -> String {
    let mut s = match c.state.as_str() {
        "connected" => "connected".to_string(),
        "refused" => "REFUSED".to_string(),
        "down" => "DOWN".to_string(),
        other => other.to_string(),
    };
    if let Some(r) = &c.reason {
        s.push_str(&format!(" ({r}: {})", explain_reason(r)));
    }
    match c.last_contact_ms_ago {
        Some(ms) => s.push_str(&format!(", last contact {} ago", ms_age(ms))),
        None => s.push_str(", never heard from"),
    }
    if let Some(o) = c.clock_offset_ms {
        s.push_str(&format!(", clock {o:+} ms"));
    }
    s.push_str(&format!(
        ", {} round(s), {}",
        c.rounds,
        if c.synced { "synced" } else { "not synced" }
    ));
    s
}

fn cluster(out: &mut String, c: &ClusterReport, host: &str, module_loaded: bool) {
    let uuid = match (&c.uuid, &c.joining_via) {
        (Some(u), _) => u.clone(),
        (None, Some(v)) => format!("(none yet: joining through {v})"),
        (None, None) => "(none)".to_string(),
    };
    let _ = writeln!(out, "Cluster {uuid}");
    let space = match (c.free_bytes, c.total_bytes) {
        (Some(f), Some(t)) if t > 0 => format!(
            "{} free of {} ({}% free) in {}",
            human(f),
            human(t),
            f.saturating_mul(100) / t,
            c.mars_dir
        ),
        _ => format!("unknown ({})", c.mars_dir),
    };
    line(out, "space", space);
    let width = c.hosts.iter().map(|h| h.name.len()).max().unwrap_or(0);
    for h in &c.hosts {
        let mut s = format!(
            "{:<width$}  {:<15}",
            h.name,
            h.ip.as_deref().unwrap_or("no address")
        );
        if h.this_host {
            s.push_str("  this host,");
        } else if let Some(conn) = &h.connection {
            s.push_str(&format!("  {};", connection(conn)));
        } else if c.peers_reported {
            s.push_str("  NOT CONNECTED (the module has no connection to it yet);");
        }
        match h.alive_seconds_ago {
            Some(n) => s.push_str(&format!(" module last seen {} ago", age(n))),
            None => s.push_str(" module not seen yet"),
        }
        line(out, "host", s);
    }
    for p in &c.unlisted_peers {
        let name = p.host.as_deref().unwrap_or("-");
        let what = if c.joining_via.as_deref() == Some(p.connection.address.as_str()) {
            "join peer"
        } else {
            "not a member"
        };
        line(
            out,
            "peer",
            format!(
                "{name:<width$}  {:<15}  {what}: {}",
                p.connection.address,
                connection(&p.connection)
            ),
        );
    }
    if c.hosts.iter().any(|h| {
        h.connection
            .as_ref()
            .is_some_and(|x| x.reason.as_deref() == Some("auth-failed"))
    }) || c
        .unlisted_peers
        .iter()
        .any(|p| p.connection.reason.as_deref() == Some("auth-failed"))
    {
        line(
            out,
            "REFUSED",
            "a peer and this host have different cluster secrets: copy /mars/cluster-secret of a member (see the user guide)",
        );
    }
    if c.read_only {
        line(
            out,
            "READ-ONLY",
            format!(
                "{} is mounted read-only (an I/O error?): the kernel cannot report in it, the states below may be stale; see dmesg",
                c.mars_dir
            ),
        );
    }
    if c.emergency == Some(true) {
        line(
            out,
            "EMERGENCY",
            "/mars is full: free space in /mars (marsadm log-delete all)",
        );
    }
    let me = c.hosts.iter().find(|h| h.this_host);
    if !c.this_host_member {
        line(
            out,
            "this host",
            format!(
                "NOT A MEMBER: '{0}' is not a member of this cluster (no ips/ip-{0}); nothing below is about '{0}'. Wrong --host?",
                host
            ),
        );
    }
    if !module_loaded {
        let s = match me.and_then(|h| h.alive_seconds_ago) {
            Some(n) => format!(
                "NOT LOADED: the states below are from its last run, {} ago ('modprobe mars')",
                age(n)
            ),
            None => "NOT LOADED: it has not run on this host yet, the states below are not reported ('modprobe mars')".to_string(),
        };
        line(out, "kernel module", s);
    }
}

fn resource(out: &mut String, r: &ResourceReport) {
    let _ = writeln!(out, "\nResource {}", r.name);
    line(
        out,
        "state",
        format!("{} ({})", r.state, explain_state(&r.state)),
    );
    let designated = r.designated_primary.as_deref().unwrap_or("none");
    line(
        out,
        "role",
        format!("{} (designated primary: {designated})", r.role),
    );
    let mut att = yes_no(r.attached).to_string();
    if r.state == "Recovering" && r.wanted_attached == Some(true) && r.attached != Some(true) {
        att.push_str(" (wanted: yes; the kernel is replaying the logs onto the disk first)");
    } else if r.wanted_attached.is_some() && r.wanted_attached != r.attached {
        att.push_str(&format!(
            " (wanted: {}; the kernel has not done it yet, or failed: see error)",
            yes_no(r.wanted_attached)
        ));
    }
    line(out, "attached", att);
    line(
        out,
        "data device",
        r.data_device.as_deref().unwrap_or("none on this host"),
    );
    let dev = match (&r.device, r.device_present, r.open_count) {
        (Some(d), true, Some(n)) if n > 0 => format!("{d}, open {n} time(s): in use"),
        (Some(d), true, _) => format!("{d}, not in use"),
        (Some(d), false, _) => format!("{d} (not present on this host)"),
        (None, _, _) => "none on this host".into(),
    };
    line(out, "device", dev);
    line(out, "size", r.size_bytes.map_or("unknown".into(), bytes));
    line(
        out,
        "current log",
        r.log_number.map_or("unknown".into(), |n| n.to_string()),
    );
    if r.logs.is_empty() {
        line(out, "logs", "none");
    }
    let width = r.logs.iter().map(|l| l.name.len()).max().unwrap_or(0);
    for (i, l) in r.logs.iter().enumerate() {
        let label = if i == 0 { "logs" } else { "" };
        let v = format!("{:<width$}  {:>10}", l.name, human(l.size_bytes));
        if i == 0 {
            line(out, label, v);
        } else {
            let _ = writeln!(out, "  {:<LABEL$}{v}", "");
        }
    }
    let replay = match &r.replay {
        Some(p) => format!("{} at byte {} (of {})", p.log, p.position, p.length),
        None => "not reported yet".into(),
    };
    line(out, "written back to", replay);
    line(out, "writeback lag", bytes(r.writeback_lag_bytes));
    let emergency = match r.emergency {
        Some(true) => "YES: /mars ran full; free space, then see the user guide",
        Some(false) => "no",
        None => "unknown",
    };
    line(out, "emergency", emergency);
    line(out, "error", r.error.as_deref().unwrap_or("none"));
    if r.replicas.len() > 1 || r.replicas.iter().any(|m| m.sync.is_some()) {
        replicas(out, r);
    }
}

/// What a disk state word means for the operator.
fn explain_disk(disk: &str) -> &'static str {
    match disk {
        "UpToDate" => "same data as the primary",
        "Outdated" => "consistent, but behind the primary",
        "Inconsistent" => "NOT USABLE until the sync and replay finish",
        "Detached" => "disk not attached",
        _ => "not reported yet",
    }
}

/// One block per member: role and disk state first, then what it is doing.
fn replicas(out: &mut String, r: &ResourceReport) {
    let width = r.replicas.iter().map(|m| m.host.len()).max().unwrap_or(0);
    for m in &r.replicas {
        let me = if m.this_host { " (this host)" } else { "" };
        line(
            out,
            "replica",
            format!(
                "{:<width$}  {}{me}: {} ({})",
                m.host,
                m.role,
                m.disk,
                explain_disk(&m.disk)
            ),
        );
        let more = |out: &mut String, text: String| {
            let _ = writeln!(out, "  {:<LABEL$}{:<width$}    {text}", "", "");
        };
        if let Some(s) = &m.sync {
            let mut t = format!("full sync {:.1}% ({} done)", s.percent, human(s.done_bytes));
            if let Some(rate) = s.rate_bytes_per_second.filter(|&v| v > 0) {
                t.push_str(&format!(" at {}/s", human(rate)));
            }
            if let Some(eta) = s.eta_seconds {
                t.push_str(&format!(", about {} left", age(eta)));
            }
            if s.running == Some(false) {
                t.push_str(", not running now");
            }
            more(out, t);
        }
        if m.role == "secondary" {
            let conn = m.connection.as_deref().unwrap_or(UNKNOWN);
            let lag = |v: Option<u64>| v.map_or_else(|| UNKNOWN.to_string(), human);
            let mut t = format!(
                "fetch {conn}; behind: {} to fetch, {} to replay",
                lag(m.fetch_lag_bytes),
                lag(m.replay_lag_bytes)
            );
            if let Some(secs) = m.lag_seconds {
                t.push_str(&format!(" ({} behind in time)", age(secs)));
            }
            more(out, t);
        }
        if m.paused.any() {
            let mut what = Vec::new();
            for (on, word, cmd) in [
                (m.paused.fetch, "fetch", "resume-fetch"),
                (m.paused.replay, "replay", "resume-replay"),
                (m.paused.sync, "sync", "resume-sync"),
            ] {
                if on {
                    what.push(format!("{word} ('marsadm {cmd} {}')", r.name));
                }
            }
            more(out, format!("PAUSED: {}", what.join(", ")));
        }
        if m.logs_held_bytes > 0 {
            more(
                out,
                format!(
                    "holds back {} of logs (not yet written back there)",
                    human(m.logs_held_bytes)
                ),
            );
        }
        if let Some(e) = &m.error {
            more(out, format!("ERROR: {e}"));
        }
    }
}

fn versions(out: &mut String, rep: &Report) {
    let m = &rep.marsadm_version;
    let v = match (&rep.module_version, rep.module_loaded) {
        (Some(k), _) if k != m => {
            format!("marsadm {m}, kernel module {k}: DIFFERENT, install matching versions")
        }
        (Some(k), _) => format!("marsadm {m}, kernel module {k}"),
        (None, true) => format!("marsadm {m}, kernel module version unknown"),
        (None, false) => format!("marsadm {m}"),
    };
    line(out, "versions", v);
}

/// The whole report as text.
pub fn text(rep: &Report) -> String {
    let mut out = String::new();
    cluster(&mut out, &rep.cluster, &rep.host, rep.module_loaded);
    versions(&mut out, rep);
    if rep.resources.is_empty() {
        out.push_str("\nNo resources. Create one with 'marsadm create-resource RES DEV'.\n");
    }
    for r in &rep.resources {
        resource(&mut out, r);
    }
    out
}
