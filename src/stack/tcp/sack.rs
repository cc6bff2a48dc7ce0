//! The sender's SACK scoreboard and RFC 6675's rules over it: which bytes
//! the peer holds beyond SND.UNA, which are deemed lost (`IsLost`), how much
//! is still in the network (`SetPipe`), and what to send next (`NextSeg`).
//!
//! The scoreboard keeps byte ranges, not segments: a range is what one or
//! more SACK blocks covered. RFC 6675 counts segments for `IsLost` ("DupThresh
//! discontiguous SACKed sequences, or more than (DupThresh - 1) * SMSS bytes
//! SACKed above"); ranges stand in for the discontiguous sequences.

use super::SeqNum;

/// RFC 6675's DupThresh (RFC 5681 §3.2: three duplicate ACKs).
pub(super) const DUP_THRESH: u32 = 3;

/// What the peer has SACKed, and the progress of SACK-based recovery.
#[derive(Clone, Debug, Default)]
pub(super) struct Scoreboard {
    /// SACKed ranges `[left, right)` above SND.UNA: sorted, disjoint, never
    /// touching.
    ranges: Vec<(SeqNum, SeqNum)>,
    /// HighRxt (RFC 6675 §2): one past the highest byte retransmitted in
    /// this recovery.
    pub(super) high_rxt: SeqNum,
    /// Bytes below this are deemed lost even without SACK evidence: the head
    /// segment, when recovery starts on three duplicate ACKs (RFC 6675
    /// §5 (4.3)).
    pub(super) lost_floor: SeqNum,
    /// The holes retransmitted in this recovery, each with SND.MAX when it
    /// was resent: data sent after the retransmission that arrives first
    /// shows that the retransmission was lost too (see
    /// [`Scoreboard::lost_retransmissions`]).
    resent: Vec<(SeqNum, SeqNum)>,
}

impl Scoreboard {
    /// Record the SACK blocks of an ACK, clipped to `[snd_una, snd_max)`;
    /// blocks below SND.UNA (D-SACK, RFC 2883) or beyond what was sent are
    /// ignored. Returns whether any byte not SACKed before is now (RFC
    /// 6675 §2's definition of a duplicate acknowledgment).
    pub(super) fn update(
        &mut self,
        blocks: &[(u32, u32)],
        snd_una: SeqNum,
        snd_max: SeqNum,
    ) -> bool {
        let before = self.sacked_bytes();
        for &(left, right) in blocks {
            let (left, right) = (SeqNum(left), SeqNum(right));
            if !left.lt(right) || right.le(snd_una) || right.gt(snd_max) {
                continue;
            }
            self.insert(left.max(snd_una), right);
        }
        self.sacked_bytes() > before
    }

    /// Add `[left, right)`, merging it with the ranges it overlaps or
    /// touches.
    fn insert(&mut self, mut left: SeqNum, mut right: SeqNum) {
        let mut kept = Vec::with_capacity(self.ranges.len() + 1);
        let mut placed = false;
        for &(l, r) in &self.ranges {
            if r.lt(left) {
                kept.push((l, r));
            } else if right.lt(l) {
                if !placed {
                    kept.push((left, right));
                    placed = true;
                }
                kept.push((l, r));
            } else {
                left = left.min(l);
                right = right.max(r);
            }
        }
        if !placed {
            kept.push((left, right));
        }
        self.ranges = kept;
    }

    /// The hole at `seq` was resent while data was sent up to `snd_max`.
    pub(super) fn note_resent(&mut self, seq: SeqNum, snd_max: SeqNum) {
        self.resent.retain(|&(s, _)| s != seq);
        self.resent.push((seq, snd_max));
    }

    /// Retransmissions that were lost as well, by the rule Linux used
    /// before RACK (`tcp_mark_lost_retrans`; RFC 8985 generalises it): a
    /// hole resent when data was sent up to M, still neither acknowledged
    /// nor SACKed, while more than (DupThresh - 1) × SMSS bytes beyond M
    /// are SACKed, so data sent after the retransmission overtook it. Each
    /// is forgotten (its next retransmission is noted anew), HighRxt moves
    /// back to the first, so that `NextSeg` resends them; returns their
    /// sequence numbers. RFC 6675 alone would wait for the timeout.
    pub(super) fn lost_retransmissions(&mut self, snd_una: SeqNum, mss: u32) -> Vec<SeqNum> {
        let mut lost = Vec::new();
        let ranges = &self.ranges;
        let sacked_beyond = |mark: SeqNum| {
            ranges
                .iter()
                .map(|&(l, r)| if r.gt(mark) { r.since(l.max(mark)) } else { 0 })
                .sum::<u32>()
        };
        let covered = |seq: SeqNum| ranges.iter().any(|&(l, r)| l.le(seq) && seq.lt(r));
        self.resent.retain(|&(seq, mark)| {
            if seq.lt(snd_una) || covered(seq) {
                return false; // delivered after all
            }
            if sacked_beyond(mark) > (DUP_THRESH - 1) * mss {
                lost.push(seq);
                return false;
            }
            true
        });
        if let Some(&first) = lost.iter().min_by_key(|s| s.since(snd_una)) {
            self.high_rxt = self.high_rxt.min(first);
        }
        lost
    }

