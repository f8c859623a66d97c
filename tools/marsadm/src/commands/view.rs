//! `view RES|all [--json]` and the `view-*` macros for scripts.

use super::{load_resource, need_mars_dir};
use crate::cli::Target;
use crate::config::Ctx;
use crate::error::{Error, Result};
use crate::render;
use crate::report::{cluster_report, resource_report, Report, ResourceReport, SCHEMA, UNKNOWN};
use crate::state::{Cluster, Resource};
use crate::version;

/// A `view-*` macro: one value per resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Macro {
    /// `view-state`: the state word.
    State,
    /// `view-role`: primary, secondary or none.
    Role,
    /// `view-is-attached`: 1 or 0.
    IsAttached,
    /// `view-is-primary`: 1 or 0.
    IsPrimary,
    /// `view-is-emergency`: 1 or 0.
    IsEmergency,
    /// `view-open-count`: a number.
    OpenCount,
    /// `view-log-number`: a number.
    LogNumber,
    /// `view-writeback-lag`: bytes.
    WritebackLag,
}

impl Macro {
    /// The macro's value for one resource; a value the kernel has not
    /// reported is [`UNKNOWN`] (null in JSON).
    pub fn value(self, r: &ResourceReport) -> String {
        fn known<T: ToString>(v: Option<T>) -> String {
            v.map_or_else(|| UNKNOWN.to_string(), |v| v.to_string())
        }
        let b = |v: Option<bool>| known(v.map(u8::from));
        match self {
            Macro::State => r.state.clone(),
            Macro::Role => r.role.clone(),
            Macro::IsAttached => b(r.attached),
            Macro::IsPrimary => b(r.primary),
            Macro::IsEmergency => b(r.emergency),
            Macro::OpenCount => known(r.open_count),
            Macro::LogNumber => known(r.log_number),
            Macro::WritebackLag => r.writeback_lag_bytes.to_string(),
        }
    }
}

/// Builds the report for a target (`all`: every resource in /mars).
pub fn build(ctx: &Ctx, target: &Target) -> Result<Report> {
    need_mars_dir(ctx)?;
    let c = Cluster::read(&ctx.mars)?;
    let joining = std::fs::symlink_metadata(ctx.path(mars_core::names::JOIN_VIA)).is_ok();
    if c.uuid.is_none() && !joining {
        return Err(Error::refused(format!(
            "there is no MARS cluster in {} (no uuid link)",
            ctx.mars.display()
        ))
        .hint("run 'marsadm create-cluster' first"));
    }
    let resources = match target {
        Target::List(v) => v
            .iter()
            .map(|res| load_resource(ctx, res))
            .collect::<Result<Vec<_>>>()?,
        Target::All => {
            let mut v = Vec::new();
            for n in &c.resources {
                if let Some(r) = Resource::read(&ctx.mars, n)? {
                    v.push(r);
                }
            }
            v
        }
    };
    Ok(Report {
        schema: SCHEMA,
        host: ctx.host.to_string(),
        module_loaded: ctx.kernel.is_loaded(),
        marsadm_version: version::MARSADM.to_string(),
        module_version: match version::module(ctx.kernel.dir()) {
            version::Module::Version(v) => Some(v),
            _ => None,
        },
        cluster: cluster_report(ctx, &c),
        resources: resources.iter().map(|r| resource_report(ctx, r)).collect(),
    })
}

/// `view`.
pub fn view(ctx: &Ctx, target: &Target, json: bool) -> Result<()> {
    let rep = build(ctx, target)?;
    if json {
        let s = serde_json::to_string_pretty(&rep)
            .map_err(|e| Error::refused(format!("cannot format JSON: {e}")))?;
        println!("{s}");
    } else {
        print!("{}", render::text(&rep));
    }
    Ok(())
}

/// `view-MACRO [RES[,RES...]|all]`: the value alone for one resource,
/// else `RES VALUE` lines.
pub fn view_macro(ctx: &Ctx, target: &Target, m: Macro) -> Result<()> {
    let rep = build(ctx, target)?;
    for r in &rep.resources {
        if target.single().is_some() {
            println!("{}", m.value(r));
        } else {
            println!("{} {}", r.name, m.value(r));
        }
    }
    Ok(())
}
