//! `marsadm generate` (for packagers and `make docs-gen`): the man pages
//! and shell completion scripts, generated from the clap definitions in
//! `cli`, so they never drift from what marsadm accepts.
//!
//! - `marsadm generate man DIR`: `marsadm.8` and one `marsadm-CMD.8` per
//!   command;
//! - `marsadm generate completions SHELL`: the script for bash, zsh or fish
//!   on stdout.
//!
//! It is answered before the command line proper is parsed and is not one
//! of `cli`'s commands, so it shows up in neither the help, the man pages
//! nor the completions.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

use crate::cli::Cli;
use crate::error::{Error, Result};
use crate::version::MARSADM;

/// The first argument that selects this generator.
pub const COMMAND: &str = "generate";

/// `marsadm generate`'s command line.
#[derive(Parser, Debug)]
#[command(
    name = "generate",
    bin_name = "marsadm generate",
    about = "Generate marsadm's man pages or a shell completion script"
)]
struct GenerateCli {
    #[command(subcommand)]
    what: What,
}

#[derive(Subcommand, Debug)]
enum What {
    /// Write marsadm.8 and one marsadm-CMD.8 per command into DIR.
    Man {
        /// An existing directory.
        dir: PathBuf,
    },
    /// Print the completion script for SHELL on stdout.
    Completions {
        /// The shell.
        shell: Shell,
    },
}

/// Runs `generate ...` (`args` starts with `generate`) and returns the
/// exit code.
pub fn run(args: &[std::ffi::OsString]) -> i32 {
    let cli = match GenerateCli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return e.exit_code();
        }
    };
    let r = match cli.what {
        What::Man { dir } => write_man(&dir).map(|_| ()),
        What::Completions { shell } => print_completions(shell),
    };
    match r {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("{e}");
            e.exit_code()
        }
    }
}

/// The man page section: marsadm is an administration command.
pub const SECTION: &str = "8";

/// The shells completions are generated for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    /// GNU Bash.
    Bash,
    /// Z shell.
    Zsh,
    /// fish.
    Fish,
}

impl Shell {
    /// Every supported shell.
    pub const ALL: [Shell; 3] = [Shell::Bash, Shell::Zsh, Shell::Fish];

    /// The file name its completion script is installed under.
    pub const fn file_name(self) -> &'static str {
        match self {
            Shell::Bash => "marsadm",
            Shell::Zsh => "_marsadm",
            Shell::Fish => "marsadm.fish",
        }
    }

    fn clap(self) -> clap_complete::Shell {
        match self {
            Shell::Bash => clap_complete::Shell::Bash,
            Shell::Zsh => clap_complete::Shell::Zsh,
            Shell::Fish => clap_complete::Shell::Fish,
        }
    }
}

/// The completion script for `shell`.
pub fn completions(shell: Shell) -> Vec<u8> {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell.clap(), &mut cmd, "marsadm", &mut out);
    out
}

/// The man pages: (file name, roff text) for marsadm and each visible
/// command.
pub fn man_pages() -> Result<Vec<(String, Vec<u8>)>> {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut pages = Vec::new();
    let mut todo = vec![cmd];
    while let Some(c) = todo.pop() {
        todo.extend(c.get_subcommands().filter(|s| !s.is_hide_set()).cloned());
        let man = clap_mangen::Man::new(c)
            .section(SECTION)
            .source(format!("marsadm {MARSADM}"))
            .manual("MARS");
        let mut text = Vec::new();
        man.render(&mut text)
            .map_err(|e| Error::refused(format!("cannot render a man page: {e}")))?;
        pages.push((man.get_filename(), text));
    }
    pages.sort();
    Ok(pages)
}

/// Writes the man pages into `dir` (which must exist) and lists them.
pub fn write_man(dir: &Path) -> Result<Vec<PathBuf>> {
    if !dir.is_dir() {
        return Err(
            Error::refused(format!("{} is not a directory", dir.display()))
                .hint("create it first (mkdir -p DIR)"),
        );
    }
    let mut written = Vec::new();
    for (name, text) in man_pages()? {
        let p = dir.join(name);
        fs::write(&p, text).map_err(|e| Error::io("write", &p, e))?;
        written.push(p);
    }
    Ok(written)
}

/// Writes the completion script for `shell` to stdout.
pub fn print_completions(shell: Shell) -> Result<()> {
    std::io::stdout()
        .write_all(&completions(shell))
        .map_err(|e| Error::io("write", Path::new("standard output"), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_and_scripts() {
        let pages = man_pages().unwrap();
        let names: Vec<&str> = pages.iter().map(|(n, _)| n.as_str()).collect();
        assert!(names.contains(&"marsadm.8"), "{names:?}");
        assert!(names.contains(&"marsadm-up.8"), "{names:?}");
        assert!(!names.iter().any(|n| n.contains("generate")), "{names:?}");
        for s in Shell::ALL {
            let text = String::from_utf8(completions(s)).unwrap();
            assert!(text.contains("create-resource"), "{s:?}");
        }
    }
}
