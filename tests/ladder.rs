//! Ladder diagrams: the arrows of a run in order with their short labels
//! (relative TCP numbers), lost frames crossed out, retransmissions
//! marked, switches hidden or shown, filters, the idle-gap break, and the
//! picture rendered by `rsvg-convert` at its declared size (skipped with a
//! note without it, unless `SIMNET_REQUIRE_RSVG` is set, as CI does).

use std::path::Path;
use std::process::Command;

use simnet::diagram::label::Proto;
use simnet::diagram::ladder::{render, LadderError, LadderOptions};
use simnet::scenario::{self, RunOptions};
use simnet::sim::SimTime;
use simnet::trace::Capture;

fn capture(file: &str) -> Capture {
    let s = scenario::load_file(Path::new(file)).expect("loads");
    let options = RunOptions {
        capture: true,
        ..RunOptions::default()
    };
    scenario::run(&s, options)
        .expect("runs")
        .capture
        .expect("captured")
}

/// Every `attr="…"` value in the document, in order.
fn values(svg: &str, attr: &str) -> Vec<String> {
    let key = format!("{attr}=\"");
    svg.match_indices(&key)
        .map(|(at, _)| {
            let start = at + key.len();
            let end = start + svg[start..].find('"').expect("closed");
            svg[start..end]
                .replace("&gt;", ">")
                .replace("&lt;", "<")
                .replace("&amp;", "&")
        })
        .collect()
}

fn labels(svg: &str) -> Vec<String> {
    values(svg, "data-label")
}

#[test]
fn the_handshake_data_and_close_are_ten_arrows_in_order_with_relative_numbers() {
    let svg = render(
        &capture("scenarios/tcp_handshake.toml"),
        &LadderOptions::default(),
    )
    .expect("draws");
    assert_eq!(
        labels(&svg),
        [
            "ARP who-has 192.168.1.3? tell 192.168.1.2",
            "ARP 192.168.1.3 is-at 02:00:00:00:00:02",
            "SYN seq=0 win=65535 mss 1460",
            "SYN-ACK seq=0 ack=1 win=65535 mss 1460",
            "ACK seq=1 ack=1 win=2048",
            "PSH-ACK seq=1 ack=1 win=2048 len=5",
            "PSH-ACK seq=1 ack=6 win=2048 len=5",
            "FIN-ACK seq=6 ack=6 win=2048",
            "ACK seq=6 ack=7 win=2048",
            "FIN-ACK seq=6 ack=7 win=2048",
            "ACK seq=7 ack=7 win=2048",
        ]
    );
    let states = values(&svg, "data-state");
    for state in [
        "SYN-SENT",
        "ESTABLISHED",
        "CLOSE-WAIT",
        "LAST-ACK",
        "TIME-WAIT",
        "CLOSED",
    ] {
        assert!(
            states.iter().any(|s| s == state),
            "{state} missing: {states:?}"
        );
    }
    // Each arrow's tooltip is its whole trace line.
    assert!(
        svg.contains("<title>0.104026 pc1.eth0 &gt; 02:00:00:00:00:01 &gt; 02:00:00:00:00:02 IP")
    );
    // TIME-WAIT's minute is one short break, not a minute of rows.
    assert!(
        svg.contains("⋯ 59.998 s later ⋯"),
        "no break for the idle gap"
    );
    let height: f64 = values(&svg, "height")[0].parse().expect("a number");
    assert!(height < 1200.0, "{height}");
}

#[test]
fn a_frame_across_a_switch_is_one_arrow_unless_switches_are_shown() {
    let c = capture("scenarios/cross_subnet_arp.toml");
    let hidden = labels(&render(&c, &LadderOptions::default()).expect("draws"));
    let who_has = "ARP who-has 192.168.1.1? tell 192.168.1.2";
    assert_eq!(
        hidden.iter().filter(|l| *l == who_has).count(),
        1,
        "{hidden:?}"
    );
    // pc1 → gw, gw → pc2 for each echo: two arrows a direction, per ping.
    assert_eq!(
        hidden
            .iter()
            .filter(|l| *l == "ICMP echo request seq 1")
            .count(),
        2
    );
    let options = LadderOptions {
        show_switches: true,
        ..LadderOptions::default()
    };
    let svg = render(&c, &options).expect("draws");
    let shown = labels(&svg);
    // pc1 → sw1 and sw1's flood to gw.
    assert_eq!(
        shown.iter().filter(|l| *l == who_has).count(),
        2,
        "{shown:?}"
    );
    assert!(svg.contains(">sw1</text>"), "sw1 has a lifeline");
}

