//! Shared by `machine_datagram` and `machine_stream`: a listener with a fixed secret, the
//! record of cookies the listener emitted in one run, and real exchanges rebuilt from the
//! captures with our cookie in the client's ClientHello2 (the fuzz crate cannot import the
//! machine's test helpers, so the few it needs are here).
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::LazyLock;
use std::time::Duration;

use arbitrary::Arbitrary;
use hellogate_codec::{
    ClientHello, DtlsHandshake, DtlsRecords, ExtensionType, Flavor, Framing, Handshake,
    HelloVerifyRequest, NamedGroup, ProtocolVersion, ServerHello, TlsRecord,
};
use hellogate_cookie::KeyRing;
use hellogate_machine::{AcceptedHello, Config, Decision, HrrKeyShare, Listener, MAX_OUTPUT_LEN};
use hellogate_testvectors::Kind;

pub const SECRET: [u8; 32] = [0x42; 32];
pub const NOW: Duration = Duration::from_secs(1_700_000_000);

/// Peer `n` of a small set: ports of one IPv4 host, and one IPv6 host.
pub fn peer(n: u8) -> SocketAddr {
    match n % 4 {
        3 => SocketAddr::from(([0, 0, 0, 0, 0, 0, 0, 1], 40000)),
        p => SocketAddr::from(([127, 0, 0, 1], 40000 + u16::from(p))),
    }
}

pub fn listener(config: Config) -> Listener {
    let ring = KeyRing::from_master_secret(&SECRET, Duration::from_secs(3600)).unwrap();
    Listener::new(config, ring).unwrap()
}

/// Cookies the listener emitted in one run, with the peer each was for.
#[derive(Default)]
pub struct Emitted(pub Vec<(SocketAddr, Vec<u8>)>);

impl Emitted {
    pub fn contains(&self, peer: SocketAddr, cookie: &[u8]) -> bool {
        self.0.iter().any(|(p, c)| *p == peer && c == cookie)
    }
}

/// The cookie an accepted ClientHello returned: the cookie extension for (D)TLS 1.3, the
/// legacy_cookie for DTLS 1.0/1.2 (whole message or first fragment).
pub fn accepted_cookie<'a>(version: ProtocolVersion, hello: &AcceptedHello<'a>) -> &'a [u8] {
    match hello {
        AcceptedHello::Whole(ch)
            if version == ProtocolVersion::DTLS1_3 || version == ProtocolVersion::TLS1_3 =>
        {
            ch.known.cookie.unwrap_or(&[])
        }
        AcceptedHello::Whole(ch) => ch.legacy_cookie.unwrap_or(&[]),
        AcceptedHello::FirstFragment(p) => p.legacy_cookie,
    }
}

