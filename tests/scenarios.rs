//! The shipped scenarios, end to end: each one loads, runs and meets its own
//! expectations; runs are reproducible byte for byte; every frame agrees with
//! an independent decoder (etherparse) and, when tshark is installed, with
//! Wireshark's dissectors; and the `simnet` command line behaves as
//! documented (exit codes, messages, pcap and JSON output).

mod common {
    pub mod etherparse_check;
    pub mod mini_json;
    pub mod tshark;
}

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::rc::Rc;

use common::etherparse_check::assert_frame_agrees;
use common::mini_json::{self, Json};
use common::tshark::{tshark, tshark_available, TSHARK_BAD};
use simnet::scenario::{self, Outcome, RunOptions, Scenario};
use simnet::trace::event::Note;
use simnet::trace::pcap::{file_header, record_header};
use simnet::trace::{Record, TraceSink, What};

/// Scenarios that must ship; more may.
const REQUIRED: &[&str] = &[
    "cross_subnet_arp",
    "encapsulation",
    "addresses",
    "udp_limits",
    "listen_backlog",
    "io_models",
    "dns_lookup",
    "dhcp",
    "same_subnet_arp",
    "switch_learning",
    "ttl_expired",
    "unreachable",
    "ethernet_sizes",
    "tcp_first_steps",
    "upper_loop",
    "upper_server_loops",
    "upper_server_closes_listener",
    "upper_server_spins",
    "send_vs_sendall",
    "one_message",
];

/// The scenario the CLI tests use.
const FLAGSHIP: &str = "cross_subnet_arp";

/// Two hosts on one lossy cable: which frames are lost depends on the seed.
const LOSSY: &str = r#"
name = "lossy"
seed = 1
time_limit = "60s"

[[host]]
name = "a"
ip = "10.0.0.1/24"

[[host]]
name = "b"
ip = "10.0.0.2/24"

[[link]]
a = "a"
b = "b"
loss = 0.3

[[ping]]
at = "1s"
from = "a"
to = "b"
count = 20
interval = "100ms"
"#;

// ---------------------------------------------------------------------------
// Helpers

fn scenarios_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

