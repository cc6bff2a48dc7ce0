//! The segments one turn of a TCP connection emits, kept until they are
//! sent. Each is written straight into the frame that will carry it (after
//! room for the Ethernet and IPv4 headers, which go in when it is sent):
//! its payload is copied once, from the send queue into the frame, rather
//! than into a buffer of its own first. The frames come from the outbox's
//! pool and the list is reused from turn to turn, so collecting a segment
//! allocates nothing once a run is under way.

use std::net::Ipv4Addr;

use super::ip_output::framed;
use crate::sim::Outbox;
use crate::wire::TcpRepr;

/// The segment `repr` (its `payload_len` taken from `payload`) from `src`
/// to `dst`, checksum and all, in a frame from `out`'s pool after room for
/// the Ethernet and IPv4 headers (see [`framed`]): the frame, and the
/// length of the segment in it.
pub(super) fn frame_segment(
    repr: &TcpRepr,
    payload: &[u8],
    src: Ipv4Addr,
    dst: Ipv4Addr,
    out: &mut Outbox,
) -> (Vec<u8>, usize) {
    let repr = TcpRepr {
        payload_len: payload.len(),
        ..*repr
    };
    let frame = framed(out, repr.header_len(), payload, |buf| {
        repr.emit(buf, src, dst);
    });
    (frame, repr.buffer_len())
}

/// Segments waiting to be sent, in the order they were pushed.
#[derive(Debug, Default)]
pub struct Segments {
    /// Each frame, and the length of the TCP segment in it.
    frames: Vec<(Vec<u8>, usize)>,
}

impl Segments {
    /// Adds the segment `repr` (its `payload_len` is taken from `payload`)
    /// from `src` to `dst`, checksum and all, in a frame from `out`'s pool.
    pub fn push(
        &mut self,
        repr: &TcpRepr,
        payload: &[u8],
        src: Ipv4Addr,
        dst: Ipv4Addr,
        out: &mut Outbox,
    ) {
        self.frames
            .push(frame_segment(repr, payload, src, dst, out));
    }

    /// Takes the segments out, in order: each frame with the length of
    /// the segment in it. The list keeps its room.
    pub fn drain(&mut self) -> impl Iterator<Item = (Vec<u8>, usize)> + '_ {
        self.frames.drain(..)
    }

    /// Whether no segment is waiting.
    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::tcp::TcpPacket;

    #[test]
    fn keeps_segments_in_order_in_their_frames() {
        let (src, dst) = (Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(10, 0, 0, 2));
        let mut out = Outbox::new(false);
        let mut segs = Segments::default();
        let a = TcpRepr {
            src_port: 1,
            ..TcpRepr::default()
        };
        let b = TcpRepr {
            src_port: 2,
            ..TcpRepr::default()
        };
        segs.push(&a, b"hello", src, dst, &mut out);
        segs.push(&b, b"", src, dst, &mut out);
        let long = [7u8; 100];
        segs.push(&a, &long, src, dst, &mut out);
        let got: Vec<(u16, Vec<u8>, usize)> = segs
            .drain()
            .map(|(frame, len)| {
                // Ethernet (14) and IPv4 (20) headers' room, then the segment.
                let tcp = TcpPacket::new_checked(&frame[34..34 + len]).unwrap();
                let repr = TcpRepr::parse(&tcp, src, dst).expect("a valid checksum");
                (repr.src_port, tcp.payload().to_vec(), frame.len())
            })
            .collect();
        // Short ones padded to the least Ethernet frame, 60 bytes.
        assert_eq!(
            got,
            [
                (1, b"hello".to_vec(), 60),
                (2, Vec::new(), 60),
                (1, long.to_vec(), 34 + 20 + 100),
            ]
        );
        assert!(segs.is_empty());
    }
}
