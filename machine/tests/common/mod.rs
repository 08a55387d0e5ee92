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