#[test]
fn lost_frames_end_in_a_cross_and_retransmissions_are_marked() {
    let svg = render(
        &capture("scenarios/tcp_loss.toml"),
        &LadderOptions::default(),
    )
    .expect("draws");
    assert!(svg.contains("lost: link-loss"), "no lost frame drawn");
    assert!(
        labels(&svg).iter().any(|l| l.ends_with("(retransmission)")),
        "no retransmission marked"
    );
}

#[test]
fn filters_narrow_the_picture_and_say_what_they_left_out() {
    let c = capture("scenarios/cross_subnet_arp.toml");
    let only = |options: LadderOptions| labels(&render(&c, &options).expect("draws"));
    let icmp = only(LadderOptions {
        protocols: vec![Proto::Icmp],
        ..LadderOptions::default()
    });
    assert_eq!(icmp.len(), 8);
    assert!(icmp.iter().all(|l| l.starts_with("ICMP")));
    let pc1 = only(LadderOptions {
        hosts: vec!["pc1".into(), "gw".into()],
        ..LadderOptions::default()
    });
    assert_eq!(pc1.len(), 6, "{pc1:?}");
    let later = only(LadderOptions {
        from: Some(SimTime::from_millis(1900)),
        ..LadderOptions::default()
    });
    assert!(later.iter().all(|l| l.ends_with("seq 2")), "{later:?}");
    let svg = render(
        &c,
        &LadderOptions {
            max_arrows: 3,
            ..LadderOptions::default()
        },
    )
    .expect("draws");
    assert_eq!(labels(&svg).len(), 3);
    assert!(svg.contains("9 more frames left out (at most 3 arrows)"));
    let err = render(
        &c,
        &LadderOptions {
            hosts: vec!["pc9".into()],
            ..LadderOptions::default()
        },
    )
    .expect_err("no pc9");
    assert!(matches!(err, LadderError::UnknownNode { .. }));
    assert!(err
        .to_string()
        .contains("no node named `pc9` (the nodes are pc1, pc2, gw, sw1, sw2)"));
}

#[test]
fn the_ladder_renders_as_png_at_its_declared_size() {
    let svg = render(
        &capture("scenarios/tcp_handshake.toml"),
        &LadderOptions::default(),
    )
    .expect("draws");
    let dir = std::env::temp_dir();
    let svg_path = dir.join(format!("simnet-ladder-{}.svg", std::process::id()));
    let png_path = svg_path.with_extension("png");
    std::fs::write(&svg_path, &svg).expect("writes");
    let Ok(status) = Command::new("rsvg-convert")
        .arg(&svg_path)
        .arg("-o")
        .arg(&png_path)
        .status()
    else {
        assert!(
            std::env::var_os("SIMNET_REQUIRE_RSVG").is_none(),
            "SIMNET_REQUIRE_RSVG is set but rsvg-convert is missing"
        );
        eprintln!("note: rsvg-convert not installed; the render check is skipped");
        return;
    };
    assert!(status.success());
    let png = std::fs::read(&png_path).expect("a PNG");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let be = |at: usize| u32::from_be_bytes([png[at], png[at + 1], png[at + 2], png[at + 3]]);
    let declared = |name: &str| {
        values(&svg, name)[0]
            .parse::<f64>()
            .expect("a number")
            .ceil() as u32
    };
    assert_eq!((be(16), be(20)), (declared("width"), declared("height")));
    // Not blank: a handshake's PNG compresses to well over a few KiB.
    assert!(png.len() > 20_000, "{} bytes", png.len());
    let _ = std::fs::remove_file(svg_path);
    let _ = std::fs::remove_file(png_path);
}

#[test]
fn the_command_line_writes_the_ladder_of_a_lesson_and_refuses_bad_filters() {
    let simnet = env!("CARGO_BIN_EXE_simnet");
    let path = std::env::temp_dir().join(format!("simnet-h-{}.svg", std::process::id()));
    let out = Command::new(simnet)
        .args(["lesson", "tcp-handshake", "--ladder"])
        .arg(&path)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(std::fs::read_to_string(&path)
        .expect("written")
        .contains("SYN-ACK seq=0 ack=1"));
    let out = Command::new(simnet)
        .args([
            "run",
            "scenarios/tcp_handshake.toml",
            "-q",
            "--ladder-hosts",
            "pc9",
            "--ladder",
        ])
        .arg(&path)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no node named `pc9`"));
    let out = Command::new(simnet)
        .args([
            "run",
            "scenarios/tcp_handshake.toml",
            "--ladder-proto",
            "smtp",
            "--ladder",
        ])
        .arg(&path)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown protocol `smtp`"));
    let _ = std::fs::remove_file(path);
}