/// Every `scenarios/*.toml`, sorted by name.
fn scenario_files() -> Vec<PathBuf> {
    let dir = scenarios_dir();
    let entries =
        fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn flagship() -> PathBuf {
    scenarios_dir().join(format!("{FLAGSHIP}.toml"))
}

fn load(path: &Path) -> Scenario {
    scenario::load_file(path).unwrap_or_else(|e| panic!("{} does not load:\n{e}", path.display()))
}

fn lossy() -> Scenario {
    scenario::load_str(LOSSY, "lossy.toml")
        .unwrap_or_else(|e| panic!("inline lossy scenario:\n{e}"))
}

/// Every shipped scenario, loaded, with its file name for messages.
fn shipped() -> Vec<(String, Scenario)> {
    scenario_files()
        .iter()
        .map(|f| (stem(f), load(f)))
        .collect()
}

fn run(s: &Scenario, options: RunOptions) -> Outcome {
    scenario::run(s, options).unwrap_or_else(|e| panic!("scenario {} cannot run: {e}", s.name))
}

/// Runs `s` with `seed`, writing pcaps into `dir/pcap` and JSON lines into
/// `dir/trace.json`.
fn run_into(s: &Scenario, seed: Option<u64>, dir: &Path) -> Outcome {
    run(
        s,
        RunOptions {
            seed,
            pcap_dir: Some(dir.join("pcap")),
            json: Some(dir.join("trace.json")),
            ..RunOptions::default()
        },
    )
}

/// A scratch directory under the system temp dir, named after the process
/// and the test so parallel tests and concurrent runs never share one;
/// removed when dropped, even when the test fails.
struct TempDir(PathBuf);

impl TempDir {
    fn new(test: &str) -> TempDir {
        let path = std::env::temp_dir().join(format!("simnet-{}-{test}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
        TempDir(path)
    }

    fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// The names of the files in `dir`, sorted.
fn file_names(dir: &Path) -> Vec<String> {
    let entries =
        fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    let mut names: Vec<String> = entries
        .map(|e| {
            e.expect("directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

fn read(path: &Path) -> Vec<u8> {
    fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Panics, showing the first difference, unless the traces are equal.
fn assert_same_lines(what: &str, a: &[String], b: &[String]) {
    if let Some(i) = (0..a.len().max(b.len())).find(|&i| a.get(i) != b.get(i)) {
        panic!(
            "{what}: the traces differ first at line {}:\n  first run:  {:?}\n  second run: {:?}\n\
             ({} and {} lines)",
            i + 1,
            a.get(i),
            b.get(i),
            a.len(),
            b.len()
        );
    }
}

/// Panics unless both directories hold the same files with the same bytes.
fn assert_same_files(what: &str, a: &Path, b: &Path) {
    let (names_a, names_b) = (file_names(a), file_names(b));
    assert_eq!(
        names_a, names_b,
        "{what}: the two runs wrote different files"
    );
    assert!(
        !names_a.is_empty(),
        "{what}: no files written in {}",
        a.display()
    );
    for name in &names_a {
        let (x, y) = (read(&a.join(name)), read(&b.join(name)));
        if let Some(at) = (0..x.len().max(y.len())).find(|&i| x.get(i) != y.get(i)) {
            panic!(
                "{what}: {name} differs between two runs with the same seed: first at byte {at} \
                 ({} vs {} bytes)",
                x.len(),
                y.len()
            );
        }
    }
}

/// One frame seen by [`FrameLog`]: where and when, and its bytes.
struct Seen {
    place: String,
    bytes: Vec<u8>,
    /// A link flipped a bit of it on the way (`corrupt`): its checksums
    /// are meant to fail.
    corrupted: bool,
}

/// A trace sink that keeps every frame sent, received or dropped at a link,
/// and the bytes of every copy a link corrupted.
#[derive(Clone, Default)]
struct FrameLog(Rc<RefCell<Vec<Seen>>>, Rc<RefCell<BTreeSet<Vec<u8>>>>);

impl TraceSink for FrameLog {
    fn record(&mut self, record: &Record<'_>) {
        let (iface, bytes, how) = match record.what {
            What::Frame { iface, dir, bytes } => (iface, bytes, dir.arrow().to_string()),
            What::FrameDrop {
                iface,
                cause,
                bytes,
            } => (iface, bytes, format!("drop {cause}")),
            What::Note(Note::LinkCorrupt { bit, .. }) => {
                // The world notes the corruption right after the frame it
                // sent: the copy that arrives is that frame with `bit`
                // flipped.
                if let Some(sent) = self.0.borrow().last() {
                    let mut copy = sent.bytes.clone();
                    copy[bit / 8] ^= 1 << (bit % 8);
                    self.1.borrow_mut().insert(copy);
                }
                return;
            }
            What::Note(_) => return,
        };
        let place = format!(
            "{} {}.{} {how}",
            record.time,
            record.node,
            record.iface_name(iface)
        );
        let corrupted = self.1.borrow().contains(bytes);
        self.0.borrow_mut().push(Seen {
            place,
            bytes: bytes.to_vec(),
            corrupted,
        });
    }
}

/// Every frame of a run of `s` with its own seed.
fn frames_of(s: &Scenario) -> Vec<Seen> {
    let mut sim = scenario::build(s, s.seed)
        .unwrap_or_else(|e| panic!("scenario {} does not build: {e}", s.name));
    let log = FrameLog::default();
    sim.add_sink(Box::new(log.clone()));
    sim.run();
    sim.finish_trace().expect("finish trace");
    let frames = std::mem::take(&mut *log.0.borrow_mut());
    frames
}

/// The bytes of every frame a link of `s` corrupted on the way.
fn corrupted_frames(s: &Scenario) -> BTreeSet<Vec<u8>> {
    frames_of(s)
        .into_iter()
        .filter(|f| f.corrupted)
        .map(|f| f.bytes)
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The message of a caught panic.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "(no message)".into())
}

// ---------------------------------------------------------------------------
// 1. Every shipped scenario passes.

#[test]
fn every_shipped_scenario_loads_runs_and_passes() {
    let files = scenario_files();
    let names: Vec<String> = files.iter().map(|f| stem(f)).collect();
    eprintln!("scenarios found in {}:", scenarios_dir().display());
    for f in &files {
        eprintln!("  {}", f.display());
    }
    for required in REQUIRED {
        assert!(
            names.iter().any(|n| n == required),
            "scenarios/{required}.toml is missing; found {names:?}"
        );
    }
    assert!(files.len() >= REQUIRED.len());

    let mut failed = Vec::new();
    for file in &files {
        let s = load(file);
        assert!(
            !s.description.trim().is_empty(),
            "{}: a shipped scenario needs a description that teaches its point",
            file.display()
        );
        assert!(
            !s.expect.is_empty(),
            "{}: a shipped scenario needs [[expect]] steps",
            file.display()
        );
        let outcome = run(&s, RunOptions::default());
        eprintln!(
            "  {}: {} ({} trace lines)",
            stem(file),
            if outcome.passed() { "PASS" } else { "FAIL" },
            outcome.lines.len()
        );
        if !outcome.passed() {
            failed.push(format!(
                "{}:\n{}",
                file.display(),
                outcome.failures.join("\n")
            ));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} scenarios failed:\n\n{}",
        failed.len(),
        files.len(),
        failed.join("\n\n")
    );
}

// ---------------------------------------------------------------------------
// 2. Determinism.

#[test]
fn same_seed_gives_identical_trace_pcap_and_json_bytes() {
    let tmp = TempDir::new("same-seed");
    for (name, s) in shipped() {
        let (dir_a, dir_b) = (
            tmp.join(&format!("{name}-a")),
            tmp.join(&format!("{name}-b")),
        );
        let a = run_into(&s, None, &dir_a);
        let b = run_into(&s, None, &dir_b);
        assert!(!a.lines.is_empty(), "{name}: empty trace");
        assert_same_lines(&name, &a.lines, &b.lines);
        assert_same_files(&name, &dir_a.join("pcap"), &dir_b.join("pcap"));
        assert_eq!(
            read(&dir_a.join("trace.json")),
            read(&dir_b.join("trace.json")),
            "{name}: the JSON traces of two runs with the same seed differ"
        );
    }
}

#[test]
fn link_loss_follows_the_seed_and_only_the_seed() {
    let tmp = TempDir::new("loss-seeds");
    let s = lossy();
    let first = run_into(&s, Some(1), &tmp.join("seed1-a"));
    let again = run_into(&s, Some(1), &tmp.join("seed1-b"));
    let other = run_into(&s, Some(2), &tmp.join("seed2"));

    assert_same_lines("lossy, seed 1 twice", &first.lines, &again.lines);
    assert_same_files(
        "lossy, seed 1 twice",
        &tmp.join("seed1-a/pcap"),
        &tmp.join("seed1-b/pcap"),
    );
    for o in [&first, &other] {
        let lost = o
            .lines
            .iter()
            .filter(|l| l.contains("drop link-loss"))
            .count();
        assert!(
            lost > 0 && o.pings[0].report.received < 20,
            "seed {}: a 30% loss link lost {lost} frames and {} of 20 pings got through; \
             the loss is not applied",
            o.seed,
            o.pings[0].report.received
        );
    }
    assert_ne!(
        first.lines, other.lines,
        "seeds 1 and 2 gave the same trace over a lossy link: the seed does not reach the loss"
    );
    assert_ne!(
        read(&tmp.join("seed1-a/pcap/a.eth0.pcap")),
        read(&tmp.join("seed2/pcap/a.eth0.pcap")),
        "seeds 1 and 2 gave the same pcap over a lossy link"
    );
}

// ---------------------------------------------------------------------------
// 3. An independent decoder agrees with every frame.

#[test]
fn every_frame_agrees_with_etherparse() {
    let mut scenarios = shipped();
    scenarios.push(("lossy (inline)".into(), lossy()));
    let mut failures = Vec::new();
    for (name, s) in &scenarios {
        let frames = frames_of(s);
        assert!(!frames.is_empty(), "{name}: no frames at all");
        // A frame a link corrupted is meant to disagree (its checksum
        // fails); every frame a node built or forwarded intact must agree.
        for (i, frame) in frames.iter().enumerate().filter(|(_, f)| !f.corrupted) {
            let checked = catch_unwind(AssertUnwindSafe(|| assert_frame_agrees(&frame.bytes)));
            if let Err(payload) = checked {
                failures.push(format!(
                    "{name}, frame {} ({}, {} bytes): {}\n    {}",
                    i + 1,
                    frame.place,
                    frame.bytes.len(),
                    panic_message(payload.as_ref()),
                    hex(&frame.bytes)
                ));
            }
        }
        eprintln!("{name}: {} frames checked", frames.len());
    }
    assert!(
        failures.is_empty(),
        "{} frames disagree with etherparse:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

// ---------------------------------------------------------------------------
// 4. Wireshark's dissectors find nothing wrong.

/// The frames of a pcap file written by simnet, checking its framing: the
/// file header must be simnet's and every record whole.
fn pcap_records(path: &Path) -> Vec<Vec<u8>> {
    let bytes = read(path);
    let name = path.display();
    assert!(
        bytes.len() >= 24 && bytes[..24] == file_header(),
        "{name}: missing or wrong pcap file header"
    );
    let mut records = Vec::new();
    let mut at = 24;
    while at < bytes.len() {
        let header = bytes
            .get(at..at + 16)
            .unwrap_or_else(|| panic!("{name}: record header cut short at byte {at}"));
        let caplen = u32::from_le_bytes(header[8..12].try_into().unwrap()) as usize;
        let origlen = u32::from_le_bytes(header[12..16].try_into().unwrap()) as usize;
        assert_eq!(caplen, origlen, "{name}: truncated capture at byte {at}");
        let frame = bytes
            .get(at + 16..at + 16 + caplen)
            .unwrap_or_else(|| panic!("{name}: frame cut short at byte {at}"));
        records.push(frame.to_vec());
        at += 16 + caplen;
    }
    records
}

/// Writes `frames` as a pcap file, a millisecond apart.
fn write_pcap(path: &Path, frames: &[Vec<u8>]) {
    let mut out = file_header().to_vec();
    for (i, frame) in frames.iter().enumerate() {
        out.extend_from_slice(&record_header(1_000_000 * i as u64, frame.len()));
        out.extend_from_slice(frame);
    }
    fs::write(path, out).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

/// Runs `s` writing pcaps, then has tshark read them all; returns a
/// description of every problem.
fn tshark_check_scenario(name: &str, s: &Scenario, dir: &Path) -> Vec<String> {
    let pcap_dir = dir.join("pcap");
    run(
        s,
        RunOptions {
            pcap_dir: Some(pcap_dir.clone()),
            ..RunOptions::default()
        },
    );
    // tshark takes a fifth of a second to start, so the files of one run
    // are read as one: the records of every file, under their common header
    // (checked equal to simnet's by `pcap_records`), in file order.
    // Frames a link corrupted are meant to fail their checksums (see
    // `link_impairments`); they are left out.
    let corrupted = corrupted_frames(s);
    let mut frames = Vec::new();
    let mut origin = Vec::new();
    for file in file_names(&pcap_dir) {
        for (i, frame) in pcap_records(&pcap_dir.join(&file)).into_iter().enumerate() {
            if corrupted.contains(&frame) {
                continue;
            }
            frames.push(frame);
            origin.push(format!("{file} frame {}", i + 1));
        }
    }
    if frames.is_empty() {
        return vec![format!("{name}: the pcap files hold no frames")];
    }
    let all = dir.join("all.pcap");
    write_pcap(&all, &frames);

    let mut problems = Vec::new();
    let listed = tshark(&all, &["-T", "fields", "-e", "frame.number"]);
    if listed.lines().count() != frames.len() {
        problems.push(format!(
            "{name}: tshark read {} packets, simnet wrote {}",
            listed.lines().count(),
            frames.len()
        ));
    }
    let fields = [
        "-T",
        "fields",
        "-E",
        "separator=|",
        "-e",
        "frame.number",
        "-e",
        "_ws.col.Info",
        "-e",
        "_ws.expert.message",
    ];
    let mut args = vec!["-Y", TSHARK_BAD];
    args.extend(fields);
    for line in tshark(&all, &args).lines() {
        let number: usize = line.split('|').next().unwrap_or("").parse().unwrap_or(0);
        let at = origin
            .get(number.wrapping_sub(1))
            .map_or("?", String::as_str);
        problems.push(format!("{name}: {at}: {line}"));
    }
    problems
}

#[test]
fn tshark_finds_no_malformed_packet_and_no_bad_checksum() {
    if !tshark_available() {
        return;
    }
    let tmp = TempDir::new("tshark");
    let scenarios = shipped();
    // One thread per scenario: most of the time goes into starting tshark.
    let problems: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = scenarios
            .iter()
            .map(|(name, s)| {
                let dir = tmp.join(name);
                scope.spawn(move || tshark_check_scenario(name, s, &dir))
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("tshark worker panicked"))
            .collect()
    });
    assert!(
        problems.is_empty(),
        "tshark reports problems (display filter `{TSHARK_BAD}`):\n{}",
        problems.join("\n")
    );
}

#[test]
fn tshark_check_catches_bad_checksums_and_truncation() {
    if !tshark_available() {
        return;
    }
    let tmp = TempDir::new("tshark-negative");
    // A real echo request from a run: IPv4 (EtherType 0x0800), ICMP type 8.
    let frames = frames_of(&load(&flagship()));
    let good = frames
        .iter()
        .map(|f| &f.bytes)
        .find(|b| b.len() > 42 && b[12..14] == [0x08, 0x00] && b[23] == 1 && b[34] == 8)
        .expect("the flagship sends an ICMP echo request")
        .clone();
    let mut bad_ip = good.clone();
    bad_ip[14 + 10] ^= 0xff; // IPv4 header checksum
    let mut bad_icmp = good.clone();
    bad_icmp[14 + 20 + 2] ^= 0xff; // ICMP checksum
    let truncated = good[..40].to_vec(); // ends inside the IPv4 header's addresses
    let path = tmp.join("corrupt.pcap");
    write_pcap(&path, &[good, bad_ip, bad_icmp, truncated]);

    let flagged = tshark(
        &path,
        &["-Y", TSHARK_BAD, "-T", "fields", "-e", "frame.number"],
    );
    let flagged: Vec<&str> = flagged.lines().collect();
    assert_eq!(
        flagged,
        ["2", "3", "4"],
        "tshark must flag the bad IPv4 checksum (2), the bad ICMP checksum (3) and the \
         truncated frame (4), and not the intact frame (1)"
    );
    let status = tshark(
        &path,
        &[
            "-T",
            "fields",
            "-e",
            "ip.checksum.status",
            "-e",
            "icmp.checksum.status",
        ],
    );
    let status: Vec<&str> = status.lines().take(3).collect();
    assert_eq!(
        status,
        ["1\t1", "0\t1", "1\t0"],
        "checksum status per frame (Wireshark: 0 = Bad, 1 = Good)"
    );
}

/// Wireshark decodes the TCP options as simnet means them, and its TCP
/// analysis, which tracks every connection's sequence space, finds nothing
/// amiss on one interface's capture: on the lossless `tcp_window` no
/// "ACKed unseen segment", no retransmission, no out-of-order segment; on
/// the lossy `tcp_sack`, SACK blocks that tshark reads as SACK.
#[test]
fn tshark_reads_the_tcp_options_and_finds_lossless_captures_clean() {
    if !tshark_available() {
        return;
    }
    let tmp = TempDir::new("tshark-tcp");
    let window = load(&scenarios_dir().join("tcp_window.toml"));
    run_into(&window, None, &tmp.join("window"));
    let count = common::tshark::count;
    let pc1 = tmp.join("window").join("pcap").join("pc1.eth0.pcap");
    let pc2 = tmp.join("window").join("pcap").join("pc2.eth0.pcap");
    for pcap in [&pc1, &pc2] {
        for bad in [
            "tcp.analysis.ack_lost_segment",
            "tcp.analysis.lost_segment",
            "tcp.analysis.retransmission",
            "tcp.analysis.out_of_order",
            "tcp.analysis.zero_window",
        ] {
            assert_eq!(count(pcap, bad), 0, "{bad} in {}", pcap.display());
        }
    }
    // pc1's SYN offers shift 5, SACK and timestamps; its data carries TS.
    assert_eq!(
        count(&pc1, "tcp.flags.syn == 1 && tcp.options.wscale.shift == 5"),
        2
    );
    assert_eq!(
        count(&pc1, "tcp.options.sack_perm && tcp.flags.syn == 1"),
        2
    );
    let stamped = count(&pc1, "tcp.options.timestamp.tsval && tcp.len > 0");
    let data = count(&pc1, "tcp.len > 0");
    assert!(
        data > 2000 && stamped == data,
        "{stamped} of {data} stamped"
    );
    // Wireshark scales the window itself once it saw both SYNs: pc2 offers
    // about 1 MiB.
    let widest = tshark(
        &pc2,
        &[
            "-Y",
            "tcp.srcport == 9000",
            "-T",
            "fields",
            "-e",
            "tcp.window_size",
        ],
    )
    .lines()
    .filter_map(|l| l.trim().parse::<u64>().ok())
    .max()
    .unwrap_or(0);
    assert!(
        (1_000_000..=1 << 20).contains(&widest),
        "pc2's widest window, scaled by tshark: {widest}"
    );

    let sack = load(&scenarios_dir().join("tcp_sack.toml"));
    run_into(&sack, None, &tmp.join("sack"));
    let pc2 = tmp.join("sack").join("pcap").join("pc2.eth0.pcap");
    let blocks = tshark(
        &pc2,
        &[
            "-Y",
            "tcp.options.sack_le",
            "-T",
            "fields",
            "-e",
            "tcp.options.sack_le",
            "-o",
            "tcp.relative_sequence_numbers:FALSE",
        ],
    );
    assert!(
        blocks.lines().any(|l| l.contains("1246332331")),
        "tshark reads the first SACK block's left edge:\n{blocks}"
    );
}

// ---------------------------------------------------------------------------
// 5. The command line.

fn simnet(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_simnet"))
        .args(args)
        .output()
        .expect("run the simnet binary")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Both streams, for failure messages.
fn shown(out: &Output) -> String {
    format!(
        "status {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    )
}

fn path_arg(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

#[test]
fn cli_run_passes_the_flagship() {
    let out = simnet(&["run", path_arg(&flagship())]);
    assert_eq!(out.status.code(), Some(0), "{}", shown(&out));
    let stdout = text(&out.stdout);
    let last = stdout.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("PASS"),
        "the last line should say PASS:\n{}",
        shown(&out)
    );
    // Without --quiet, the trace comes first, exactly as the library gives it.
    let outcome = run(&load(&flagship()), RunOptions::default());
    let expected = outcome.lines.join("\n");
    assert!(
        stdout.starts_with(&expected),
        "stdout should start with the trace:\n{}",
        shown(&out)
    );
}

#[test]
fn cli_run_names_a_failed_expectation_and_exits_1() {
    let tmp = TempDir::new("cli-fail");
    let pattern = "gw.eth1 > * ARP who-has 192.168.2.2 tell 192.168.1.2";
    let mut body = fs::read_to_string(flagship()).expect("read the flagship");
    body.push_str(&format!("\n[[expect]]\nsee = \"{pattern}\"\n"));
    let line = body.lines().position(|l| l.contains(pattern)).unwrap() + 1;
    let file = tmp.join("impossible.toml");
    fs::write(&file, &body).unwrap();

    let out = simnet(&["run", "--quiet", path_arg(&file)]);
    assert_eq!(out.status.code(), Some(1), "{}", shown(&out));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("FAIL"), "{}", shown(&out));
    assert!(
        stdout.contains(pattern),
        "the failure should quote the pattern:\n{}",
        shown(&out)
    );
    let origin = format!("{}:{line}:7", file.display());
    assert!(
        stdout.contains(&origin),
        "the failure should point at {origin}:\n{}",
        shown(&out)
    );
    assert!(!stdout.contains("PASS"), "{}", shown(&out));
}

#[test]
fn cli_run_reports_a_broken_file_with_its_position_and_exits_2() {
    let tmp = TempDir::new("cli-broken");
    let file = tmp.join("broken.toml");
    fs::write(
        &file,
        "[[host]]\nname = \"pc1\"\nip = \"192.168.1.300/24\"\n",
    )
    .unwrap();
    let out = simnet(&["run", path_arg(&file)]);
    assert_eq!(out.status.code(), Some(2), "{}", shown(&out));
    let stderr = text(&out.stderr);
    let position = format!("{}:3:6", file.display());
    assert!(
        stderr.contains("-->") && stderr.contains(&position),
        "stderr should show `--> {position}`:\n{}",
        shown(&out)
    );
    assert!(stderr.contains("192.168.1.300"), "{}", shown(&out));
}

#[test]
fn cli_check_prints_a_pass_line_per_file() {
    let files = [flagship(), scenarios_dir().join("same_subnet_arp.toml")];
    let out = simnet(&["check", path_arg(&files[0]), path_arg(&files[1])]);
    assert_eq!(out.status.code(), Some(0), "{}", shown(&out));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "one line per file:\n{}", shown(&out));
    for (line, file) in lines.iter().zip(&files) {
        assert!(
            line.starts_with("PASS") && line.contains(path_arg(file)),
            "expected a PASS line for {}, got {line:?}",
            file.display()
        );
    }
}

#[test]
fn cli_topo_prints_dot_with_every_node() {
    let s = load(&flagship());
    let out = simnet(&["topo", path_arg(&flagship())]);
    assert_eq!(out.status.code(), Some(0), "{}", shown(&out));
    let stdout = text(&out.stdout);
    assert!(stdout.trim_start().starts_with("graph"), "{}", shown(&out));
    assert!(stdout.trim_end().ends_with('}'), "{}", shown(&out));
    let names = s
        .hosts
        .iter()
        .chain(&s.routers)
        .map(|n| &n.name)
        .chain(s.switches.iter().map(|w| &w.name));
    for name in names {
        assert!(
            stdout.contains(name.as_str()),
            "node {name} missing:\n{}",
            shown(&out)
        );
    }
}

#[test]
fn cli_run_writes_pcap_files_and_json_lines() {
    let tmp = TempDir::new("cli-outputs");
    let (pcap_dir, json) = (tmp.join("pcap"), tmp.join("trace.json"));
    let out = simnet(&[
        "run",
        "--quiet",
        "--pcap",
        path_arg(&pcap_dir),
        "--json",
        path_arg(&json),
        path_arg(&flagship()),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", shown(&out));

    // One pcap per interface: every host and router interface, and every
    // switch port that has a link.
    let s = load(&flagship());
    let mut expected = BTreeSet::new();
    for node in s.hosts.iter().chain(&s.routers) {
        for iface in &node.interfaces {
            expected.insert(format!("{}.{}.pcap", node.name, iface.name));
        }
    }
    for end in s.links.iter().flat_map(|l| [&l.a, &l.b]) {
        expected.insert(format!("{}.{}.pcap", end.node, end.iface));
    }
    assert!(expected.contains("pc1.eth0.pcap") && expected.contains("sw1.eth0.pcap"));
    let written: BTreeSet<String> = file_names(&pcap_dir).into_iter().collect();
    assert_eq!(written, expected, "pcap files written");
    for name in &written {
        let records = pcap_records(&pcap_dir.join(name));
        assert!(!records.is_empty(), "{name} holds no frames");
    }

    // JSON lines: one object per trace event, the same events as the text.
    let lines = run(&s, RunOptions::default()).lines;
    let body = fs::read_to_string(&json).expect("read the JSON trace");
    let objects: Vec<&str> = body.lines().collect();
    assert_eq!(
        objects.len(),
        lines.len(),
        "one JSON line per text trace line"
    );
    for (i, (object, line)) in objects.iter().zip(&lines).enumerate() {
        let at = format!("JSON line {}: {object}", i + 1);
        let value = mini_json::parse(object).unwrap_or_else(|e| panic!("{at}: {e}"));
        assert!(matches!(value, Json::Object(_)), "{at}: not an object");
        let string = |key: &str| {
            value
                .get(key)
                .and_then(Json::as_str)
                .unwrap_or_else(|| panic!("{at}: no string `{key}`"))
                .to_string()
        };
        let (t, node, event, text) = (string("t"), string("node"), string("event"), string("text"));
        let ns = value
            .get("ns")
            .and_then(Json::as_u64)
            .unwrap_or_else(|| panic!("{at}: no integer `ns`"));
        let secs: f64 = t
            .parse()
            .unwrap_or_else(|_| panic!("{at}: `t` is not a number"));
        assert!(
            (secs * 1e9 - ns as f64).abs() < 1_000.0,
            "{at}: `t` and `ns` disagree"
        );
        assert!(
            !node.is_empty() && !event.is_empty(),
            "{at}: empty node or event"
        );
        assert_eq!(
            &format!("{t} {text}"),
            line,
            "{at}: differs from the text trace"
        );
        assert!(
            text.starts_with(&node),
            "{at}: text does not start with the node"
        );
    }
}

#[test]
fn wireshark_reassembles_the_fragmented_datagram() {
    if !tshark_available() {
        return;
    }
    let tmp = TempDir::new("tshark-frag");
    let (_, s) = shipped()
        .into_iter()
        .find(|(name, _)| name == "udp_fragmentation")
        .expect("the fragmentation scenario ships");
    let options = RunOptions {
        pcap_dir: Some(tmp.join("pcap")),
        ..RunOptions::default()
    };
    run(&s, options);
    // pc2 receives three fragments; tshark puts them together into one
    // 4008-byte IP payload holding a 4000-byte UDP datagram to port 9000.
    let pcap = tmp.join("pcap").join("pc2.eth0.pcap");
    let fields = tshark(
        &pcap,
        &[
            "-Y",
            "udp.dstport == 9000",
            "-T",
            "fields",
            "-e",
            "ip.reassembled.length",
            "-e",
            "udp.length",
        ],
    );
    assert_eq!(fields.trim(), "4008\t4008", "{fields}");
}
