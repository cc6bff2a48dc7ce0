//! The step-through page in a real browser: headless Chromium, driven
//! through chromedriver (WebDriver) with real clicks and key presses, on
//! the flagship scenario's page. Skipped with a note when Chromium is not
//! installed, unless `SIMNET_REQUIRE_CHROMIUM` is set (CI sets it).
//!
//! `SIMNET_SCREENSHOT=path` also writes the page at step 3 as a PNG (see
//! `docs/screenshot.sh`).

mod common {
    pub mod mini_json;
    pub mod webdriver;
}

use std::path::Path;

use common::mini_json::Json;
use common::webdriver::{self, Browser, END, HOME, RIGHT};
use simnet::i18n::Lang;
use simnet::page::{self, PageOptions};
use simnet::scenario::{self, RunOptions};

/// The page of `scenarios/cross_subnet_arp.toml`, written to a temp file.
fn arp_page() -> std::path::PathBuf {
    page_of("cross_subnet_arp")
}

/// The page of `scenarios/NAME.toml`, written to a temp file.
fn page_of(name: &str) -> std::path::PathBuf {
    let s =
        scenario::load_file(&Path::new("scenarios").join(format!("{name}.toml"))).expect("loads");
    let outcome = scenario::run(
        &s,
        RunOptions {
            capture: true,
            ..RunOptions::default()
        },
    )
    .expect("runs");
    let capture = outcome.capture.expect("captured");
    let options = PageOptions {
        title: s.name.clone(),
        description: s.description.clone(),
        lang: Lang::En,
        ..PageOptions::default()
    };
    let path = std::env::temp_dir().join(format!("simnet-{name}-{}.html", std::process::id()));
    std::fs::write(&path, page::render(&capture, &options)).expect("writes");
    path
}

/// The texts of every element matching `css`, in document order.
fn texts(b: &Browser, css: &str) -> Vec<String> {
    let script = format!(
        "return Array.from(document.querySelectorAll({})).map(e => e.textContent);",
        webdriver::quote(css)
    );
    match b.eval(&script).expect("script runs") {
        Json::Array(items) => items
            .iter()
            .map(|i| i.as_str().unwrap_or_default().to_string())
            .collect(),
        other => panic!("not a list: {other:?}"),
    }
}

/// Whether Chromium and chromedriver are here; a failure instead of a
/// skip when `SIMNET_REQUIRE_CHROMIUM` is set.
fn chromium() -> bool {
    if webdriver::available() {
        return true;
    }
    assert!(
        std::env::var_os("SIMNET_REQUIRE_CHROMIUM").is_none(),
        "SIMNET_REQUIRE_CHROMIUM is set but chromium or chromedriver is missing"
    );
    eprintln!("note: chromium or chromedriver not installed; the browser test is skipped");
    false
}

fn counter(b: &Browser) -> String {
    b.text("#step-counter").expect("a step counter")
}