    /// SND.UNA moved to `snd_una`: forget what it covers.
    pub(super) fn ack(&mut self, snd_una: SeqNum) {
        self.ranges.retain(|&(_, r)| r.gt(snd_una));
        if let Some(first) = self.ranges.first_mut() {
            first.0 = first.0.max(snd_una);
        }
    }

    /// Forget everything (the connection is gone).
    pub(super) fn clear(&mut self) {
        self.ranges.clear();
        self.resent.clear();
    }

    /// Whether no hole has been resent in this recovery yet.
    pub(super) fn nothing_resent(&self) -> bool {
        self.resent.is_empty()
    }

    /// Recovery starts: no hole has been resent in it yet.
    pub(super) fn start_recovery(&mut self) {
        self.resent.clear();
    }

    /// How many separate ranges are SACKed.
    pub(super) fn range_count(&self) -> usize {
        self.ranges.len()
    }

    /// Bytes SACKed in all.
    pub(super) fn sacked_bytes(&self) -> u32 {
        self.ranges.iter().map(|&(l, r)| r.since(l)).sum()
    }

    /// One past the highest SACKed byte (RFC 6675's HighACK… HighData
    /// bound for rule 3 of `NextSeg`).
    pub(super) fn highest(&self) -> Option<SeqNum> {
        self.ranges.last().map(|&(_, r)| r)
    }

    /// Bytes SACKed within `[from, to)`.
    fn sacked_within(&self, from: SeqNum, to: SeqNum) -> u32 {
        self.ranges
            .iter()
            .map(|&(l, r)| {
                let (l, r) = (l.max(from), r.min(to));
                if l.lt(r) {
                    r.since(l)
                } else {
                    0
                }
            })
            .sum()
    }

    /// Everything below this and not SACKed is lost (RFC 6675 §4,
    /// `IsLost`): walking down from the highest range, the left edge of
    /// the one that brings the SACKed bytes above to more than
    /// (DupThresh - 1) × SMSS, or the ranges to DupThresh; at least
    /// `lost_floor`; `snd_una` when nothing is lost.
    pub(super) fn lost_boundary(&self, mss: u32, snd_una: SeqNum) -> SeqNum {
        let mut bytes = 0u32;
        let mut boundary = snd_una;
        for (count, &(l, r)) in self.ranges.iter().rev().enumerate() {
            bytes = bytes.saturating_add(r.since(l));
            if bytes > (DUP_THRESH - 1) * mss || count + 1 >= DUP_THRESH as usize {
                boundary = l;
                break;
            }
        }
        boundary.max(self.lost_floor).max(snd_una)
    }

    /// RFC 6675's `SetPipe`: the bytes of `[snd_una, snd_max)` still in the
    /// network. Each byte not SACKed counts once unless it is lost (below
    /// `lost`), and once more if it was retransmitted (below HighRxt).
    pub(super) fn pipe(&self, snd_una: SeqNum, snd_max: SeqNum, lost: SeqNum) -> u32 {
        let lost = lost.min(snd_max).max(snd_una);
        let not_lost = snd_max.since(lost) - self.sacked_within(lost, snd_max);
        let rxt_end = self.high_rxt.min(snd_max).max(snd_una);
        let retransmitted = rxt_end.since(snd_una) - self.sacked_within(snd_una, rxt_end);
        not_lost + retransmitted
    }

