//! Reassembly of fragmented DTLS ClientHellos within one global byte budget.
//!
//! Post-quantum key shares make a DTLS 1.3 ClientHello larger than one datagram, and its
//! version and cookie live in the extensions, after the first fragment. Deciding needs the
//! whole message, so the listener keeps fragments — but only in one arena whose size the
//! operator sets, shared by all peers, with the oldest message evicted first. This is the
//! only per-client state the gate ever holds, and it is bounded by the budget, not by the
//! number of clients.

use alloc::vec;
use alloc::vec::Vec;
use core::net::SocketAddr;

use hellogate_codec::DtlsHandshake;

/// Most fragment ranges one message may arrive in before it is given up on.
const MAX_RANGES: usize = 8;
/// DTLS handshake header length, written in front of each reassembled body.
const HEADER: usize = 12;

#[derive(Clone, Copy, Debug)]
struct Slot {
    peer: SocketAddr,
    message_seq: u16,
    length: u32,
    msg_type: u8,
    /// Arena offset of the 12-byte header, then the body.
    start: usize,
    /// Received body ranges, sorted and disjoint.
    ranges: [(u32, u32); MAX_RANGES],
    n_ranges: usize,
    /// Datagram bytes that brought this message's fragments: its amplification budget.
    input_bytes: usize,
    /// Insertion order, for oldest-first eviction.
    age: u64,
    live: bool,
}

/// The reassembly arena: a byte budget and a bounded slot table, allocated once.
#[derive(Debug)]
pub struct Reassembly {
    arena: Vec<u8>,
    slots: Vec<Slot>,
    head: usize,
    clock: u64,
    /// A slot handed out as complete; freed at the next call.
    handed_out: Option<usize>,
}

/// What [`Reassembly::insert`] made of a fragment.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Inserted<'a> {
    /// Kept; the message is not complete yet.
    Pending,
    /// The message is complete: the unfragmented handshake message (12-byte header, body)
    /// and the datagram bytes that brought it.
    Complete(&'a [u8], usize),
    /// The message is larger than the whole budget, or arrived in too many pieces.
    TooBig,
}

impl Reassembly {
    /// An arena of `budget` bytes holding at most `max_messages` messages at once.
    /// A budget of 0 turns reassembly off.
    pub fn new(budget: usize, max_messages: usize) -> Self {
        let empty = Slot {
            peer: SocketAddr::from(([0, 0, 0, 0], 0)),
            message_seq: 0,
            length: 0,
            msg_type: 0,
            start: 0,
            ranges: [(0, 0); MAX_RANGES],
            n_ranges: 0,
            input_bytes: 0,
            age: 0,
            live: false,
        };
        Self {
            arena: vec![0; budget],
            slots: vec![empty; max_messages.max(1)],
            head: 0,
            clock: 0,
            handed_out: None,
        }
    }

    /// The byte budget.
    pub fn budget(&self) -> usize {
        self.arena.len()
    }

    /// Messages being reassembled.
    pub fn in_progress(&self) -> usize {
        self.slots.iter().filter(|s| s.live).count()
    }

    /// Adds one fragment from `peer` whose datagram was `datagram_len` bytes.
    pub(crate) fn insert(
        &mut self,
        peer: SocketAddr,
        hs: &DtlsHandshake<'_>,
        datagram_len: usize,
    ) -> Inserted<'_> {
        if let Some(i) = self.handed_out.take() {
            if let Some(s) = self.slots.get_mut(i) {
                s.live = false;
            }
        }
        let total = HEADER + hs.length as usize;
        if total > self.arena.len() {
            return Inserted::TooBig;
        }
        let found = self.slots.iter().position(|s| {
            s.live
                && s.peer == peer
                && s.message_seq == hs.message_seq
                && s.length == hs.length
                && s.msg_type == hs.msg_type.0
        });
        let i = match found {
            Some(i) => i,
            None => match self.allocate(peer, hs, total) {
                Some(i) => i,
                None => return Inserted::TooBig,
            },
        };
        let Some(slot) = self.slots.get_mut(i) else {
            return Inserted::TooBig;
        };
        let from = hs.fragment_offset;
        let to = from + hs.fragment_length;
        let dst = slot.start + HEADER + from as usize;
        if let Some(d) = self.arena.get_mut(dst..dst + hs.fragment.len()) {
            d.copy_from_slice(hs.fragment);
        }
        slot.input_bytes += datagram_len;
        if !add_range(slot, from, to) {
            slot.live = false;
            return Inserted::TooBig;
        }
        if slot.n_ranges == 1 && slot.ranges[0] == (0, slot.length) {
            let (start, input) = (slot.start, slot.input_bytes);
            self.handed_out = Some(i);
            return match self.arena.get(start..start + total) {
                Some(msg) => Inserted::Complete(msg, input),
                None => Inserted::TooBig,
            };
        }
        Inserted::Pending
    }

    /// Finds room for a new message of `total` bytes, evicting the oldest messages whose
    /// bytes it needs; writes the unfragmented header.
    fn allocate(
        &mut self,
        peer: SocketAddr,
        hs: &DtlsHandshake<'_>,
        total: usize,
    ) -> Option<usize> {
        if self.head + total > self.arena.len() {
            self.head = 0;
        }
        let (lo, hi) = (self.head, self.head + total);
        for s in self.slots.iter_mut().filter(|s| s.live) {
            let (s_lo, s_hi) = (s.start, s.start + HEADER + s.length as usize);
            if s_lo < hi && lo < s_hi {
                s.live = false; // evicted: its bytes are needed, and it is older
            }
        }
        // A free slot, or else the oldest one.
        let i = match self.slots.iter().position(|s| !s.live) {
            Some(i) => i,
            None => self
                .slots
                .iter()
                .enumerate()
                .min_by_key(|(_, s)| s.age)
                .map(|(i, _)| i)?,
        };
        self.clock += 1;
        let slot = self.slots.get_mut(i)?;
        *slot = Slot {
            peer,
            message_seq: hs.message_seq,
            length: hs.length,
            msg_type: hs.msg_type.0,
            start: lo,
            ranges: [(0, 0); MAX_RANGES],
            n_ranges: 0,
            input_bytes: 0,
            age: self.clock,
            live: true,
        };
        let len = hs.length.to_be_bytes();
        let seq = hs.message_seq.to_be_bytes();
        let header = [
            hs.msg_type.0,
            len[1],
            len[2],
            len[3],
            seq[0],
            seq[1],
            0,
            0,
            0,
            len[1],
            len[2],
            len[3],
        ];
        self.arena
            .get_mut(lo..lo + HEADER)?
            .copy_from_slice(&header);
        self.head = hi;
        Some(i)
    }
}

