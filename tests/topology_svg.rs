//! The topology picture drawn without Graphviz: every node and link of the
//! flagship scenario is in it with the ids a page highlights, and it
//! renders with `rsvg-convert` to a PNG of the size the SVG declares
//! (skipped with a note without rsvg-convert, unless `SIMNET_REQUIRE_RSVG`
//! is set, as CI does).

use std::path::Path;
use std::process::Command;

use simnet::scenario;
use simnet::topo::Snapshot;

fn picture(file: &str) -> String {
    let s = scenario::load_file(Path::new(file)).expect("loads");
    let sim = scenario::build(&s, s.seed).expect("builds");
    simnet::diagram::topology::render(&Snapshot::of(sim.graph()), &s.name)
}

/// `width="…"` and `height="…"` of the root element.
fn size(svg: &str) -> (u32, u32) {
    let attr = |name: &str| -> u32 {
        let start = svg.find(&format!(" {name}=\"")).expect("the attribute") + name.len() + 3;
        let end = start + svg[start..].find('"').expect("closed");
        svg[start..end].parse::<f64>().expect("a number").ceil() as u32
    };
    (attr("width"), attr("height"))
}

#[test]
fn every_node_and_link_of_the_flagship_is_drawn_with_its_id() {
    let svg = picture("scenarios/cross_subnet_arp.toml");
    for node in ["pc1", "pc2", "gw", "sw1", "sw2"] {
        assert!(
            svg.contains(&format!("id=\"node-{node}\"")),
            "{node} missing"
        );
    }
    for k in 0..4 {
        assert!(
            svg.contains(&format!("id=\"link-{k}\"")),
            "link {k} missing"
        );
    }
    assert!(!svg.contains("id=\"link-4\""), "there are four links");
    for text in [
        "192.168.1.1/24",
        "192.168.2.2/24",
        "gw (router)",
        "sw1 (switch)",
    ] {
        assert!(svg.contains(text), "{text} missing");
    }
    // The router is the root: drawn above the switches, which are above the
    // hosts.
    let y = |node: &str| {
        let at = svg.find(&format!("id=\"node-{node}\"")).expect("node");
        let rect = &svg[at..];
        let start = rect.find(" y=\"").expect("a y") + 4;
        rect[start..start + rect[start..].find('"').expect("closed")]
            .parse::<f64>()
            .expect("a number")
    };
    assert!(y("gw") < y("sw1") && y("sw1") < y("pc1") && y("sw2") < y("pc2"));
}

#[test]
fn impaired_links_say_so() {
    let svg = picture("scenarios/link_impairments.toml");
    assert!(svg.contains("10% duplicate"), "{svg}");
}

#[test]
fn the_picture_renders_with_rsvg_at_its_declared_size() {
    let svg = picture("scenarios/cross_subnet_arp.toml");
    let dir = std::env::temp_dir();
    let (svg_path, png_path) = (
        dir.join(format!("simnet-topo-{}.svg", std::process::id())),
        dir.join(format!("simnet-topo-{}.png", std::process::id())),
    );
    std::fs::write(&svg_path, &svg).expect("writes");
    let ran = Command::new("rsvg-convert")
        .arg(&svg_path)
        .arg("-o")
        .arg(&png_path)
        .status();
    let Ok(status) = ran else {
        assert!(
            std::env::var_os("SIMNET_REQUIRE_RSVG").is_none(),
            "SIMNET_REQUIRE_RSVG is set but rsvg-convert is missing"
        );
        eprintln!("note: rsvg-convert not installed; the render check is skipped");
        return;
    };
    assert!(status.success(), "rsvg-convert failed");
    let png = std::fs::read(&png_path).expect("a PNG");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    // The IHDR chunk: width and height, big-endian, at bytes 16 and 20.
    let be = |at: usize| u32::from_be_bytes([png[at], png[at + 1], png[at + 2], png[at + 3]]);
    assert_eq!((be(16), be(20)), size(&svg));
    let _ = std::fs::remove_file(svg_path);
    let _ = std::fs::remove_file(png_path);
}

