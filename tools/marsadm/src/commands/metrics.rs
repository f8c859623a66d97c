//! `metrics`: this host's MARS state in the Prometheus text format, for
//! node_exporter's textfile collector (write to a temporary file, then
//! rename it into the collector's directory) or any scraper.
//!
//! `mars_up` says whether marsadm could read the state at all: when it
//! cannot (no /mars, no cluster, this host not a member), it prints
//! `mars_up 0` and the module gauges, says why on stderr and still exits
//! 0, so that the scrape shows the failure instead of stale numbers.

use std::io::Write;
use std::path::Path;

use super::view::build;
use crate::cli::Target;
use crate::config::Ctx;
use crate::error::{Error, Result};
use crate::prometheus::{render, Family};
use crate::report::{Report, ResourceReport};
use crate::version;

/// The state words a resource can report, one `mars_resource_state`
/// sample each.
pub const STATES: [&str; 6] = ["Up", "Down", "Recovering", "Emergency", "Error", "Unknown"];

fn b(v: bool) -> f64 {
    f64::from(u8::from(v))
}

fn n<T: Into<u64>>(v: Option<T>) -> Option<f64> {
    v.map(|v| v.into() as f64)
}

fn module_families(ctx: &Ctx) -> Vec<Family> {
    let mut loaded = Family::gauge(
        "mars_module_loaded",
        "1 if the MARS kernel module is loaded (its control directory exists).",
    );
    loaded.add(&[], b(ctx.kernel.is_loaded()));
    let mut info = Family::gauge(
        "mars_info",
        "Always 1; the labels give marsadm's and the loaded module's version (empty if unknown).",
    );
    let module = match version::module(ctx.kernel.dir()) {
        version::Module::Version(v) => v,
        _ => String::new(),
    };
    info.add(
        &[
            ("marsadm_version", version::MARSADM),
            ("module_version", &module),
        ],
        1.0,
    );
    vec![loaded, info]
}

fn up(v: bool) -> Family {
    let mut f = Family::gauge(
        "mars_up",
        "1 if marsadm could read the MARS state of this host, 0 if not (see its stderr).",
    );
    f.add(&[], b(v));
    f
}

fn cluster_families(rep: &Report) -> Vec<Family> {
    let c = &rep.cluster;
    let mut free = Family::gauge("mars_mars_free_bytes", "Free bytes in /mars.");
    free.add_known(&[], n(c.free_bytes));
    let mut size = Family::gauge(
        "mars_mars_size_bytes",
        "Size of the /mars file system in bytes.",
    );
    size.add_known(&[], n(c.total_bytes));
    let mut ro = Family::gauge(
        "mars_mars_read_only",
        "1 if /mars is mounted read-only (after an I/O error): the states may be stale.",
    );
    ro.add(&[], b(c.read_only));
    let mut em = Family::gauge(
        "mars_emergency",
        "1 if this host's module is in emergency mode (/mars full).",
    );
    em.add_known(&[], c.emergency.map(b));
    vec![free, size, ro, em]
}

/// One gauge per resource and field.
struct PerResource {
    name: &'static str,
    help: &'static str,
    get: fn(&ResourceReport) -> Option<f64>,
}

const PER_RESOURCE: &[PerResource] = &[
    PerResource {
        name: "mars_resource_attached",
        help: "1 if the resource's data device is attached on this host (kernel report).",
        get: |r| r.attached.map(b),
    },
    PerResource {
        name: "mars_resource_primary",
        help: "1 if this host is the resource's primary (kernel report).",
        get: |r| r.primary.map(b),
    },
    PerResource {
        name: "mars_resource_open_count",
        help: "How often /dev/mars/RES is open.",
        get: |r| n(r.open_count),
    },
    PerResource {
        name: "mars_resource_size_bytes",
        help: "Size of /dev/mars/RES in bytes.",
        get: |r| n(r.size_bytes),
    },
    PerResource {
        name: "mars_resource_log_number",
        help: "The resource's current log number (kernel report).",
        get: |r| n(r.log_number),
    },
    PerResource {
        name: "mars_resource_log_files",
        help: "Number of log files of the resource in /mars.",
        get: |r| Some(r.logs.len() as f64),
    },
    PerResource {
        name: "mars_resource_log_bytes",
        help: "Bytes of all log files of the resource in /mars.",
        get: |r| Some(r.log_bytes as f64),
    },
    PerResource {
        name: "mars_resource_writeback_pending_bytes",
        help: "Log bytes not yet written back to the data device on this host.",
        get: |r| Some(r.writeback_lag_bytes as f64),
    },
    PerResource {
        name: "mars_resource_emergency",
        help: "1 if the resource is in emergency mode (/mars full, writes bypass the log).",
        get: |r| r.emergency.map(b),
    },
    PerResource {
        name: "mars_resource_error",
        help: "1 if the kernel reports an error for the resource (marsadm view shows it).",
        get: |r| Some(b(r.error.is_some())),
    },
];

fn resource_families(rep: &Report) -> Vec<Family> {
    let mine: Vec<&ResourceReport> = rep
        .resources
        .iter()
        .filter(|r| r.members.contains(&rep.host))
        .collect();
    let mut state = Family::gauge(
        "mars_resource_state",
        "1 for the state the kernel reports for the resource on this host, 0 for the others (Unknown: not reported).",
    );
    for r in &mine {
        for s in STATES {
            state.add(&[("resource", &r.name), ("state", s)], b(r.state == s));
        }
    }
    let mut out = vec![state];
    for p in PER_RESOURCE {
        let mut f = Family::gauge(p.name, p.help);
        for r in &mine {
            f.add_known(&[("resource", &r.name)], (p.get)(r));
        }
        out.push(f);
    }
    out
}

/// The exposition text, and the error that made `mars_up` 0.
pub fn text(ctx: &Ctx) -> (String, Option<Error>) {
    let rep = build(ctx, &Target::All).and_then(|rep| {
        if rep.cluster.this_host_member {
            Ok(rep)
        } else {
            Err(Error::refused(format!(
                "this host '{}' is not a member of the cluster",
                rep.host
            ))
            .hint("pass the right --host NAME"))
        }
    });
    let mut families = Vec::new();
    let err = match rep {
        Ok(rep) => {
            families.push(up(true));
            families.extend(module_families(ctx));
            families.extend(cluster_families(&rep));
            families.extend(resource_families(&rep));
            None
        }
        Err(e) => {
            families.push(up(false));
            families.extend(module_families(ctx));
            Some(e)
        }
    };
    (render(&families), err)
}

/// `metrics`.
pub fn metrics(ctx: &Ctx) -> Result<()> {
    let (t, err) = text(ctx);
    std::io::stdout()
        .write_all(t.as_bytes())
        .and_then(|()| std::io::stdout().flush())
        .map_err(|e| Error::io("write", Path::new("standard output"), e))?;
    if let Some(e) = err {
        eprintln!("{e}");
    }
    Ok(())
}
