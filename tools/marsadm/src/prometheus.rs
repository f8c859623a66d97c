//! The Prometheus text exposition format (version 0.0.4): metric families
//! with `# HELP` and `# TYPE` lines, samples with escaped label values.
//! Only what `marsadm metrics` needs: gauges.

use std::fmt::Write;

/// One metric family: name, help text and its samples.
#[derive(Clone, Debug)]
pub struct Family {
    name: &'static str,
    help: &'static str,
    samples: Vec<(Vec<(&'static str, String)>, f64)>,
}

impl Family {
    /// A gauge `name` (`[a-zA-Z_:][a-zA-Z0-9_:]*`) described by `help`.
    pub fn gauge(name: &'static str, help: &'static str) -> Self {
        Self {
            name,
            help,
            samples: Vec::new(),
        }
    }

    /// Adds a sample with these labels.
    pub fn add(&mut self, labels: &[(&'static str, &str)], value: f64) -> &mut Self {
        let labels = labels.iter().map(|(k, v)| (*k, v.to_string())).collect();
        self.samples.push((labels, value));
        self
    }

    /// Adds a sample if the value is known.
    pub fn add_known(&mut self, labels: &[(&'static str, &str)], value: Option<f64>) -> &mut Self {
        if let Some(v) = value {
            self.add(labels, v);
        }
        self
    }
}

/// Escapes a label value: backslash, double quote and line feed.
pub fn escape_label(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a help text: backslash and line feed.
fn escape_help(v: &str) -> String {
    v.replace('\\', "\\\\").replace('\n', "\\n")
}

fn value(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf" } else { "-Inf" }.into()
    } else if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// The families as exposition text; families without samples keep their
/// HELP and TYPE lines (the value is not known now).
pub fn render(families: &[Family]) -> String {
    let mut out = String::new();
    for f in families {
        let _ = writeln!(out, "# HELP {} {}", f.name, escape_help(f.help));
        let _ = writeln!(out, "# TYPE {} gauge", f.name);
        for (labels, v) in &f.samples {
            out.push_str(f.name);
            if !labels.is_empty() {
                let l: Vec<String> = labels
                    .iter()
                    .map(|(k, v)| format!("{k}=\"{}\"", escape_label(v)))
                    .collect();
                let _ = write!(out, "{{{}}}", l.join(","));
            }
            let _ = writeln!(out, " {}", value(*v));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_and_escapes() {
        let mut f = Family::gauge("x_bytes", "Bytes\\of x.");
        f.add(&[("a", "q\"b\\c\nd")], 2.0).add(&[], 0.5);
        f.add_known(&[], None);
        let t = render(&[f]);
        assert_eq!(
            t,
            "# HELP x_bytes Bytes\\\\of x.\n# TYPE x_bytes gauge\nx_bytes{a=\"q\\\"b\\\\c\\nd\"} 2\nx_bytes 0.5\n"
        );
        assert_eq!(value(f64::NAN), "NaN");
        assert_eq!(value(1e20), "100000000000000000000");
    }
}
