//! Shared helpers for the machine's tests.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::time::Duration;

use hellogate_codec::{
    ClientHello, DtlsHandshake, DtlsRecords, ExtensionType, Flavor, Framing, Handshake,
    HelloVerifyRequest, ServerHello, TlsRecord,
};
use hellogate_cookie::KeyRing;
use hellogate_machine::{Config, Decision, Listener, MAX_OUTPUT_LEN, StreamGate};

pub const SECRET: [u8; 32] = [0x42; 32];
pub const NOW: Duration = Duration::from_secs(1_700_000_000);

pub fn peer() -> SocketAddr {
    "127.0.0.1:40000".parse().unwrap()
}

pub fn listener(config: Config) -> Listener {
    let ring = KeyRing::from_master_secret(&SECRET, Duration::from_secs(3600)).unwrap();
    Listener::new(config, ring).unwrap()
}

pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Feeds all of `input` to a gate, re-feeding after replies; returns the non-NeedMore
/// decisions as descriptions, and the reply bytes of each.
pub fn feed_all(l: &Listener, gate: &mut StreamGate, input: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut rest = input;
    let mut seen = Vec::new();
    while !rest.is_empty() {
        let mut out = [0u8; MAX_OUTPUT_LEN];
        let d = gate.feed(l, NOW, peer(), rest, &mut out);
        let consumed = match d {
            Decision::Reply { consumed, .. } => consumed,
            Decision::Accept(a) => a.consumed,
            _ => rest.len(),
        };
        if !matches!(d, Decision::NeedMore) {
            seen.push((
                describe(&d, &out),
                d.reply_bytes(&out).unwrap_or(&[]).to_vec(),
            ));
        }
        if matches!(
            d,
            Decision::Accept(_) | Decision::Alert { .. } | Decision::Drop(_)
        ) {
            break;
        }
        rest = &rest[consumed..];
    }
    seen
}

/// A stable, readable description of a decision and, for replies, of the reply parsed back.
pub fn describe(d: &Decision<'_>, out: &[u8]) -> String {
    let mut s = String::new();
    match d {
        Decision::Reply {
            kind,
            len,
            consumed,
        } => {
            writeln!(s, "reply {kind:?} len={len} consumed={consumed}").unwrap();
            s.push_str(&describe_reply(&out[..*len]));
        }
        Decision::Accept(a) => {
            writeln!(
                s,
                "accept version={} validated={} consumed={} message_len={}",
                a.version,
                a.validated,
                a.consumed,
                a.message.len()
            )
            .unwrap();
            writeln!(s, "  continuation: {:?}", a.continuation).unwrap();
        }
        Decision::Alert { alert, len, reason } => {
            writeln!(
                s,
                "alert {alert} reason={} ({reason}) bytes={}",
                reason.code(),
                hex(&out[..*len])
            )
            .unwrap();
        }
        Decision::Drop(r) => writeln!(s, "drop reason={} ({r})", r.code()).unwrap(),
        Decision::NeedMore => writeln!(s, "need_more").unwrap(),
    }
    s
}

pub fn describe_reply(bytes: &[u8]) -> String {
    let mut s = String::new();
    if bytes.len() > 1 && bytes[1] == 0xfe {
        for rec in DtlsRecords::new(bytes) {
            let rec = rec.unwrap();
            let (hs, _) = DtlsHandshake::parse(rec.fragment).unwrap();
            writeln!(
                s,
                "  dtls record {} {} epoch={} seq={} msg={} message_seq={}",
                rec.header.content_type,
                rec.header.version,
                rec.header.epoch,
                rec.header.sequence_number,
                hs.msg_type,
                hs.message_seq
            )
            .unwrap();
            body(&mut s, hs.msg_type.0, hs.fragment);
        }
    } else {
        let mut rest = bytes;
        while !rest.is_empty() {
            let (rec, r) = TlsRecord::parse(rest).unwrap();
            writeln!(
                s,
                "  tls record {} {} len={}",
                rec.header.content_type, rec.header.version, rec.header.length
            )
            .unwrap();
            if rec.header.content_type.0 == 22 {
                let (hs, _) = Handshake::parse(rec.fragment).unwrap();
                body(&mut s, hs.msg_type.0, hs.body);
            }
            rest = r;
        }
    }
    writeln!(s, "  bytes={}", hex(bytes)).unwrap();
    s
}

