//! The segments one turn of a TCP connection emits, kept until they are
//! sent: headers in one list, payloads end to end in one byte buffer. The
//! buffers are reused from turn to turn, so collecting a segment allocates
//! nothing once they have grown to a turn's size (a `Vec` per segment did).

use std::ops::Range;

use crate::wire::TcpRepr;

/// Segments waiting to be sent, in the order they were pushed.
#[derive(Debug, Default)]
pub struct Segments {
    headers: Vec<(TcpRepr, Range<usize>)>,
    payloads: Vec<u8>,
}

impl Segments {
    /// Adds a segment, copying its payload.
    pub fn push(&mut self, repr: &TcpRepr, payload: &[u8]) {
        let start = self.payloads.len();
        self.payloads.extend_from_slice(payload);
        self.headers.push((*repr, start..self.payloads.len()));
    }

    /// The segments, in order, with their payloads.
    pub fn iter(&self) -> impl Iterator<Item = (&TcpRepr, &[u8])> + '_ {
        self.headers
            .iter()
            .map(|(repr, bytes)| (repr, self.payloads.get(bytes.clone()).unwrap_or_default()))
    }

    /// Forgets every segment, keeping the room.
    pub fn clear(&mut self) {
        self.headers.clear();
        self.payloads.clear();
    }

    /// Whether no segment is waiting.
    pub fn is_empty(&self) -> bool {
        self.headers.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_segments_in_order_with_their_payloads() {
        let mut segs = Segments::default();
        let a = TcpRepr {
            src_port: 1,
            ..TcpRepr::default()
        };
        let b = TcpRepr {
            src_port: 2,
            ..TcpRepr::default()
        };
        segs.push(&a, b"hello");
        segs.push(&b, b"");
        segs.push(&a, b"world");
        let got: Vec<(u16, &[u8])> = segs.iter().map(|(r, p)| (r.src_port, p)).collect();
        assert_eq!(got, [(1, &b"hello"[..]), (2, &b""[..]), (1, &b"world"[..])]);
        segs.clear();
        assert!(segs.is_empty());
        assert_eq!(segs.iter().count(), 0);
    }
}