#[test]
fn the_command_line_writes_the_picture_and_the_page_and_refuses_an_unwritable_path() {
    let simnet = env!("CARGO_BIN_EXE_simnet");
    let dir = std::env::temp_dir().join(format!("simnet-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let svg = dir.join("net.svg");
    let out = Command::new(simnet)
        .args(["topo", "scenarios/cross_subnet_arp.toml", "--svg"])
        .arg(&svg)
        .output()
        .expect("runs");
    assert!(out.status.success());
    assert!(std::fs::read_to_string(&svg)
        .expect("written")
        .contains("id=\"node-gw\""));
    let html = dir.join("arp.html");
    let out = Command::new(simnet)
        .args([
            "run",
            "scenarios/cross_subnet_arp.toml",
            "-q",
            "--lang",
            "zh",
            "--html",
        ])
        .arg(&html)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = std::fs::read_to_string(&html).expect("written");
    assert!(page.starts_with("<!DOCTYPE html>") && page.contains("<html lang=\"zh\">"));
    assert!(
        !page.contains("src=\"http") && !page.contains("href=\"http"),
        "nothing from the network"
    );
    let bad = dir.join("no-such-dir").join("arp.html");
    let out = Command::new(simnet)
        .args(["run", "scenarios/cross_subnet_arp.toml", "-q", "--html"])
        .arg(&bad)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot write") && stderr.contains("no-such-dir"),
        "{stderr}"
    );
    let out = Command::new(simnet)
        .args(["run", "scenarios/cross_subnet_arp.toml", "--lang", "fr"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown language `fr`"));
    let _ = std::fs::remove_dir_all(dir);
}

/// The box each `<text>` of `svg` covers, estimated as a renderer lays it
/// out (0.62 em a character, DejaVu Sans's average), and each node's box.
fn text_boxes(svg: &str) -> Vec<(String, [f64; 4])> {
    let attr = |tag: &str, name: &str| -> Option<String> {
        let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        Some(tag[start..start + tag[start..].find('"')?].to_string())
    };
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(at) = rest.find("<text ") {
        let tag_end = at + rest[at..].find('>').expect("a tag");
        let tag = &rest[at..tag_end];
        let close = tag_end + rest[tag_end..].find("</text>").expect("closed");
        let content = &rest[tag_end + 1..close];
        let num = |n: &str| attr(tag, n).and_then(|v| v.parse::<f64>().ok());
        let (x, y) = (num("x").expect("x"), num("y").expect("y"));
        let size = num("font-size").unwrap_or(12.0);
        let w = content.chars().count() as f64 * size * 0.62;
        let left = match attr(tag, "text-anchor").as_deref() {
            Some("middle") => x - w / 2.0,
            Some("end") => x - w,
            _ => x,
        };
        out.push((
            content.to_string(),
            [left, y - size * 0.8, left + w, y + size * 0.2],
        ));
        rest = &rest[close..];
    }
    out
}

fn overlap(a: &[f64; 4], b: &[f64; 4]) -> bool {
    a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]
}

#[test]
fn no_two_labels_overlap_in_any_shipped_scenario() {
    let mut files: Vec<_> = std::fs::read_dir("scenarios")
        .expect("the scenarios")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    assert!(files.len() > 10);
    for file in files {
        let svg = picture(&file.to_string_lossy());
        let boxes = text_boxes(&svg);
        for (i, (a, ba)) in boxes.iter().enumerate() {
            for (b, bb) in &boxes[i + 1..] {
                assert!(!overlap(ba, bb), "{}: `{a}` overlaps `{b}`", file.display());
            }
        }
    }
}

#[test]
fn a_hundred_hosts_on_one_switch_are_all_drawn_inside_the_picture() {
    let mut toml = String::from("name = \"big\"\n[[switch]]\nname = \"sw\"\n");
    for i in 0..99 {
        toml.push_str(&format!(
            "[[host]]\nname = \"h{i}\"\nip = \"10.0.{}.{}/16\"\n[[link]]\na = \"h{i}\"\nb = \"sw\"\n",
            i / 200,
            i % 200 + 2
        ));
    }
    let s = scenario::load_str(&toml, "big.toml").expect("loads");
    let sim = scenario::build(&s, s.seed).expect("builds");
    let svg = simnet::diagram::topology::render(&Snapshot::of(sim.graph()), "big");
    let (w, h) = size(&svg);
    for i in 0..99 {
        assert!(svg.contains(&format!("id=\"node-h{i}\"")));
        assert!(svg.contains(&format!("id=\"link-{i}\"")));
    }
    for (text, b) in text_boxes(&svg) {
        assert!(
            b[0] >= 0.0 && b[1] >= 0.0 && b[2] <= f64::from(w) && b[3] <= f64::from(h),
            "`{text}` is outside the {w}x{h} picture"
        );
    }
}