fn body(s: &mut String, t: u8, b: &[u8]) {
    match t {
        3 => {
            let h = HelloVerifyRequest::parse(b).unwrap();
            writeln!(
                s,
                "    HelloVerifyRequest server_version={} cookie_len={}",
                h.server_version,
                h.cookie.len()
            )
            .unwrap();
        }
        2 => {
            let h = ServerHello::parse(b).unwrap();
            writeln!(
                s,
                "    ServerHello hrr={} legacy_version={} session_id_echo_len={} suite={} version={:?} group={:?} cookie_len={:?}",
                h.is_hello_retry_request(), h.legacy_version, h.legacy_session_id_echo.len(), h.cipher_suite,
                h.selected_version(), h.selected_group(), h.cookie().map(<[u8]>::len)
            )
            .unwrap();
        }
        _ => writeln!(s, "    message type {t}").unwrap(),
    }
}

/// Extracts the cookie from a reply (HVR cookie or HRR cookie extension).
pub fn reply_cookie(reply: &[u8]) -> Vec<u8> {
    if reply[1] == 0xfe {
        let rec = DtlsRecords::new(reply).next().unwrap().unwrap();
        let (hs, _) = DtlsHandshake::parse(rec.fragment).unwrap();
        if hs.msg_type.0 == 3 {
            return HelloVerifyRequest::parse(hs.fragment)
                .unwrap()
                .cookie
                .to_vec();
        }
        return ServerHello::parse(hs.fragment)
            .unwrap()
            .cookie()
            .unwrap()
            .to_vec();
    }
    let (rec, _) = TlsRecord::parse(reply).unwrap();
    let (hs, _) = Handshake::parse(rec.fragment).unwrap();
    ServerHello::parse(hs.body)
        .unwrap()
        .cookie()
        .unwrap()
        .to_vec()
}

/// Rebuilds a ClientHello body with its cookie (DTLS legacy cookie, or the cookie
/// extension) replaced by `cookie`, lengths fixed up.
pub fn with_cookie(ch: &ClientHello<'_>, cookie: &[u8]) -> Vec<u8> {
    let mut w = ch.to_writer();
    let mut ext = Vec::new();
    if let Some(list) = ch.extensions {
        for e in list.iter() {
            ext.extend_from_slice(&e.extension_type.0.to_be_bytes());
            if e.extension_type == ExtensionType::COOKIE {
                ext.extend_from_slice(&((cookie.len() + 2) as u16).to_be_bytes());
                ext.extend_from_slice(&(cookie.len() as u16).to_be_bytes());
                ext.extend_from_slice(cookie);
            } else {
                ext.extend_from_slice(&(e.data.len() as u16).to_be_bytes());
                ext.extend_from_slice(e.data);
            }
        }
    }
    if ch.flavor == Flavor::Dtls && ch.known.cookie.is_none() {
        w.legacy_cookie = Some(cookie);
    }
    w.extensions = ch.extensions.map(|_| &ext[..]);
    let mut out = vec![0u8; 4 + w.body_len()];
    let n = w.write(Framing::TlsMessage, &mut out).unwrap();
    out.truncate(n);
    out.split_off(4)
}

/// A TLS record holding one handshake message body of type 1.
pub fn tls_ch_record(body: &[u8]) -> Vec<u8> {
    let mut v = vec![22, 3, 3];
    v.extend_from_slice(&((body.len() + 4) as u16).to_be_bytes());
    v.push(1);
    v.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    v.extend_from_slice(body);
    v
}