/// The cookie in one of our replies (HVR cookie, or HRR cookie extension). Our replies
/// always parse and always carry a cookie: anything else fails the target.
pub fn reply_cookie(reply: &[u8]) -> Vec<u8> {
    if reply.get(1) == Some(&0xfe) {
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

/// A ClientHello body with its cookie (DTLS legacy_cookie, or the cookie extension)
/// replaced by `cookie`, lengths fixed up.
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

/// A TLS record holding one ClientHello body.
pub fn tls_ch_record(body: &[u8]) -> Vec<u8> {
    let mut v = vec![22, 3, 3];
    v.extend_from_slice(&((body.len() + 4) as u16).to_be_bytes());
    v.push(1);
    v.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    v.extend_from_slice(body);
    v
}

/// A DTLS datagram holding one unfragmented ClientHello body.
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

/// The ClientHello of a TLS capture (a CH record, or CCS + CH records).
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

/// A real exchange with our cookie: CH1 as captured, the client's CH2 carrying the cookie
/// our listener (same secret, `NOW`, `peer(0)`) gave CH1, and that cookie.
pub struct Flow {
    pub name: &'static str,
    pub config: Config,
    pub ch1: Vec<u8>,
    /// DTLS: the CH2 datagram. TLS: the client's second flight (its CCS if it sent one,
    /// then the CH2 record).
    pub ch2: Vec<u8>,
    pub cookie: Vec<u8>,
}

impl Flow {
    /// What a run starts out knowing: the setup's listener emitted this cookie for peer(0).
    pub fn emitted(&self) -> Emitted {
        Emitted(vec![(peer(0), self.cookie.clone())])
    }
}

fn hrr_group(reply: &[u8]) -> Option<NamedGroup> {
    let body = if reply[1] == 0xfe {
        let rec = DtlsRecords::new(reply).next().unwrap().unwrap();
        DtlsHandshake::parse(rec.fragment).unwrap().0.fragment
    } else {
        let (rec, _) = TlsRecord::parse(reply).unwrap();
        Handshake::parse(rec.fragment).unwrap().0.body
    };
    ServerHello::parse(body).unwrap().selected_group()
}

/// The group choice under which the capture's server made the HRR its client answered.
fn config_like(hrr: Option<&[u8]>, ch1: &ClientHello<'_>) -> Config {
    let mut config = Config::default();
    if let Some(hrr) = hrr {
        match hrr_group(hrr) {
            Some(g) => config.groups = vec![g],
            None => {
                let first = ch1.known.key_shares.unwrap().iter().next().unwrap().group;
                config.groups = vec![first];
                config.hrr_key_share = HrrKeyShare::CookieOnly;
            }
        }
    }
    config
}

fn build(datagram: bool) -> Vec<Flow> {
    let mut flows = Vec::new();
    for scenario in hellogate_testvectors::scenarios() {
        let get = |k: Kind| hellogate_testvectors::scenario(scenario).find(|c| c.kind == k);
        let (Some(ch1), Some(ch2)) = (get(Kind::Ch1), get(Kind::Ch2)) else {
            continue;
        };
        if ch1.is_datagram() != datagram {
            continue;
        }
        let mut out = [0u8; MAX_OUTPUT_LEN];
        if datagram {
            let rec = DtlsRecords::new(ch1.bytes).next().unwrap().unwrap();
            let (hs, _) = DtlsHandshake::parse(rec.fragment).unwrap();
            let view = ClientHello::parse(hs.fragment, Flavor::Dtls).unwrap();
            let config = config_like(get(Kind::Hrr).map(|c| c.bytes), &view);
            let l = listener(config.clone());
            let Decision::Reply { len, .. } = l.handle_datagram(NOW, peer(0), ch1.bytes, &mut out)
            else {
                continue;
            };
            let cookie = reply_cookie(&out[..len]);
            let rec = DtlsRecords::new(ch2.bytes).next().unwrap().unwrap();
            let (hs, _) = DtlsHandshake::parse(rec.fragment).unwrap();
            let view2 = ClientHello::parse(hs.fragment, Flavor::Dtls).unwrap();
            let v = rec.header.version.0.to_be_bytes();
            let ch2 = dtls_ch_datagram(
                &with_cookie(&view2, &cookie),
                v,
                rec.header.sequence_number,
                hs.message_seq,
            );
            flows.push(Flow {
                name: scenario,
                config,
                ch1: ch1.bytes.to_vec(),
                ch2,
                cookie,
            });
        } else {
            let Some(hrr) = get(Kind::Hrr) else { continue };
            let config = config_like(Some(hrr.bytes), &tls_ch(ch1.bytes));
            let l = listener(config.clone());
            let mut gate = l.stream();
            let Decision::Reply { len, .. } = gate.feed(&l, NOW, peer(0), ch1.bytes, &mut out)
            else {
                continue;
            };
            let cookie = reply_cookie(&out[..len]);
            let mut flight = Vec::new();
            if get(Kind::Ch2Flight).is_some() {
                flight.extend_from_slice(&[0x14, 3, 3, 0, 1, 1]);
            }
            flight.extend_from_slice(&tls_ch_record(&with_cookie(&tls_ch(ch2.bytes), &cookie)));
            flows.push(Flow {
                name: scenario,
                config,
                ch1: ch1.bytes.to_vec(),
                ch2: flight,
                cookie,
            });
        }
    }
    assert!(!flows.is_empty());
    flows
}

/// DTLS exchanges (DTLS 1.2 from GnuTLS and OpenSSL, DTLS 1.3 from dimpl), built once.
pub static DTLS_FLOWS: LazyLock<Vec<Flow>> = LazyLock::new(|| build(true));
/// TLS 1.3 exchanges from every TLS scenario with a CH2, built once.
pub static TLS_FLOWS: LazyLock<Vec<Flow>> = LazyLock::new(|| build(false));

/// One byte edit; positions are taken modulo the length.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Edit {
    Set(u16, u8),
    Xor(u16, u8),
    Insert(u16, u8),
    Remove(u16),
}

/// Applies `edits`, then an optional truncation, to `bytes`.
pub fn apply(bytes: &[u8], edits: &[Edit], truncate: Option<u16>) -> Vec<u8> {
    let mut v = bytes.to_vec();
    for e in edits.iter().take(16) {
        let at = |i: u16, n: usize| usize::from(i) % n.max(1);
        match *e {
            Edit::Set(i, b) if !v.is_empty() => {
                let i = at(i, v.len());
                v[i] = b;
            }
            Edit::Xor(i, b) if !v.is_empty() => {
                let i = at(i, v.len());
                v[i] ^= b;
            }
            Edit::Insert(i, b) => {
                let i = at(i, v.len() + 1);
                v.insert(i, b);
            }
            Edit::Remove(i) if !v.is_empty() => {
                let i = at(i, v.len());
                v.remove(i);
            }
            _ => {}
        }
    }
    if let Some(t) = truncate {
        v.truncate(usize::from(t) % (v.len() + 1));
    }
    v
}