    /// The first byte at or after `from` that is not SACKed, and how many
    /// bytes from it are not SACKed before the next range (`u32::MAX` when
    /// no range follows).
    pub(super) fn next_hole(&self, from: SeqNum) -> (SeqNum, u32) {
        let mut at = from;
        for &(l, r) in &self.ranges {
            if r.le(at) {
                continue;
            }
            if l.le(at) {
                at = r;
                continue;
            }
            return (at, l.since(at));
        }
        (at, u32::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn board(ranges: &[(u32, u32)]) -> Scoreboard {
        let mut b = Scoreboard::default();
        b.update(ranges, SeqNum(1000), SeqNum(100_000));
        b
    }

    #[test]
    fn merges_and_clips_blocks() {
        let mut b = board(&[(3000, 4000), (5000, 6000)]);
        assert_eq!(
            b.ranges,
            [(SeqNum(3000), SeqNum(4000)), (SeqNum(5000), SeqNum(6000))]
        );
        // Touching and overlapping blocks merge; old news adds nothing.
        assert!(b.update(&[(4000, 5000)], SeqNum(1000), SeqNum(100_000)));
        assert_eq!(b.ranges, [(SeqNum(3000), SeqNum(6000))]);
        assert!(!b.update(&[(3500, 5500)], SeqNum(1000), SeqNum(100_000)));
        // D-SACK below SND.UNA, beyond SND.MAX, or empty: ignored.
        assert!(!b.update(
            &[(500, 900), (90_000, 200_000), (7000, 7000)],
            SeqNum(1000),
            SeqNum(100_000)
        ));
        assert_eq!(b.sacked_bytes(), 3000);
        b.ack(SeqNum(4000));
        assert_eq!(b.ranges, [(SeqNum(4000), SeqNum(6000))]);
        b.ack(SeqNum(6000));
        assert_eq!(b.range_count(), 0);
    }

    #[test]
    fn is_lost_needs_three_segments_or_ranges_above() {
        let mss = 1000;
        // Two segments SACKed above the hole: not yet lost.
        let b = board(&[(2000, 4000)]);
        assert_eq!(b.lost_boundary(mss, SeqNum(1000)), SeqNum(1000));
        // Three: everything below them is lost.
        let b = board(&[(2000, 5000)]);
        assert_eq!(b.lost_boundary(mss, SeqNum(1000)), SeqNum(2000));
        // Three separate ranges of one segment each count as well.
        let b = board(&[(2000, 2100), (3000, 3100), (4000, 4100)]);
        assert_eq!(b.lost_boundary(mss, SeqNum(1000)), SeqNum(2000));
        // The boundary is the range where the count is reached, from the top.
        let b = board(&[(2000, 3000), (4000, 8000)]);
        assert_eq!(b.lost_boundary(mss, SeqNum(1000)), SeqNum(4000));
    }

    #[test]
    fn pipe_counts_what_is_still_in_the_network() {
        // 1000..11000 sent; 3000..6000 SACKed, so 1000..3000 is lost.
        let mut b = board(&[(3000, 6000)]);
        let lost = b.lost_boundary(1000, SeqNum(1000));
        assert_eq!(lost, SeqNum(3000));
        // 6000..11000 in flight; the lost 2000 bytes are not.
        assert_eq!(b.pipe(SeqNum(1000), SeqNum(11_000), lost), 5000);
        // Retransmitting 1000..2000 puts it back in the network.
        b.high_rxt = SeqNum(2000);
        assert_eq!(b.pipe(SeqNum(1000), SeqNum(11_000), lost), 6000);
        // A retransmission of a byte not deemed lost counts twice: the
        // original may still be on its way.
        b.high_rxt = SeqNum(7000);
        assert_eq!(
            b.pipe(SeqNum(1000), SeqNum(11_000), lost),
            5000 + 2000 + 1000
        );
    }

    #[test]
    fn a_retransmission_overtaken_by_later_data_is_lost() {
        // 1000..2000 was lost and resent when data was sent up to 10_000.
        let mut b = board(&[(2000, 10_000)]);
        b.high_rxt = SeqNum(2000);
        b.note_resent(SeqNum(1000), SeqNum(10_000));
        // Two segments sent after it arrive: not yet evidence.
        b.update(&[(10_000, 12_000)], SeqNum(1000), SeqNum(20_000));
        assert!(b.lost_retransmissions(SeqNum(1000), 1000).is_empty());
        // A third: the retransmission was lost, and is due again.
        b.update(&[(12_000, 13_000)], SeqNum(1000), SeqNum(20_000));
        assert_eq!(b.lost_retransmissions(SeqNum(1000), 1000), [SeqNum(1000)]);
        assert_eq!(b.high_rxt, SeqNum(1000));
        // Reported once: the next retransmission is noted anew.
        assert!(b.lost_retransmissions(SeqNum(1000), 1000).is_empty());
        // One that was delivered (ACKed) is simply forgotten.
        b.note_resent(SeqNum(1000), SeqNum(20_000));
        b.update(&[(20_000, 30_000)], SeqNum(1000), SeqNum(30_000));
        assert!(b.lost_retransmissions(SeqNum(2000), 1000).is_empty());
    }

    #[test]
    fn next_hole_skips_sacked_ranges() {
        let b = board(&[(3000, 4000), (5000, 6000)]);
        assert_eq!(b.next_hole(SeqNum(1000)), (SeqNum(1000), 2000));
        assert_eq!(b.next_hole(SeqNum(3500)), (SeqNum(4000), 1000));
        assert_eq!(b.next_hole(SeqNum(5000)), (SeqNum(6000), u32::MAX));
        assert_eq!(b.highest(), Some(SeqNum(6000)));
    }
}
