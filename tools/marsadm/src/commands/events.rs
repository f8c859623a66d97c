//! `events [RES|all] [--json] [--once] [--interval SECS]`: state changes as
//! lines, in the manner of `drbdsetup events2`. marsadm looks at the
//! kernel's reports every interval and prints one line per changed field:
//!
//! ```text
//! exists module loaded:yes version:0.1.0
//! exists resource r0 state:Up role:primary attached:yes ...
//! exists -
//! change resource r0 state:Up->Emergency
//! create resource r1 state:Unknown ...
//! destroy resource r1
//! ```
//!
//! With `--json` each line is one JSON object (docs/schema/events.json).
//! `--once` prints the `exists` part and exits. A look that fails after
//! the first (say /mars is unmounted) is reported on stderr once and the
//! stream goes on with the next look.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{json, Value};

use super::view::build;
use crate::cli::Target;
use crate::config::Ctx;
use crate::error::Result;
use crate::report::{Report, ResourceReport};
use crate::stream::{emit, pause};

/// An object's fields in a fixed order, with JSON-typed values.
pub type Fields = Vec<(&'static str, Value)>;

/// What one look at the reports found.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    /// The module's fields.
    pub module: Fields,
    /// Each resource's fields, by name.
    pub resources: BTreeMap<String, Fields>,
}

fn resource_fields(r: &ResourceReport) -> Fields {
    vec![
        ("state", json!(r.state)),
        ("role", json!(r.role)),
        ("attached", json!(r.attached)),
        ("wanted_attached", json!(r.wanted_attached)),
        ("primary", json!(r.primary)),
        ("open_count", json!(r.open_count)),
        ("log_number", json!(r.log_number)),
        ("emergency", json!(r.emergency)),
        ("error", json!(r.error)),
    ]
}

/// The snapshot of a report, limited to the target's resources.
pub fn snapshot(rep: &Report, target: &Target) -> Snapshot {
    let wanted = |name: &str| match target {
        Target::All => true,
        Target::List(v) => v.iter().any(|r| r.as_str() == name),
    };
    Snapshot {
        module: vec![
            ("loaded", json!(rep.module_loaded)),
            ("version", json!(rep.module_version)),
        ],
        resources: rep
            .resources
            .iter()
            .filter(|r| wanted(&r.name))
            .map(|r| (r.name.clone(), resource_fields(r)))
            .collect(),
    }
}

/// One event.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// The object exists (the initial state) or was created.
    Exists {
        /// `exists` or `create`.
        verb: &'static str,
        /// `module` or `resource`.
        object: &'static str,
        /// The resource's name.
        name: Option<String>,
        /// All its fields.
        fields: Fields,
    },
    /// The end of the initial state.
    ExistsDone,
    /// One field changed.
    Change {
        /// `module` or `resource`.
        object: &'static str,
        /// The resource's name.
        name: Option<String>,
        /// The field.
        field: &'static str,
        /// Its old value.
        old: Value,
        /// Its new value.
        new: Value,
    },
    /// The resource is gone.
    Destroy {
        /// Its name.
        name: String,
    },
}