/// A DTLS datagram holding one unfragmented ClientHello body, with the given record
/// version, record sequence number and message_seq.
pub fn dtls_ch_datagram(body: &[u8], version: [u8; 2], seq: u64, message_seq: u16) -> Vec<u8> {
    let mut v = vec![22, version[0], version[1], 0, 0];
    v.extend_from_slice(&seq.to_be_bytes()[2..]);
    v.extend_from_slice(&((body.len() + 12) as u16).to_be_bytes());
    v.push(1);
    let l = (body.len() as u32).to_be_bytes();
    v.extend_from_slice(&l[1..]);
    v.extend_from_slice(&message_seq.to_be_bytes());
    v.extend_from_slice(&[0, 0, 0]);
    v.extend_from_slice(&l[1..]);
    v.extend_from_slice(body);
    v
}

/// The ClientHello body and framing facts of a DTLS capture.
pub fn dtls_ch(bytes: &[u8]) -> (ClientHello<'_>, [u8; 2], u64, u16) {
    let rec = DtlsRecords::new(bytes).next().unwrap().unwrap();
    let (hs, _) = DtlsHandshake::parse(rec.fragment).unwrap();
    let v = rec.header.version.0.to_be_bytes();
    (
        ClientHello::parse(hs.fragment, Flavor::Dtls).unwrap(),
        v,
        rec.header.sequence_number,
        hs.message_seq,
    )
}

/// The ClientHello of a TLS capture (a single CH record, or CCS + CH record).
pub fn tls_ch(bytes: &[u8]) -> ClientHello<'_> {
    let mut rest = bytes;
    loop {
        let (rec, r) = TlsRecord::parse(rest).unwrap();
        if rec.header.content_type.0 == 22 {
            let (hs, _) = Handshake::parse(rec.fragment).unwrap();
            return ClientHello::parse(hs.body, Flavor::Tls).unwrap();
        }
        rest = r;
    }
}

// ---------------------------------------------------------------------------------------
// Editing real ClientHellos: the fields and extensions of a capture, changed one at a time
// and written back with the codec's `ClientHelloWriter`.
// ---------------------------------------------------------------------------------------

/// A ClientHello's fields and extensions, owned, to edit and write back.
#[derive(Clone, Debug)]
pub struct ChEdit {
    pub flavor: Flavor,
    pub legacy_version: hellogate_codec::ProtocolVersion,
    pub random: [u8; 32],
    pub session_id: Vec<u8>,
    pub legacy_cookie: Option<Vec<u8>>,
    pub cipher_suites: Vec<u8>,
    pub compression: Vec<u8>,
    /// `None`: no extensions block at all.
    pub extensions: Option<Vec<(ExtensionType, Vec<u8>)>>,
}

impl ChEdit {
    /// The fields of a parsed ClientHello.
    pub fn of(ch: &ClientHello<'_>) -> Self {
        Self {
            flavor: ch.flavor,
            legacy_version: ch.legacy_version,
            random: *ch.random,
            session_id: ch.legacy_session_id.to_vec(),
            legacy_cookie: ch.legacy_cookie.map(<[u8]>::to_vec),
            cipher_suites: ch.cipher_suites.as_bytes().to_vec(),
            compression: ch.legacy_compression_methods.to_vec(),
            extensions: ch.extensions.map(|list| {
                list.iter()
                    .map(|e| (e.extension_type, e.data.to_vec()))
                    .collect()
            }),
        }
    }

    fn exts(&mut self) -> &mut Vec<(ExtensionType, Vec<u8>)> {
        self.extensions.get_or_insert_with(Vec::new)
    }

    /// True when the extension is present.
    pub fn has(&self, t: ExtensionType) -> bool {
        self.extensions
            .as_ref()
            .is_some_and(|l| l.iter().any(|(x, _)| *x == t))
    }

    /// The extension's data, if present.
    pub fn get(&self, t: ExtensionType) -> Option<&[u8]> {
        self.extensions
            .as_ref()?
            .iter()
            .find(|(x, _)| *x == t)
            .map(|(_, d)| &d[..])
    }

