//! Classic pcap files, one per interface, with virtual timestamps.
//!
//! The format is libpcap's (as described in the IETF draft
//! "PCAP Capture File Format"): a 24-byte file header, then for each frame a
//! 16-byte record header and the frame bytes. We use the nanosecond variant
//! (magic `0xa1b23c4d`) so virtual time keeps its full precision, and
//! LINKTYPE_ETHERNET (1). Wireshark and tshark open these directly.
//!
//! Packets a node sends to itself (over its loopback interface, see
//! [`crate::trace::Note::Loopback`]) go to `NODE.lo.pcap`, made on the first
//! such packet, framed as Linux frames them on `lo`: an Ethernet header with
//! both addresses zero. A packet over 65521 bytes is captured cut to the
//! snap length, its record keeping the original length.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use super::event::{Note, Record, TraceSink, What};
use crate::stack::iface::{LOOPBACK_IFACE, LOOPBACK_NAME};
use crate::wire::ethernet::HEADER_LEN;

/// The nanosecond-resolution pcap magic number.
pub const MAGIC_NANOS: u32 = 0xa1b2_3c4d;
/// LINKTYPE_ETHERNET.
pub const LINKTYPE_ETHERNET: u32 = 1;
/// Largest frame we capture whole.
pub const SNAPLEN: u32 = 65_535;

/// The 24-byte pcap file header.
pub fn file_header() -> [u8; 24] {
    let mut h = [0u8; 24];
    h[0..4].copy_from_slice(&MAGIC_NANOS.to_le_bytes());
    h[4..6].copy_from_slice(&2u16.to_le_bytes()); // version 2.4
    h[6..8].copy_from_slice(&4u16.to_le_bytes());
    // thiszone and sigfigs stay zero.
    h[16..20].copy_from_slice(&SNAPLEN.to_le_bytes());
    h[20..24].copy_from_slice(&LINKTYPE_ETHERNET.to_le_bytes());
    h
}

/// The 16-byte record header of a `len`-byte frame captured at `nanos`.
pub fn record_header(nanos: u64, len: usize) -> [u8; 16] {
    record_header_cut(nanos, len, len)
}

/// The record header of a `len`-byte frame of which `captured` bytes follow.
fn record_header_cut(nanos: u64, captured: usize, len: usize) -> [u8; 16] {
    let mut h = [0u8; 16];
    let secs = u32::try_from(nanos / 1_000_000_000).unwrap_or(u32::MAX);
    let frac = (nanos % 1_000_000_000) as u32;
    let captured = u32::try_from(captured).unwrap_or(u32::MAX);
    let len = u32::try_from(len).unwrap_or(u32::MAX);
    h[0..4].copy_from_slice(&secs.to_le_bytes());
    h[4..8].copy_from_slice(&frac.to_le_bytes());
    h[8..12].copy_from_slice(&captured.to_le_bytes());
    h[12..16].copy_from_slice(&len.to_le_bytes());
    h
}

/// The Ethernet header Linux puts on packets on `lo`: both addresses zero,
/// type IPv4.
const LOOPBACK_HEADER: [u8; HEADER_LEN] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00];

/// Writes `DIR/NODE.IFACE.pcap` for every interface, frames in both directions.
pub struct PcapSink {
    dir: PathBuf,
    files: BTreeMap<(String, usize), BufWriter<File>>,
    error: Option<io::Error>,
}

impl PcapSink {
    /// Creates `dir` (and its parents) if needed; files are made by `begin`.
    pub fn create(dir: &Path) -> io::Result<PcapSink> {
        std::fs::create_dir_all(dir)?;
        Ok(PcapSink {
            dir: dir.to_path_buf(),
            files: BTreeMap::new(),
            error: None,
        })
    }

    /// The path of the file for `node`'s interface `iface`.
    pub fn path_for(dir: &Path, node: &str, iface: &str) -> PathBuf {
        dir.join(format!("{node}.{iface}.pcap"))
    }

