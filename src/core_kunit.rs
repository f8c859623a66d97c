// SPDX-License-Identifier: GPL-2.0

//! KUnit tests that run the core crate's format code inside the kernel,
//! with the kernel's CRC-32C: the same code the host tests, fuzzes and
//! benchmarks, now built by the kernel's compiler with its flags.

#[kernel::macros::kunit_tests(mars_core_in_kernel)]
mod tests {
    use crate::crc::KernelCrc32c;
    use crate::mars_core::crc32c::SoftCrc32c;
    use crate::mars_core::lamport::{LamportClock, Stamp};
    use crate::mars_core::names::{parse_entry_name, Entry, HostName, LogName, ResourceName};
    use crate::mars_core::tree::{Digest, ReplayValue, VersionValue};
    use crate::mars_core::wire::{decode_frame, encode_frame, Message, PROTOCOL_MAX};

    #[test]
    fn names_are_validated() {
        assert!(HostName::new("g1").is_ok());
        for bad in ["", "G1", "1g", "a/b", "..", "all", "local", "a b", "x\n"] {
            assert!(ResourceName::new(bad).is_err());
        }
        assert!(matches!(parse_entry_name("log-000000007-g1"), Ok(Entry::Log(l)) if l.number == 7));
        assert!(parse_entry_name("log-7-g1").is_err());
    }

    #[test]
    fn replay_value_round_trip() {
        let v = ReplayValue::parse("log-000000003-g1,4096,8192").unwrap();
        assert_eq!((v.log.number, v.pos, v.len), (3, 4096, 8192));
        assert!(ReplayValue::parse("log-000000003-g1,4096").is_err());
        assert!(ReplayValue::parse("log-000000003-g1,-1,0").is_err());
    }

    #[test]
    fn version_digest_is_the_same_in_kernel_and_on_host() {
        let log = LogName {
            number: 2,
            host: HostName::new("g1").unwrap(),
        };
        let k = VersionValue::new(&KernelCrc32c, log, 123_456, Digest(0x0123_4567_89ab_cdef));
        let h = VersionValue::new(&SoftCrc32c, log, 123_456, Digest(0x0123_4567_89ab_cdef));
        assert_eq!(k, h);
        assert!(k.verify(&KernelCrc32c));
    }

    #[test]
    fn lamport_clock_is_monotonic_and_bounded() {
        let mut c = LamportClock::default();
        let now = Stamp { sec: 1000, nsec: 0 };
        let a = c.tick(now);
        let b = c.tick(now);
        assert!(b > a);
        assert!(c
            .merge(
                Stamp {
                    sec: 1_000_000,
                    nsec: 0
                },
                now
            )
            .is_err());
        assert!(c.merge(Stamp { sec: 1001, nsec: 0 }, now).is_ok());
        assert!(c.tick(now) > Stamp { sec: 1001, nsec: 0 });
    }

    #[test]
    fn wire_frame_round_trip_and_rejects_corruption() {
        let mut buf = [0u8; 256];
        let msg = Message::Error {
            code: 5,
            message: "no such resource",
        };
        let stamp = Stamp { sec: 7, nsec: 8 };
        let n = encode_frame(&KernelCrc32c, PROTOCOL_MAX, stamp, &msg, &mut buf).unwrap();
        let (frame, used) = decode_frame(&KernelCrc32c, &buf[..n]).unwrap();
        assert_eq!(used, n);
        assert_eq!(frame.message, msg);
        assert_eq!(frame.stamp, stamp);
        buf[n - 1] ^= 1;
        assert!(decode_frame(&KernelCrc32c, &buf[..n]).is_err());
    }
}