    /// Replaces the extension's data in place, or adds it before a pre_shared_key (which
    /// must stay last, RFC 8446 section 4.2.11), else at the end.
    pub fn set(&mut self, t: ExtensionType, data: Vec<u8>) -> &mut Self {
        let list = self.exts();
        if let Some(slot) = list.iter_mut().find(|(x, _)| *x == t) {
            slot.1 = data;
        } else if let Some(i) = list
            .iter()
            .position(|(x, _)| *x == ExtensionType::PRE_SHARED_KEY)
        {
            list.insert(i, (t, data));
        } else {
            list.push((t, data));
        }
        self
    }

    /// Appends an extension at the very end (for pre_shared_key).
    pub fn push(&mut self, t: ExtensionType, data: Vec<u8>) -> &mut Self {
        self.remove(t);
        self.exts().push((t, data));
        self
    }

    /// Removes the extension if present.
    pub fn remove(&mut self, t: ExtensionType) -> &mut Self {
        if let Some(list) = self.extensions.as_mut() {
            list.retain(|(x, _)| *x != t);
        }
        self
    }

    /// The extensions block as on the wire (without its length prefix).
    pub fn extensions_block(&self) -> Option<Vec<u8>> {
        self.extensions.as_ref().map(|list| {
            let mut v = Vec::new();
            for (t, d) in list {
                v.extend_from_slice(&t.0.to_be_bytes());
                v.extend_from_slice(&(d.len() as u16).to_be_bytes());
                v.extend_from_slice(d);
            }
            v
        })
    }

    /// The ClientHello body, written by the codec's writer and checked to parse back.
    pub fn body(&self) -> Vec<u8> {
        let block = self.extensions_block();
        let w = hellogate_codec::ClientHelloWriter {
            flavor: self.flavor,
            legacy_version: self.legacy_version,
            random: &self.random,
            legacy_session_id: &self.session_id,
            legacy_cookie: self.legacy_cookie.as_deref(),
            cipher_suites: &self.cipher_suites,
            legacy_compression_methods: &self.compression,
            extensions: block.as_deref(),
        };
        let mut out = vec![0u8; 4 + w.body_len()];
        let n = w.write(Framing::TlsMessage, &mut out).unwrap();
        assert_eq!(n, out.len());
        let body = out.split_off(4);
        ClientHello::parse(&body, self.flavor).expect("edited ClientHello parses");
        body
    }

    /// A TLS record holding the edited ClientHello.
    pub fn tls_record(&self) -> Vec<u8> {
        tls_ch_record(&self.body())
    }

    /// A DTLS datagram holding the edited ClientHello (record version DTLS 1.2 for a
    /// DTLS 1.3 client, as dimpl sends it; pass what the capture had otherwise).
    pub fn datagram(&self, version: [u8; 2], seq: u64, message_seq: u16) -> Vec<u8> {
        dtls_ch_datagram(&self.body(), version, seq, message_seq)
    }
}

/// key_share extension data: client_shares<0..2^16-1> of (group, key_exchange<1..>).
pub fn key_share_data(shares: &[(hellogate_codec::NamedGroup, &[u8])]) -> Vec<u8> {
    let mut list = Vec::new();
    for (g, k) in shares {
        list.extend_from_slice(&g.0.to_be_bytes());
        list.extend_from_slice(&(k.len() as u16).to_be_bytes());
        list.extend_from_slice(k);
    }
    let mut v = (list.len() as u16).to_be_bytes().to_vec();
    v.extend_from_slice(&list);
    v
}

/// supported_versions extension data (ClientHello form: versions<2..254>).
pub fn supported_versions_data(versions: &[hellogate_codec::ProtocolVersion]) -> Vec<u8> {
    let mut v = vec![(versions.len() * 2) as u8];
    for x in versions {
        v.extend_from_slice(&x.0.to_be_bytes());
    }
    v
}

/// cookie extension data: cookie<1..2^16-1>.
pub fn cookie_data(cookie: &[u8]) -> Vec<u8> {
    let mut v = (cookie.len() as u16).to_be_bytes().to_vec();
    v.extend_from_slice(cookie);
    v
}