    fn open(&self, node: &str, iface: &str) -> io::Result<BufWriter<File>> {
        let mut w = BufWriter::new(File::create(Self::path_for(&self.dir, node, iface))?);
        w.write_all(&file_header())?;
        Ok(w)
    }

    /// Appends `parts` to the file of `key`, if it is open; on an error the
    /// file is closed and the error kept.
    fn write(&mut self, key: (String, usize), parts: &[&[u8]]) {
        let Some(w) = self.files.get_mut(&key) else {
            return;
        };
        if let Err(e) = parts.iter().try_for_each(|part| w.write_all(part)) {
            self.error.get_or_insert(e);
            self.files.remove(&key);
        }
    }
}

impl TraceSink for PcapSink {
    fn begin(&mut self, nodes: &[(String, Vec<String>)]) {
        for (node, ifaces) in nodes {
            for (index, iface) in ifaces.iter().enumerate() {
                match self.open(node, iface) {
                    Ok(w) => {
                        self.files.insert((node.clone(), index), w);
                    }
                    Err(e) => {
                        self.error.get_or_insert(e);
                    }
                }
            }
        }
    }

    fn record(&mut self, record: &Record<'_>) {
        let nanos = record.time.as_nanos();
        match record.what {
            What::Frame { iface, bytes, .. } => {
                let key = (record.node.to_string(), iface);
                let header = record_header(nanos, bytes.len());
                self.write(key, &[&header, bytes]);
            }
            What::Note(Note::Loopback(packet)) => {
                let key = (record.node.to_string(), LOOPBACK_IFACE);
                // Made on the first packet; not again after an error closed it.
                if !self.files.contains_key(&key) && self.error.is_none() {
                    match self.open(record.node, LOOPBACK_NAME) {
                        Ok(w) => {
                            self.files.insert(key.clone(), w);
                        }
                        Err(e) => {
                            self.error.get_or_insert(e);
                            return;
                        }
                    }
                }
                let len = HEADER_LEN + packet.len();
                let captured = len.min(SNAPLEN as usize);
                let header = record_header_cut(nanos, captured, len);
                let body = &packet[..captured - HEADER_LEN];
                self.write(key, &[&header, &LOOPBACK_HEADER, body]);
            }
            _ => {}
        }
    }

    fn finish(&mut self) -> io::Result<()> {
        for w in self.files.values_mut() {
            w.flush()?;
        }
        // The first write error, kept until now so that no event is lost.
        self.error.take().map_or(Ok(()), Err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_little_endian_libpcap() {
        let h = file_header();
        assert_eq!(&h[..4], &[0x4d, 0x3c, 0xb2, 0xa1]);
        assert_eq!(&h[4..8], &[2, 0, 4, 0]);
        assert_eq!(&h[20..], &[1, 0, 0, 0]);
        let r = record_header(3_000_000_123, 60);
        assert_eq!(&r[..4], &3u32.to_le_bytes());
        assert_eq!(&r[4..8], &123u32.to_le_bytes());
        assert_eq!(&r[8..12], &60u32.to_le_bytes());
        assert_eq!(&r[12..], &60u32.to_le_bytes());
    }

    #[test]
    fn loopback_packets_go_to_a_lo_file_framed_as_linux_frames_them() {
        let dir = std::env::temp_dir().join(format!("simnet-{}-pcap-lo", std::process::id()));
        let mut sink = PcapSink::create(&dir).unwrap();
        let ifaces = vec!["eth0".to_string()];
        sink.begin(&[("pc1".to_string(), ifaces.clone())]);
        let packet = Note::Loopback(vec![0x45; 28]);
        sink.record(&Record {
            time: crate::sim::SimTime::from_secs(2),
            node: "pc1",
            ifaces: &ifaces,
            what: What::Note(&packet),
        });
        sink.finish().unwrap();
        let bytes = std::fs::read(PcapSink::path_for(&dir, "pc1", "lo")).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(&bytes[..24], &file_header());
        assert_eq!(&bytes[24..40], &record_header(2_000_000_000, 42));
        assert_eq!(&bytes[40..54], &LOOPBACK_HEADER);
        assert_eq!(&bytes[54..], &[0x45; 28]);
    }
}
