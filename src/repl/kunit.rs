// SPDX-License-Identifier: GPL-2.0

//! KUnit tests of replication's kernel pieces: SHA-256 from the kernel's
//! crypto library (the full sync's block digests) against FIPS 180-2, and
//! which paths the data ports accept as logs.

#[kernel::macros::kunit_tests(mars_repl)]
mod tests {
    use crate::ffi::net::sha256;
    use crate::repl::service::parse_log_path;

    #[test]
    fn sha256_matches_fips_180_2() {
        assert_eq!(
            sha256(b"abc"),
            [
                0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae,
                0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61,
                0xf2, 0x00, 0x15, 0xad
            ]
        );
    }

    #[test]
    fn only_logs_of_a_resource_are_served() {
        let ok = parse_log_path("resource-r0/log-000000007-g1");
        assert!(
            ok.is_some_and(|(r, l)| r.as_str() == "r0" && l.number == 7 && l.host.as_str() == "g1")
        );
        for bad in [
            "resource-r0/size",
            "resource-r0/../cluster-secret",
            "resource-r0/log-000000007-g1/x",
            "ips/ip-g1",
            "resource-r0",
            "log-000000007-g1",
            "resource-r0/log-7-g1",
            "resource-r0/.tmp-log-000000007-g1",
            "",
        ] {
            assert!(parse_log_path(bad).is_none());
        }
    }
}