/// cipher_suites wire bytes.
pub fn suites_bytes(suites: &[hellogate_codec::CipherSuite]) -> Vec<u8> {
    suites.iter().flat_map(|s| s.0.to_be_bytes()).collect()
}

/// pre_shared_key extension data (OfferedPsks) with one identity and its binder.
pub fn psk_data(identity: &[u8], obfuscated_ticket_age: u32, binder: &[u8]) -> Vec<u8> {
    let mut ids = (identity.len() as u16).to_be_bytes().to_vec();
    ids.extend_from_slice(identity);
    ids.extend_from_slice(&obfuscated_ticket_age.to_be_bytes());
    let mut binders = vec![binder.len() as u8];
    binders.extend_from_slice(binder);
    let mut v = (ids.len() as u16).to_be_bytes().to_vec();
    v.extend_from_slice(&ids);
    v.extend_from_slice(&(binders.len() as u16).to_be_bytes());
    v.extend_from_slice(&binders);
    v
}

/// The key share a capture's ClientHello sent for `group` (real public-key bytes to build
/// other ClientHellos with).
pub fn share_of(ch: &ClientHello<'_>, group: hellogate_codec::NamedGroup) -> Vec<u8> {
    ch.known
        .key_shares
        .and_then(|s| s.find(group))
        .unwrap_or_else(|| panic!("no {group:?} share in this capture"))
        .key_exchange
        .to_vec()
}

/// The capture's bytes.
pub fn capture(name: &str) -> &'static [u8] {
    hellogate_testvectors::get(name)
        .unwrap_or_else(|| panic!("no capture {name}"))
        .bytes
}

/// The middlebox-compatibility ChangeCipherSpec record (RFC 8446 appendix D.4).
pub const CCS_RECORD: [u8; 6] = [0x14, 0x03, 0x03, 0x00, 0x01, 0x01];

/// The handshake body of the first handshake message in a reply (TLS or DTLS), parsed as
/// a ServerHello / HelloRetryRequest.
pub fn reply_server_hello(reply: &[u8]) -> (ServerHello<'_>, &[u8]) {
    if reply[1] == 0xfe {
        let rec = DtlsRecords::new(reply).next().unwrap().unwrap();
        let (hs, _) = DtlsHandshake::parse(rec.fragment).unwrap();
        assert!(hs.is_complete());
        let end = rec.offset + 13 + rec.fragment.len();
        (ServerHello::parse(hs.fragment).unwrap(), &reply[end..])
    } else {
        let (rec, rest) = TlsRecord::parse(reply).unwrap();
        let (hs, _) = Handshake::parse(rec.fragment).unwrap();
        (ServerHello::parse(hs.body).unwrap(), rest)
    }
}

/// A decision as an owned value, comparable across inputs and splits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Reply {
        kind: hellogate_machine::ReplyKind,
        bytes: Vec<u8>,
    },
    Accept {
        version: hellogate_codec::ProtocolVersion,
        validated: bool,
        continuation: hellogate_machine::Continuation,
        /// The accepted handshake message as received.
        message: Vec<u8>,
        /// `out[..transcript_len]` for a (D)TLS 1.3 accept after an HRR, else empty.
        transcript: Vec<u8>,
    },
    Alert {
        alert: hellogate_codec::AlertDescription,
        reason: hellogate_machine::Reason,
        bytes: Vec<u8>,
    },
    Drop(hellogate_machine::Reason),
    NeedMore,
}

impl Outcome {
    pub fn of(d: &Decision<'_>, out: &[u8]) -> Self {
        match *d {
            Decision::Reply { kind, len, .. } => Self::Reply {
                kind,
                bytes: out[..len].to_vec(),
            },
            Decision::Accept(a) => Self::Accept {
                version: a.version,
                validated: a.validated,
                continuation: a.continuation,
                message: a.message.to_vec(),
                transcript: match a.continuation {
                    hellogate_machine::Continuation::Hrr13 { transcript_len, .. } => {
                        out[..transcript_len].to_vec()
                    }
                    _ => Vec::new(),
                },
            },
            Decision::Alert { alert, len, reason } => Self::Alert {
                alert,
                reason,
                bytes: out[..len].to_vec(),
            },
            Decision::Drop(r) => Self::Drop(r),
            Decision::NeedMore => Self::NeedMore,
        }
    }

