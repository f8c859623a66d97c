//! The `marsadm` binary: see the library crate for everything.

fn main() {
    let code = marsadm::run(std::env::args_os(), &marsadm::device::RealDevices);
    std::process::exit(code);
}

#[cfg(test)]
mod tests {
    /// The kernel module and marsadm report the same version: both come
    /// from the top-level VERSION file (Kbuild reads it; Cargo.toml must
    /// match it).
    #[test]
    fn version_matches_version_file() {
        let file = include_str!("../../../VERSION").trim();
        assert_eq!(env!("CARGO_PKG_VERSION"), file);
    }
}
