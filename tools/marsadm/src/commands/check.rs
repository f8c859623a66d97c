//! `check [RES[,RES...]|all] [--json]`: the state of this host's resources
//! as one line for monitoring, with Nagios plugin exit codes: 0 OK,
//! 1 WARNING, 2 CRITICAL, 3 UNKNOWN. Every failure of marsadm itself (no
//! cluster, an unknown resource) is UNKNOWN, so a monitor never mistakes
//! it for a verdict on the resources.

use serde::Serialize;

use super::view::build;
use crate::cli::Target;
use crate::config::Ctx;
use crate::report::{Report, ResourceReport};

/// A verdict, ordered from best to worst: CRITICAL outranks UNKNOWN (a
/// known failure is the more urgent news), UNKNOWN outranks WARNING.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Status {
    /// As wanted.
    Ok,
    /// On its way or lagging: recovering, not yet attached, ...
    Warning,
    /// Not reported: module not loaded, kernel silent, not a member.
    Unknown,
    /// Error, emergency mode, /mars read-only.
    Critical,
}

impl Status {
    /// The Nagios exit code.
    pub const fn exit_code(self) -> i32 {
        match self {
            Status::Ok => 0,
            Status::Warning => 1,
            Status::Critical => 2,
            Status::Unknown => 3,
        }
    }

    /// The word in the output line.
    pub const fn word(self) -> &'static str {
        match self {
            Status::Ok => "OK",
            Status::Warning => "WARNING",
            Status::Critical => "CRITICAL",
            Status::Unknown => "UNKNOWN",
        }
    }
}

/// The verdict on one resource.
#[derive(Clone, Debug, Serialize)]
pub struct Verdict {
    /// Resource name.
    pub name: String,
    /// Its status.
    pub status: Status,
    /// Why, in words.
    pub reason: String,
}

/// Judges one resource as this host sees it.
pub fn assess(rep: &Report, r: &ResourceReport) -> (Status, String) {
    let yes_no = |v: bool| if v { "yes" } else { "no" };
    if !r.members.contains(&rep.host) {
        return (
            Status::Unknown,
            format!("this host '{}' is not a member", rep.host),
        );
    }
    if r.state == "Error" {
        let why = r.error.as_deref().unwrap_or("no reason given, see dmesg");
        return (Status::Critical, format!("Error: {why}"));
    }
    if r.state == "Emergency" || r.emergency == Some(true) {
        return (
            Status::Critical,
            "Emergency: /mars is full, writes bypass the log".into(),
        );
    }
    if rep.cluster.read_only {
        return (
            Status::Critical,
            format!("{} is read-only: states may be stale", rep.cluster.mars_dir),
        );
    }
    if !rep.module_loaded {
        return (Status::Unknown, "kernel module not loaded".into());
    }
    match r.state.as_str() {
        "Unknown" => (Status::Unknown, "not reported by the kernel".into()),
        "Recovering" => (
            Status::Warning,
            "Recovering: replaying the logs onto the disk".into(),
        ),
        "Up" | "Down" => match (r.wanted_attached, r.attached) {
            (Some(w), a) if a != Some(w) => (
                Status::Warning,
                format!(
                    "{}, attached {} but wanted {}",
                    r.state,
                    a.map_or("unknown", yes_no),
                    yes_no(w)
                ),
            ),
            _ => (Status::Ok, r.state.clone()),
        },
        other => (Status::Unknown, format!("unexpected state {other:?}")),
    }
}

/// The worst of the verdicts and the output line.
pub fn summary(verdicts: &[Verdict]) -> (Status, String) {
    let status = verdicts
        .iter()
        .map(|v| v.status)
        .max()
        .unwrap_or(Status::Ok);
    let text = if verdicts.is_empty() {
        "no resources on this host".to_string()
    } else {
        verdicts
            .iter()
            .map(|v| format!("{}: {}", v.name, v.reason))
            .collect::<Vec<_>>()
            .join("; ")
    };
    (status, format!("MARS {} - {text}", status.word()))
}

/// `check`: prints the line (or JSON) and returns the exit code.
pub fn check(ctx: &Ctx, target: &Target, json: bool) -> i32 {
    let verdicts = build(ctx, target).and_then(|rep| {
        if !rep.cluster.this_host_member {
            return Err(crate::error::Error::refused(format!(
                "this host '{}' is not a member of the cluster",
                rep.host
            )));
        }
        Ok(rep)
    });
    let verdicts = verdicts.map(|rep| {
        rep.resources
            .iter()
            .filter(|r| *target != Target::All || r.members.contains(&rep.host))
            .map(|r| {
                let (status, reason) = assess(&rep, r);
                Verdict {
                    name: r.name.clone(),
                    status,
                    reason,
                }
            })
            .collect::<Vec<_>>()
    });
    let (status, line, verdicts) = match verdicts {
        Ok(v) => {
            let (s, l) = summary(&v);
            (s, l, v)
        }
        Err(e) => (
            Status::Unknown,
            format!("MARS UNKNOWN - {}", e.msg),
            Vec::new(),
        ),
    };
    if json {
        let v = serde_json::json!({
            "status": status,
            "exit_code": status.exit_code(),
            "message": line,
            "resources": verdicts,
        });
        println!("{v}");
    } else {
        println!("{line}");
    }
    status.exit_code()
}