    /// The reply bytes, or a failure naming what came instead.
    pub fn reply(&self) -> &[u8] {
        match self {
            Self::Reply { bytes, .. } => bytes,
            other => panic!("reply expected, got {other:?}"),
        }
    }

    /// The reason of an alert, or a failure naming what came instead.
    pub fn alert_reason(&self) -> (hellogate_codec::AlertDescription, hellogate_machine::Reason) {
        match self {
            Self::Alert { alert, reason, .. } => (*alert, *reason),
            other => panic!("alert expected, got {other:?}"),
        }
    }
}

/// One datagram through `l`.
pub fn datagram_outcome(l: &Listener, datagram: &[u8]) -> Outcome {
    let mut out = [0u8; MAX_OUTPUT_LEN];
    let d = l.handle_datagram(NOW, peer(), datagram, &mut out);
    Outcome::of(&d, &out)
}

/// `input` fed whole to a fresh gate of `l`: the first decision.
pub fn stream_outcome(l: &Listener, input: &[u8]) -> Outcome {
    let mut gate = l.stream();
    let mut out = [0u8; MAX_OUTPUT_LEN];
    let d = gate.feed(l, NOW, peer(), input, &mut out);
    Outcome::of(&d, &out)
}

/// Feeds `chunks` in order to a fresh gate of `l`, re-feeding the rest of a chunk after a
/// reply; returns every decision that is not NeedMore (stopping at the first final one)
/// with the stream offset up to which the gate had consumed when it was made.
pub fn stream_chunks(l: &Listener, chunks: &[&[u8]]) -> Vec<(Outcome, usize)> {
    let mut gate = l.stream();
    let mut seen = Vec::new();
    let mut base = 0;
    for chunk in chunks {
        let mut rest: &[u8] = chunk;
        while !rest.is_empty() {
            let mut out = [0u8; MAX_OUTPUT_LEN];
            let d = gate.feed(l, NOW, peer(), rest, &mut out);
            let used = match d {
                Decision::Reply { consumed, .. } => consumed,
                Decision::Accept(a) => a.consumed,
                _ => rest.len(),
            };
            let o = Outcome::of(&d, &out);
            base += used;
            rest = &rest[used..];
            match o {
                Outcome::NeedMore => {}
                Outcome::Reply { .. } => seen.push((o, base)),
                _ => {
                    seen.push((o, base));
                    return seen;
                }
            }
        }
    }
    seen
}

/// `input` cut at `cuts` (sorted offsets).
pub fn cut<'a>(input: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
    let mut v = Vec::new();
    let mut at = 0;
    for &c in cuts {
        v.push(&input[at..c]);
        at = c;
    }
    v.push(&input[at..]);
    v
}

/// A DTLS datagram holding one fragment (`body[offset..offset + len]`) of a ClientHello.
pub fn dtls_fragment_datagram(
    body: &[u8],
    version: [u8; 2],
    seq: u64,
    message_seq: u16,
    offset: usize,
    len: usize,
) -> Vec<u8> {
    let frag = &body[offset..offset + len];
    let mut v = vec![22, version[0], version[1], 0, 0];
    v.extend_from_slice(&seq.to_be_bytes()[2..]);
    v.extend_from_slice(&((frag.len() + 12) as u16).to_be_bytes());
    v.push(1);
    v.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    v.extend_from_slice(&message_seq.to_be_bytes());
    v.extend_from_slice(&(offset as u32).to_be_bytes()[1..]);
    v.extend_from_slice(&(len as u32).to_be_bytes()[1..]);
    v.extend_from_slice(frag);
    v
}