/// Merges `[from, to)` into the slot's sorted, disjoint ranges; false when there is no room.
fn add_range(slot: &mut Slot, from: u32, to: u32) -> bool {
    if from >= to {
        return true;
    }
    let mut merged = (from, to);
    let mut out = [(0u32, 0u32); MAX_RANGES];
    let mut n = 0;
    let mut placed = false;
    for &(a, b) in slot.ranges.iter().take(slot.n_ranges) {
        if b < merged.0 {
            if n >= MAX_RANGES {
                return false;
            }
            out[n] = (a, b);
            n += 1;
        } else if a > merged.1 {
            if !placed {
                if n >= MAX_RANGES {
                    return false;
                }
                out[n] = merged;
                n += 1;
                placed = true;
            }
            if n >= MAX_RANGES {
                return false;
            }
            out[n] = (a, b);
            n += 1;
        } else {
            merged = (merged.0.min(a), merged.1.max(b));
        }
    }
    if !placed {
        if n >= MAX_RANGES {
            return false;
        }
        out[n] = merged;
        n += 1;
    }
    slot.ranges = out;
    slot.n_ranges = n;
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use hellogate_codec::HandshakeType;

    fn frag(seq: u16, length: u32, offset: u32, bytes: &[u8]) -> DtlsHandshake<'_> {
        DtlsHandshake {
            msg_type: HandshakeType::CLIENT_HELLO,
            length,
            message_seq: seq,
            fragment_offset: offset,
            fragment_length: bytes.len() as u32,
            fragment: bytes,
        }
    }

    fn peer(port: u16) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], port))
    }

    #[test]
    fn out_of_order_fragments_complete_the_message() {
        let mut r = Reassembly::new(1000, 4);
        assert_eq!(
            r.insert(peer(1), &frag(0, 6, 3, b"def"), 50),
            Inserted::Pending
        );
        match r.insert(peer(1), &frag(0, 6, 0, b"abc"), 60) {
            Inserted::Complete(msg, input) => {
                assert_eq!(&msg[12..], b"abcdef");
                assert_eq!(&msg[..12], &[1, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0, 6]);
                assert_eq!(input, 110);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn peers_do_not_mix_and_the_oldest_is_evicted_first() {
        // Room for two 12+20-byte messages only.
        let mut r = Reassembly::new(64, 8);
        assert_eq!(
            r.insert(peer(1), &frag(0, 20, 0, &[1; 10]), 30),
            Inserted::Pending
        );
        assert_eq!(
            r.insert(peer(2), &frag(0, 20, 0, &[2; 10]), 30),
            Inserted::Pending
        );
        // A third message needs the first one's bytes: peer 1 is evicted.
        assert_eq!(
            r.insert(peer(3), &frag(0, 20, 0, &[3; 10]), 30),
            Inserted::Pending
        );
        assert_eq!(r.in_progress(), 2);
        // Peer 2's second half completes it, untouched by peer 3.
        match r.insert(peer(2), &frag(0, 20, 10, &[2; 10]), 30) {
            Inserted::Complete(msg, _) => assert_eq!(&msg[12..], &[2; 20]),
            other => panic!("{other:?}"),
        }
        // Peer 1's second half starts over: its first half was evicted.
        assert_eq!(
            r.insert(peer(1), &frag(0, 20, 10, &[1; 10]), 30),
            Inserted::Pending
        );
    }

    #[test]
    fn a_message_larger_than_the_budget_is_refused() {
        let mut r = Reassembly::new(100, 2);
        assert_eq!(
            r.insert(peer(1), &frag(0, 200, 0, &[0; 10]), 30),
            Inserted::TooBig
        );
        let mut off = Reassembly::new(0, 1);
        assert_eq!(
            off.insert(peer(1), &frag(0, 2, 0, &[0; 1]), 30),
            Inserted::TooBig
        );
    }

    #[test]
    fn too_many_holes_give_up() {
        let mut r = Reassembly::new(1000, 2);
        let bytes = [0u8; 1];
        for k in 0..MAX_RANGES as u32 {
            assert_eq!(
                r.insert(peer(1), &frag(0, 100, k * 2, &bytes), 10),
                Inserted::Pending
            );
        }
        assert_eq!(
            r.insert(peer(1), &frag(0, 100, 50, &bytes), 10),
            Inserted::TooBig
        );
    }
}
