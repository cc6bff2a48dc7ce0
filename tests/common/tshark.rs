//! Wireshark's command-line dissector for the tests: whether it is here
//! (a failure instead of a skip when `SIMNET_REQUIRE_TSHARK` is set, as
//! `.ci/run` sets it), and running it on a pcap file.

use std::io::ErrorKind;
use std::path::Path;
use std::process::Command;

/// Preferences that make tshark verify checksums it skips by default. ICMP
/// checksums are always verified.
pub const TSHARK_PREFS: &[&str] = &[
    "-o",
    "ip.check_checksum:TRUE",
    "-o",
    "udp.check_checksum:TRUE",
    "-o",
    "tcp.check_checksum:TRUE",
];

/// Packets with anything wrong. Note the checksum status values: Wireshark's
/// `Bad` is 0 (`Good` 1, `Unverified` 2, `Not present` 3), so compare with the
/// name. A bad ICMP checksum is only a warning in expert info, hence the
/// explicit checksum tests besides the severity.
pub const TSHARK_BAD: &str = "_ws.malformed || _ws.expert.severity >= \"Error\" \
    || ip.checksum.status == \"Bad\" || icmp.checksum.status == \"Bad\" \
    || udp.checksum.status == \"Bad\" || tcp.checksum.status == \"Bad\"";

/// Whether tshark can run; prints why not and returns false when it is not
/// installed (set SIMNET_REQUIRE_TSHARK=1 to make that a failure instead).
pub fn tshark_available() -> bool {
    match Command::new("tshark").arg("--version").output() {
        Ok(o) if o.status.success() => true,
        Ok(o) => panic!(
            "tshark --version failed ({}):\n{}",
            o.status,
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(e) if e.kind() == ErrorKind::NotFound => {
            assert!(
                std::env::var_os("SIMNET_REQUIRE_TSHARK").is_none(),
                "tshark not found, but SIMNET_REQUIRE_TSHARK is set"
            );
            eprintln!("tshark not found, skipping (install it with `apt-get install tshark`)");
            false
        }
        Err(e) => panic!("cannot run tshark: {e}"),
    }
}

/// Runs tshark on `pcap` with the checksum preferences and `args`; panics
/// if it fails or complains about the file. Returns stdout.
pub fn tshark(pcap: &Path, args: &[&str]) -> String {
    let out = Command::new("tshark")
        .arg("-r")
        .arg(pcap)
        .args(TSHARK_PREFS)
        .args(args)
        .output()
        .expect("run tshark");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "tshark -r {} {args:?} failed ({}):\n{stderr}",
        pcap.display(),
        out.status
    );
    for complaint in ["cut short", "damaged", "corrupt", "isn't a capture file"] {
        assert!(
            !stderr.contains(complaint),
            "tshark complains about {}:\n{stderr}",
            pcap.display()
        );
    }
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// How many packets of `pcap` match the display `filter`.
pub fn count(pcap: &Path, filter: &str) -> usize {
    tshark(pcap, &["-Y", filter, "-T", "fields", "-e", "frame.number"])
        .lines()
        .count()
}
