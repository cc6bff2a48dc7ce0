//! Explain mode: every kind of event has a sentence in English and in
//! Chinese, every event of every shipped scenario gets one with all its
//! values filled in, and the sentences a beginner needs say what they must
//! (the mask AND, the broadcast, the ISN + 1, end of stream, TIME-WAIT).

use std::path::Path;
use std::process::Command;

use simnet::explain::{explain_all, ids};
use simnet::i18n::{Catalogue, Lang};
use simnet::scenario::{self, RunOptions};
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

/// `(trace line, sentence)` for each event.
fn explained(file: &str, lang: Lang) -> Vec<(String, String)> {
    let c = capture(file);
    let sentences = explain_all(&c, &Catalogue::new(lang));
    c.events
        .iter()
        .map(|e| e.line.clone())
        .zip(sentences)
        .collect()
}

/// The sentence of the first event whose line contains `needle`.
fn sentence(all: &[(String, String)], needle: &str) -> String {
    all.iter()
        .find(|(line, _)| line.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle}"))
        .1
        .clone()
}

#[test]
fn every_kind_of_event_has_a_sentence_in_both_languages() {
    for lang in Lang::ALL {
        let c = Catalogue::new(lang);
        for id in ids() {
            assert!(c.has(&id), "{lang} lacks `{id}`");
        }
    }
}

#[test]
fn every_event_of_every_shipped_scenario_gets_a_whole_sentence() {
    let mut files: Vec<_> = std::fs::read_dir("scenarios")
        .expect("the scenarios")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let (en, zh) = (Catalogue::new(Lang::En), Catalogue::new(Lang::Zh));
    for file in files {
        let c = capture(file.to_str().expect("a path"));
        for (catalogue, lang) in [(&en, "en"), (&zh, "zh")] {
            for (event, s) in c.events.iter().zip(explain_all(&c, catalogue)) {
                let at = format!("{}: {lang}: {}", file.display(), event.line);
                assert!(!s.starts_with('['), "{at}: no message: {s}");
                assert!(
                    !s.contains("{$") && !s.contains("{ $"),
                    "{at}: unfilled: {s}"
                );
                if lang == "zh" {
                    assert!(
                        s.chars().any(|ch| ('\u{4e00}'..='\u{9fff}').contains(&ch)),
                        "{at}: {s}"
                    );
                }
            }
        }
    }
}

#[test]
fn the_route_and_arp_sentences_explain_the_mask_and_the_broadcast() {
    let all = explained("scenarios/cross_subnet_arp.toml", Lang::En);
    let route = sentence(&all, "pc1 route 192.168.2.2");
    assert!(
        route.contains("192.168.2.2 AND 255.255.255.0 = 192.168.2.0"),
        "{route}"
    );
    assert!(
        route.contains("not its own network 192.168.1.0/24"),
        "{route}"
    );
    assert!(
        route.contains("gateway 192.168.1.1") && route.contains("gateway's MAC"),
        "{route}"
    );
    let gw = sentence(&all, "gw route 192.168.2.2");
    assert!(gw.contains("forwards"), "{gw}");
    let who = sentence(
        &all,
        "pc1.eth0 > 02:00:00:00:00:01 > ff:ff:ff:ff:ff:ff ARP who-has",
    );
    assert!(who.contains("broadcast address ff:ff:ff:ff:ff:ff"), "{who}");
    let flood = sentence(&all, "sw1 flood");
    assert!(
        flood.contains("broadcast") && flood.contains("every port but"),
        "{flood}"
    );
    let forward = sentence(
        &all,
        "gw.eth1 > 02:00:00:00:00:04 > 02:00:00:00:00:02 IP 192.168.1.2",
    );
    assert!(
        forward.contains("TTL is now 63") && forward.contains("lowers it by one"),
        "{forward}"
    );
    let zh = explained("scenarios/cross_subnet_arp.toml", Lang::Zh);
    let route = sentence(&zh, "pc1 route 192.168.2.2");
    assert!(
        route.contains("子网掩码") && route.contains("网关"),
        "{route}"
    );
}

#[test]
fn the_handshake_and_close_are_explained_step_by_step() {
    let all = explained("scenarios/tcp_handshake.toml", Lang::En);
    let syn = sentence(&all, "[S] seq 3344801509");
    assert!(
        syn.contains("Step 1 of the three-way handshake") && syn.contains("3344801509"),
        "{syn}"
    );
    let syn_ack = sentence(&all, "[S.] seq 3643228854");
    assert!(
        syn_ack.contains("ISN + 1") && syn_ack.contains("3344801510"),
        "{syn_ack}"
    );
    let ack = sentence(
        &all,
        "pc1.eth0 > 02:00:00:00:00:01 > 02:00:00:00:00:02 IP 192.168.1.2 > 192.168.1.3 ttl 64 id 2",
    );
    assert!(ack.contains("Step 3"), "{ack}");
    let close_wait = sentence(&all, "ESTABLISHED -> CLOSE-WAIT");
    assert!(close_wait.contains("a read returns 0"), "{close_wait}");
    let time_wait = sentence(&all, "FIN-WAIT-2 -> TIME-WAIT");
    assert!(
        time_wait.contains("2 MSL") && time_wait.contains("Address already in use"),
        "{time_wait}"
    );
    let zh = explained("scenarios/tcp_handshake.toml", Lang::Zh);
    assert!(sentence(&zh, "[S] seq").contains("三次握手"));
    assert!(sentence(&zh, "[F.] seq 3344801515").contains("四次挥手"));
}

#[test]
fn losses_refusals_and_expired_ttls_say_why() {
    let loss = explained("scenarios/tcp_loss.toml", Lang::En);
    assert!(
        loss.iter()
            .any(|(_, s)| s.contains("sends") && s.contains("again")),
        "no retransmission"
    );
    assert!(sentence(&loss, "drop link-loss").contains("lost this frame"));
    let ttl = explained("scenarios/ttl_expired.toml", Lang::En);
    assert!(sentence(&ttl, "drop ttl-expired").contains("TTL ran out"));
    let refused = explained("scenarios/tcp_refused.toml", Lang::En);
    assert!(sentence(&refused, "[R.]").contains("RST"));
    assert!(sentence(&refused, "tcp-client: error: connect").contains("nothing listens"));
    assert!(sentence(&refused, "error: Connection refused").contains("\"Connection refused\""));
}

#[test]
fn the_command_line_prints_a_sentence_under_each_line() {
    let simnet = env!("CARGO_BIN_EXE_simnet");
    let out = Command::new(simnet)
        .args([
            "run",
            "scenarios/cross_subnet_arp.toml",
            "--explain",
            "--lang",
            "zh",
        ])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("    ↳ pc1 查路由表找 192.168.2.2"), "{text}");
    let out = Command::new(simnet)
        .args(["lesson", "tcp-handshake", "--explain"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("    ↳ Step 2 of the three-way handshake"),
        "{text}"
    );
    assert!(
        text.contains("pc1 upper-loop-client: HELLO"),
        "the transcript follows"
    );
}