#[test]
fn the_arp_walkthrough_steps_forward_and_back_in_a_real_browser() {
    if !chromium() {
        return;
    }
    let page = arp_page();
    let b = Browser::start(1400, 1000).expect("a headless chromium");
    b.open(&format!("file://{}", page.display()))
        .expect("opens");

    // Step 1: pc1 asks who has its gateway's address, by broadcast.
    assert_eq!(counter(&b), "step 1 / 24");
    let current = texts(&b, "#event-list li.current");
    let sent = current
        .iter()
        .find(|l| l.contains("pc1.eth0 >"))
        .expect("step 1 sends a frame from pc1");
    assert!(
        sent.contains("ARP who-has 192.168.1.1 tell 192.168.1.2"),
        "{sent}"
    );
    assert_eq!(
        texts(&b, "#state [data-node=\"gw\"] .arp-cache li"),
        ["(empty)"]
    );
    assert!(
        b.eval("return document.getElementById('prev').disabled")
            .expect("runs")
            == Json::Bool(true)
    );

    // After step 3 the gateway's cache holds pc1: it learned from the request.
    b.click("#next").expect("next");
    b.click("#next").expect("next");
    assert_eq!(counter(&b), "step 3 / 24");
    let gw = texts(&b, "#state [data-node=\"gw\"] .arp-cache li");
    assert_eq!(gw, ["192.168.1.2 → 02:00:00:00:00:01 (eth0)"]);
    assert!(
        texts(&b, "#topology .link.active").len() == 1,
        "one link carries the frame"
    );
    if let Some(path) = std::env::var_os("SIMNET_SCREENSHOT") {
        b.eval("window.scrollTo(0, 0); return null;")
            .expect("scrolls");
        let png = b.screenshot().expect("a screenshot");
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        std::fs::write(&path, png).expect("writes the screenshot");
    }

    // A field clicked lights up exactly its bytes: the Ethernet source is
    // bytes 6 to 11.
    let fields = texts(&b, "#layers .field .name");
    let source = fields
        .iter()
        .position(|f| f.starts_with("Source"))
        .expect("an Ethernet source field");
    b.eval(&format!(
        "document.querySelectorAll('#layers .field')[{source}].click(); return null;"
    ))
    .expect("clicks");
    let lit = b
        .eval("return Array.from(document.querySelectorAll('#hex .b.hl')).map(e => Number(e.dataset.off));")
        .expect("runs");
    let offsets: Vec<u64> = match lit {
        Json::Array(items) => items.iter().filter_map(Json::as_u64).collect(),
        other => panic!("{other:?}"),
    };
    assert_eq!(offsets, [6, 7, 8, 9, 10, 11]);

    // Keys: End is the last step, the second echo reply reaching pc1.
    b.press(END).expect("End");
    assert_eq!(counter(&b), "step 24 / 24");
    let last = texts(&b, "#event-list li.current");
    assert!(
        last.iter().any(|l| l.contains("pc1.eth0 <")
            && l.contains("ICMP echo reply")
            && l.contains("seq 2")),
        "{last:#?}"
    );
    assert!(
        b.eval("return document.getElementById('next').disabled")
            .expect("runs")
            == Json::Bool(true)
    );
    b.press(HOME).expect("Home");
    assert_eq!(counter(&b), "step 1 / 24");
    b.press(RIGHT).expect("→");
    assert_eq!(counter(&b), "step 2 / 24");

    // Clicking an event jumps to its step.
    b.eval("document.querySelectorAll('#event-list li')[12].click(); return null;")
        .expect("clicks");
    assert_eq!(counter(&b), "step 3 / 24");

    // The language toggle: the page speaks Chinese.
    b.click("#lang").expect("toggle");
    assert_eq!(counter(&b), "第 3 步 / 共 24 步");
    assert_eq!(b.text("#h-explain").expect("heading"), "这一步发生了什么");
    let said = b.text("#explain").expect("sentences");
    assert!(
        said.contains("单播，不是广播"),
        "the sentences are in Chinese too: {said}"
    );
    let layers = b.text("#layers").expect("layers");
    assert!(
        layers.contains("源"),
        "the fields are named in Chinese: {layers}"
    );
    let _ = std::fs::remove_file(page);
}

/// A DHCP host's lease appears in its tables once the ACK is in, and pc3's
/// goes when its lease expires behind the cut cable.
#[test]
fn the_dhcp_page_shows_each_lease_as_it_comes_and_goes() {
    if !chromium() {
        return;
    }
    let page = page_of("dhcp");
    let b = Browser::start(1400, 1000).expect("a headless chromium");
    b.open(&format!("file://{}", page.display()))
        .expect("opens");
    let lease =
        |b: &Browser, host: &str| texts(b, &format!("#state [data-node=\"{host}\"] .leases li"));
    assert_eq!(lease(&b, "pc1"), ["(empty)"], "step 1: no address yet");
    assert!(
        texts(&b, "#state [data-node=\"dhcpd\"] .leases li").is_empty(),
        "dhcpd has a fixed address"
    );
    // Forward until pc1 is bound.
    let mut steps = 0;
    while lease(&b, "pc1") == ["(empty)"] {
        b.press(RIGHT).expect("right");
        steps += 1;
        assert!(steps < 200, "pc1 never got its lease on the page");
    }
    assert_eq!(
        lease(&b, "pc1"),
        ["192.168.1.100/24 on eth0, router 192.168.1.1"]
    );
    // Jump to pc3's expiry (clicking its line in the event list): gone.
    b.eval(
        "Array.from(document.querySelectorAll('#event-list li'))\
         .find(li => li.textContent.includes('lease expired: 192.168.1.102 removed')).click(); return null;",
    )
    .expect("clicks the expiry");
    assert_eq!(lease(&b, "pc3"), ["(empty)"], "the lease expired");
    assert_eq!(
        lease(&b, "pc1"),
        ["192.168.1.100/24 on eth0, router 192.168.1.1"]
    );
    // At the end pc3 has its address again, and pc4 never got one.
    b.press(END).expect("End");
    assert_eq!(
        lease(&b, "pc3"),
        ["192.168.1.102/24 on eth0, router 192.168.1.1"]
    );
    assert_eq!(lease(&b, "pc4"), ["(empty)"]);
    let _ = std::fs::remove_file(&page);
}
