//! A minimal WebDriver client (W3C WebDriver, the protocol chromedriver
//! speaks) over HTTP/1.1 on std's `TcpStream`, for driving a real headless
//! Chromium from tests: no crates, loopback only.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::mini_json::{self, Json};

/// The key WebDriver sends for End (WebDriver's "special keys" table).
pub const END: &str = "\u{E010}";
/// Home.
pub const HOME: &str = "\u{E011}";
/// The right arrow.
pub const RIGHT: &str = "\u{E014}";

/// `s` as a JSON string literal.
pub fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 || (0xE000..0xF900).contains(&(c as u32)) => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A chromedriver process and one browser session; both end on drop.
pub struct Browser {
    driver: Child,
    port: u16,
    session: String,
    _profile: tempdir::Dir,
}

mod tempdir {
    /// A directory removed on drop.
    pub struct Dir(pub std::path::PathBuf);
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

fn http(port: u16, method: &str, path: &str, body: &str) -> Result<Json, String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("connect: {e}"))?;
    s.set_read_timeout(Some(Duration::from_secs(30))).ok();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(request.as_bytes())
        .map_err(|e| format!("send: {e}"))?;
    // Read the head, then exactly the body its length announces (the
    // driver may keep the connection open).
    let mut raw = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(at) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let n = s.read(&mut chunk).map_err(|e| format!("read: {e}"))?;
        if n == 0 {
            return Err("connection closed before the reply's head".into());
        }
        raw.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&raw[..head_end]).to_ascii_lowercase();
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok());
    let chunked = head.contains("transfer-encoding: chunked");
    loop {
        let have = raw.len() - head_end;
        let done = match length {
            Some(n) => have >= n,
            None if chunked => raw.ends_with(b"0\r\n\r\n"),
            None => false,
        };
        if done {
            break;
        }
        let n = s.read(&mut chunk).map_err(|e| format!("read: {e}"))?;
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&chunk[..n]);
    }
    let text = String::from_utf8_lossy(&raw[head_end..]).into_owned();
    let body = if chunked { dechunk(&text)? } else { text };
    let json = mini_json::parse(&body).map_err(|e| format!("{e}: {body}"))?;
    if let Some(error) = json.get("value").and_then(|v| v.get("error")) {
        return Err(format!("{method} {path}: {error:?}: {body}"));
    }
    Ok(json)
}

fn dechunk(mut body: &str) -> Result<String, String> {
    let mut out = String::new();
    loop {
        let (size, rest) = body.split_once("\r\n").ok_or("bad chunk")?;
        let n = usize::from_str_radix(size.trim(), 16).map_err(|e| e.to_string())?;
        if n == 0 {
            return Ok(out);
        }
        out.push_str(rest.get(..n).ok_or("short chunk")?);
        body = rest.get(n + 2..).ok_or("short chunk")?;
    }
}

/// Whether the browser and its driver are installed.
pub fn available() -> bool {
    Path::new("/usr/bin/chromium").exists() && Path::new("/usr/bin/chromedriver").exists()
}

impl Browser {
    /// Starts chromedriver on a free loopback port and opens a headless
    /// Chromium session of `width` × `height`.
    pub fn start(width: u32, height: u32) -> Result<Browser, String> {
        let port = {
            let l = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
            l.local_addr().map_err(|e| e.to_string())?.port()
        };
        let driver = Command::new("/usr/bin/chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("chromedriver: {e}"))?;
        let profile =
            std::env::temp_dir().join(format!("simnet-chromium-{}-{port}", std::process::id()));
        let mut browser = Browser {
            driver,
            port,
            session: String::new(),
            _profile: tempdir::Dir(profile.clone()),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while http(port, "GET", "/status", "").is_err() {
            if Instant::now() > deadline {
                return Err("chromedriver did not start".into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let caps = format!(
            r#"{{"capabilities":{{"alwaysMatch":{{"browserName":"chrome","goog:chromeOptions":{{"binary":"/usr/bin/chromium","args":["--headless=new","--no-sandbox","--disable-gpu","--disable-dev-shm-usage","--window-size={width},{height}","--user-data-dir={}"]}}}}}}}}"#,
            profile.display()
        );
        let reply = http(port, "POST", "/session", &caps)?;
        browser.session = reply
            .get("value")
            .and_then(|v| v.get("sessionId"))
            .and_then(Json::as_str)
            .ok_or("no session id")?
            .to_string();
        Ok(browser)
    }

    fn call(&self, method: &str, path: &str, body: &str) -> Result<Json, String> {
        http(
            self.port,
            method,
            &format!("/session/{}{path}", self.session),
            body,
        )
    }

    /// Opens `url`.
    pub fn open(&self, url: &str) -> Result<(), String> {
        self.call("POST", "/url", &format!(r#"{{"url":{}}}"#, quote(url)))
            .map(drop)
    }

    /// Runs `script` (a function body; `return` gives the result) in the
    /// page and returns what it returned.
    pub fn eval(&self, script: &str) -> Result<Json, String> {
        let reply = self.call(
            "POST",
            "/execute/sync",
            &format!(r#"{{"script":{},"args":[]}}"#, quote(script)),
        )?;
        reply.get("value").cloned().ok_or_else(|| "no value".into())
    }

    /// The text of the first element matching `css`.
    pub fn text(&self, css: &str) -> Result<String, String> {
        let id = self.find(css)?;
        let reply = self.call("GET", &format!("/element/{id}/text"), "")?;
        Ok(reply
            .get("value")
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_string())
    }

    /// The WebDriver id of the first element matching `css`.
    pub fn find(&self, css: &str) -> Result<String, String> {
        let reply = self.call(
            "POST",
            "/element",
            &format!(r#"{{"using":"css selector","value":{}}}"#, quote(css)),
        )?;
        let value = reply.get("value").ok_or("no value")?;
        match value {
            Json::Object(members) => members
                .first()
                .and_then(|(_, v)| v.as_str())
                .map(str::to_string)
                .ok_or_else(|| format!("no element id for {css}")),
            _ => Err(format!("no element {css}")),
        }
    }

    /// Clicks the first element matching `css`, as a user would.
    pub fn click(&self, css: &str) -> Result<(), String> {
        let id = self.find(css)?;
        self.call("POST", &format!("/element/{id}/click"), "{}")
            .map(drop)
    }

    /// Presses and releases `key` (a character or one of the key consts).
    pub fn press(&self, key: &str) -> Result<(), String> {
        let k = quote(key);
        let body = format!(
            r#"{{"actions":[{{"type":"key","id":"keyboard","actions":[{{"type":"keyDown","value":{k}}},{{"type":"keyUp","value":{k}}}]}}]}}"#
        );
        self.call("POST", "/actions", &body).map(drop)
    }

    /// A PNG screenshot of the window.
    pub fn screenshot(&self) -> Result<Vec<u8>, String> {
        let reply = self.call("GET", "/screenshot", "")?;
        let b64 = reply
            .get("value")
            .and_then(Json::as_str)
            .ok_or("no screenshot")?;
        base64(b64)
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self.call("DELETE", "", "");
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Decodes standard base64 (RFC 4648 §4).
pub fn base64(text: &str) -> Result<Vec<u8>, String> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for c in text
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
    {
        acc = (acc << 6) | u32::from(value(c).ok_or("bad base64")?);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Ok(out)
}