/// A field value as text: booleans yes/no, null `unknown` (`none` for
/// `error`), strings with spaces or quotes quoted.
fn text_value(field: &str, v: &Value) -> String {
    match v {
        Value::Null if field == "error" => "none".into(),
        Value::Null => "unknown".into(),
        Value::Bool(b) => if *b { "yes" } else { "no" }.into(),
        Value::String(s)
            if s.is_empty() || s.contains(|c: char| c.is_whitespace() || c == '"' || c == '\\') =>
        {
            format!(
                "\"{}\"",
                s.replace('\\', "\\\\")
                    .replace('"', "\\\"")
                    .replace('\n', "\\n")
            )
        }
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn head(verb: &str, object: &str, name: &Option<String>) -> String {
    match name {
        Some(n) => format!("{verb} {object} {n}"),
        None => format!("{verb} {object}"),
    }
}

impl Event {
    /// The event as a text line (without newline).
    pub fn text(&self) -> String {
        match self {
            Event::Exists {
                verb,
                object,
                name,
                fields,
            } => {
                let mut s = head(verb, object, name);
                for (k, v) in fields {
                    s.push_str(&format!(" {k}:{}", text_value(k, v)));
                }
                s
            }
            Event::ExistsDone => "exists -".into(),
            Event::Change {
                object,
                name,
                field,
                old,
                new,
            } => format!(
                "{} {field}:{}->{}",
                head("change", object, name),
                text_value(field, old),
                text_value(field, new)
            ),
            Event::Destroy { name } => format!("destroy resource {name}"),
        }
    }

    /// The event as one JSON object (docs/schema/events.json).
    pub fn json(&self) -> Value {
        let mut v = match self {
            Event::Exists {
                verb,
                object,
                fields,
                ..
            } => json!({
                "event": verb,
                "object": object,
                "fields": fields.iter().map(|(k, v)| ((*k).to_string(), v.clone())).collect::<serde_json::Map<_, _>>(),
            }),
            Event::ExistsDone => json!({ "event": "exists-done" }),
            Event::Change {
                object,
                field,
                old,
                new,
                ..
            } => json!({
                "event": "change",
                "object": object,
                "field": field,
                "old": old,
                "new": new,
            }),
            Event::Destroy { .. } => json!({ "event": "destroy", "object": "resource" }),
        };
        let name = match self {
            Event::Exists { name, .. } | Event::Change { name, .. } => name.clone(),
            Event::Destroy { name } => Some(name.clone()),
            Event::ExistsDone => None,
        };
        if let (Some(n), Some(m)) = (name, v.as_object_mut()) {
            m.insert("resource".into(), json!(n));
        }
        v
    }
}

/// The initial state: every object as `exists`, then the end marker.
pub fn initial(s: &Snapshot) -> Vec<Event> {
    let mut ev = vec![Event::Exists {
        verb: "exists",
        object: "module",
        name: None,
        fields: s.module.clone(),
    }];
    for (n, f) in &s.resources {
        ev.push(Event::Exists {
            verb: "exists",
            object: "resource",
            name: Some(n.clone()),
            fields: f.clone(),
        });
    }
    ev.push(Event::ExistsDone);
    ev
}

fn changes(object: &'static str, name: Option<&String>, old: &Fields, new: &Fields) -> Vec<Event> {
    new.iter()
        .filter_map(|(k, v)| {
            let before = old.iter().find(|(o, _)| o == k).map(|(_, v)| v);
            (before != Some(v)).then(|| Event::Change {
                object,
                name: name.cloned(),
                field: k,
                old: before.cloned().unwrap_or(Value::Null),
                new: v.clone(),
            })
        })
        .collect()
}

/// What changed from `old` to `new`, module first, then resources by
/// name.
pub fn diff(old: &Snapshot, new: &Snapshot) -> Vec<Event> {
    let mut ev = changes("module", None, &old.module, &new.module);
    for name in old.resources.keys() {
        if !new.resources.contains_key(name) {
            ev.push(Event::Destroy { name: name.clone() });
        }
    }
    for (name, f) in &new.resources {
        match old.resources.get(name) {
            None => ev.push(Event::Exists {
                verb: "create",
                object: "resource",
                name: Some(name.clone()),
                fields: f.clone(),
            }),
            Some(o) => ev.extend(changes("resource", Some(name), o, f)),
        }
    }
    ev
}

fn print(events: &[Event], json: bool) -> Result<bool> {
    let mut s = String::new();
    for e in events {
        if json {
            s.push_str(&e.json().to_string());
        } else {
            s.push_str(&e.text());
        }
        s.push('\n');
    }
    if s.is_empty() {
        return Ok(true);
    }
    emit(&s)
}

/// `events`.
pub fn events(
    ctx: &Ctx,
    target: &Target,
    json: bool,
    once: bool,
    interval: Duration,
) -> Result<()> {
    let rep = build(ctx, target)?;
    let mut last = snapshot(&rep, target);
    if !print(&initial(&last), json)? || once {
        return Ok(());
    }
    let mut last_error = String::new();
    loop {
        pause(interval);
        match build(ctx, &Target::All) {
            Ok(rep) => {
                last_error.clear();
                let now = snapshot(&rep, target);
                if !print(&diff(&last, &now), json)? {
                    return Ok(());
                }
                last = now;
            }
            Err(e) => {
                let msg = e.to_string();
                if msg != last_error {
                    eprintln!("marsadm events: cannot look now (will try again): {msg}");
                    last_error = msg;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(state: &str, error: Option<&str>) -> Snapshot {
        Snapshot {
            module: vec![("loaded", json!(true)), ("version", json!("0.1.0"))],
            resources: [(
                "r0".to_string(),
                vec![("state", json!(state)), ("error", json!(error))],
            )]
            .into_iter()
            .collect(),
        }
    }

    #[test]
    fn lines_for_changes() {
        let a = snap("Up", None);
        let b = snap("Error", Some("attach failed (-5)"));
        let t: Vec<String> = diff(&a, &b).iter().map(Event::text).collect();
        assert_eq!(
            t,
            [
                "change resource r0 state:Up->Error",
                "change resource r0 error:none->\"attach failed (-5)\""
            ]
        );
        let mut c = b.clone();
        c.resources.clear();
        c.module[0].1 = json!(false);
        let t: Vec<String> = diff(&b, &c).iter().map(Event::text).collect();
        assert_eq!(t, ["change module loaded:yes->no", "destroy resource r0"]);
        let t: Vec<String> = diff(&c, &a).iter().map(Event::text).collect();
        assert_eq!(
            t,
            [
                "change module loaded:no->yes",
                "create resource r0 state:Up error:none"
            ]
        );
        assert!(diff(&a, &a).is_empty());
        assert_eq!(
            initial(&a).last().map(Event::json),
            Some(json!({"event": "exists-done"}))
        );
    }
}
