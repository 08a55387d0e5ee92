//! The TLS 1.3 / DTLS 1.3 half of the gate: plan a HelloRetryRequest for ClientHello1,
//! seal its cookie, and check ClientHello2 against the cookie it returns.

use core::net::SocketAddr;
use core::time::Duration;

use hellogate_codec::{
    CipherSuite, ClientHello, ClientHelloOutline, EncodeError, Framing, HashAlgorithm,
    HelloRetryRequest, NamedGroup, ProtocolVersion, write_message_hash,
};
use hellogate_cookie::{
    HRR_COOKIE_MAX_LEN, HelloFields, HrrBinding, HrrCookie, HrrParams, HrrProtocol,
};
use sha2::digest::Output;
use sha2::{Digest, Sha256, Sha384};

use crate::config::HrrKeyShare;
use crate::decision::{Continuation, Reason};
use crate::listener::Listener;
use crate::trace::Tracer;

/// What the HelloRetryRequest for one ClientHello1 will say.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Plan {
    pub(crate) suite: CipherSuite,
    pub(crate) hash: HashAlgorithm,
    pub(crate) group: NamedGroup,
    pub(crate) key_share_in_hrr: bool,
}

/// Most key shares whose groups a cookie binds after a cookie-only HelloRetryRequest. Real
/// clients send one to three; a ClientHello1 with more gets an HRR that names a group.
pub(crate) const MAX_KEY_SHARES: usize = 32;

/// The groups of a ClientHello's key shares, gathered on the stack for the cookie to bind.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ShareGroups {
    groups: [u16; MAX_KEY_SHARES],
    len: usize,
    /// More than [`MAX_KEY_SHARES`] shares: the list is incomplete.
    overflow: bool,
}

impl ShareGroups {
    pub(crate) fn of(ch: &ClientHelloOutline<'_>) -> Self {
        let mut g = Self {
            groups: [0; MAX_KEY_SHARES],
            len: 0,
            overflow: false,
        };
        for e in ch.key_shares.iter().flat_map(|s| s.iter()) {
            match g.groups.get_mut(g.len) {
                Some(slot) => {
                    *slot = e.group.0;
                    g.len += 1;
                }
                None => g.overflow = true,
            }
        }
        g
    }

    fn as_slice(&self) -> &[u16] {
        self.groups.get(..self.len).unwrap_or(&self.groups)
    }
}

/// The ClientHello fields a cookie binds (the ones ClientHello2 must repeat), for the DTLS 1.2
/// and the HelloRetryRequest cookies alike.
pub(crate) fn hello_fields<'a>(ch: &ClientHelloOutline<'a>) -> HelloFields<'a> {
    HelloFields {
        client_version: ch.legacy_version.0,
        random: ch.random,
        session_id: ch.legacy_session_id,
        cipher_suites: ch.cipher_suites.as_bytes(),
        compression_methods: ch.legacy_compression_methods,
    }
}

/// What ClientHello2 must repeat of ClientHello1: the cookie binds it (RFC 8446 4.1.2).
pub(crate) fn binding<'a>(ch: &ClientHelloOutline<'a>, groups: &'a ShareGroups) -> HrrBinding<'a> {
    HrrBinding {
        hello: hello_fields(ch),
        key_share_groups: groups.as_slice(),
    }
}

/// Chooses suite and group by server preference (RFC 8446 section 4.1.1).
pub(crate) fn plan(
    l: &Listener,
    ch: &ClientHelloOutline<'_>,
    t: &mut impl Tracer,
) -> Result<Plan, Reason> {
    let cfg = l.config();
    let suite = cfg
        .cipher_suites
        .iter()
        .copied()
        .find(|s| ch.cipher_suites.contains(*s));
    t.check("common TLS 1.3 cipher suite", suite.is_some(), "");
    let suite = suite.ok_or(Reason::NoCommonSuite)?;
    let hash = suite.tls13_hash().ok_or(Reason::NoCommonSuite)?;

    let supported = |g: NamedGroup| ch.supported_groups.is_some_and(|l| l.contains(g));
    let shared = |g: NamedGroup| ch.key_shares.is_some_and(|s| s.find(g).is_some());
    // The best group the client already sent a share for, and the best it supports without one.
    let with_share = cfg
        .groups
        .iter()
        .copied()
        .find(|g| supported(*g) && shared(*g));
    let without_share = cfg
        .groups
        .iter()
        .copied()
        .find(|g| supported(*g) && !shared(*g));
    // A cookie-only HRR binds the client's share groups, which needs them all.
    let too_many = ch
        .key_shares
        .is_some_and(|k| k.iter().nth(MAX_KEY_SHARES).is_some());
    let with_share = with_share.filter(|_| !too_many);
    let choice = match (cfg.hrr_key_share, with_share, without_share) {
        (HrrKeyShare::NewGroup, _, Some(g)) => Some((g, true)),
        (HrrKeyShare::NewGroup, Some(g), None) => Some((g, false)),
        (HrrKeyShare::CookieOnly, Some(g), _) => Some((g, false)),
        (HrrKeyShare::CookieOnly, None, Some(g)) => Some((g, true)),
        (_, None, None) => None,
    };
    t.check("common group", choice.is_some(), "");
    let (group, key_share_in_hrr) = choice.ok_or(Reason::NoCommonGroup)?;
    t.check(
        "HelloRetryRequest key_share",
        true,
        if key_share_in_hrr {
            "selects a new group"
        } else {
            "cookie only"
        },
    );
    Ok(Plan {
        suite,
        hash,
        group,
        key_share_in_hrr,
    })
}

/// ClientHello1 as the transcript hashes it: a TLS-form handshake message (four-byte header,
/// then the body), which is how TLS 1.3 and DTLS 1.3 (RFC 9147 section 5.2) put it there.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Ch1<'a> {
    /// A TLS stream's message, already in that form: hashed in one piece.
    Message(&'a [u8]),
    /// A DTLS ClientHello's body: the four-byte header is rebuilt in front of it.
    Body(&'a [u8]),
}

/// Hash(ClientHello1); the digest in a 48-byte buffer, and its length.
pub(crate) fn ch1_hash(hash: HashAlgorithm, ch1: Ch1<'_>) -> ([u8; 48], usize) {
    fn digest<D: Digest>(ch1: Ch1<'_>) -> Output<D> {
        match ch1 {
            Ch1::Message(m) => D::digest(m),
            Ch1::Body(body) => {
                let [_, l1, l2, l3] = u32::try_from(body.len()).unwrap_or(u32::MAX).to_be_bytes();
                D::new()
                    .chain_update([1, l1, l2, l3])
                    .chain_update(body)
                    .finalize()
            }
        }
    }
    let mut out = [0u8; 48];
    let d: &[u8] = match hash {
        HashAlgorithm::Sha256 => &digest::<Sha256>(ch1),
        HashAlgorithm::Sha384 => &digest::<Sha384>(ch1),
    };
    let len = d.len().min(out.len());
    if let (Some(dst), Some(src)) = (out.get_mut(..len), d.get(..len)) {
        dst.copy_from_slice(src);
    }
    (out, len)
}

/// The protocol constants that differ between TLS 1.3 and DTLS 1.3.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Flavor13 {
    pub(crate) protocol: HrrProtocol,
    /// HelloRetryRequest legacy_version.
    pub(crate) legacy_version: ProtocolVersion,
    /// supported_versions selected_version.
    pub(crate) version: ProtocolVersion,
}

pub(crate) const TLS13: Flavor13 = Flavor13 {
    protocol: HrrProtocol::Tls13,
    legacy_version: ProtocolVersion::TLS1_2,
    version: ProtocolVersion::TLS1_3,
};

pub(crate) const DTLS13: Flavor13 = Flavor13 {
    protocol: HrrProtocol::Dtls13,
    legacy_version: ProtocolVersion::DTLS1_2,
    version: ProtocolVersion::DTLS1_3,
};

impl Flavor13 {
    /// TLS echoes legacy_session_id; DTLS 1.3 servers must not (RFC 9147 section 5.3).
    fn echo<'a>(&self, ch: &ClientHelloOutline<'a>) -> &'a [u8] {
        match self.protocol {
            HrrProtocol::Tls13 => ch.legacy_session_id,
            HrrProtocol::Dtls13 => &[],
        }
    }
}

/// Seals a cookie for `plan` and writes the HelloRetryRequest with `framing` into `out`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn write_hrr(
    l: &Listener,
    now: Duration,
    peer: SocketAddr,
    f: Flavor13,
    ch: &ClientHelloOutline<'_>,
    ch1: Ch1<'_>,
    plan: &Plan,
    framing: Framing,
    out: &mut [u8],
) -> Result<(usize, Ch1Hash), Reason> {
    let (digest, dlen) = ch1_hash(plan.hash, ch1);
    let mut cookie = [0u8; HRR_COOKIE_MAX_LEN];
    let groups = ShareGroups::of(ch);
    // `plan` never picks a cookie-only HRR for more shares than the cookie can bind; checked
    // here too, so the binding can never be a partial list.
    if !plan.key_share_in_hrr && groups.overflow {
        return Err(Reason::TooManyKeyShares);
    }
    let params = HrrParams {
        cipher_suite: plan.suite.0,
        group: plan.group.0,
        key_share_in_hrr: plan.key_share_in_hrr,
        ch1_hash: digest.get(..dlen).unwrap_or(&digest),
        binding: binding(ch, &groups),
    };
    let n = l
        .jar()
        .seal_hrr(now, peer, f.protocol, &params, &mut cookie)
        .map_err(|_| Reason::BufferTooSmall {
            needed: HRR_COOKIE_MAX_LEN,
        })?;
    let hrr = HelloRetryRequest {
        legacy_version: f.legacy_version,
        legacy_session_id_echo: f.echo(ch),
        cipher_suite: plan.suite,
        selected_version: f.version,
        selected_group: plan.key_share_in_hrr.then_some(plan.group),
        cookie: cookie.get(..n),
    };
    let n = hrr.write(framing, out).map_err(encode_reason)?;
    Ok((
        n,
        Ch1Hash {
            bytes: digest,
            len: dlen,
        },
    ))
}

/// Hash(ClientHello1) as sealed into a cookie, kept by a stream gate that sent the HRR so
/// ClientHello2 on the same connection must return the cookie made for this connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Ch1Hash {
    bytes: [u8; 48],
    len: usize,
}

impl Ch1Hash {
    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&self.bytes)
    }
}

pub(crate) fn encode_reason(e: EncodeError) -> Reason {
    match e {
        EncodeError::BufferTooSmall { needed } => Reason::BufferTooSmall { needed },
        EncodeError::TooLong { .. } => Reason::BufferTooSmall { needed: usize::MAX },
    }
}

/// Opens ClientHello2's cookie, checks ClientHello2 against it (RFC 8446 section 4.1.2),
/// and writes the transcript prefix (message_hash, HelloRetryRequest) into `out`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn accept_ch2(
    l: &Listener,
    now: Duration,
    peer: SocketAddr,
    f: Flavor13,
    ch: &ClientHello<'_>,
    cookie: &[u8],
    expected_ch1: Option<&Ch1Hash>,
    out: &mut [u8],
    t: &mut impl Tracer,
) -> Result<Continuation, Reason> {
    let outline = ch.outline();
    let groups = ShareGroups::of(&outline);
    let c = l
        .jar()
        .open_hrr(now, peer, f.protocol, &binding(&outline, &groups), cookie);
    t.check("cookie verifies", c.is_ok(), cookie_detail(&c));
    let c = c.map_err(Reason::Cookie)?;
    if let Some(h) = expected_ch1 {
        let same = h.as_bytes() == c.ch1_hash();
        t.check(
            "cookie was made for this connection's ClientHello1",
            same,
            "",
        );
        if !same {
            return Err(Reason::CookieForAnotherHello);
        }
    }
    check_ch2(l, f, ch, &c, groups.overflow, t)?;
    let suite = CipherSuite(c.cipher_suite);
    let group = NamedGroup(c.group);

    let mh = write_message_hash(c.ch1_hash(), out).map_err(encode_reason)?;
    let hrr = HelloRetryRequest {
        legacy_version: f.legacy_version,
        legacy_session_id_echo: f.echo(&outline),
        cipher_suite: suite,
        selected_version: f.version,
        selected_group: c.key_share_in_hrr.then_some(group),
        cookie: Some(cookie),
    };
    let rest = out.get_mut(mh..).ok_or(Reason::BufferTooSmall {
        needed: mh + hrr.encoded_len(Framing::TlsMessage),
    })?;
    let n = hrr.write(Framing::TlsMessage, rest).map_err(|e| match e {
        EncodeError::BufferTooSmall { needed } => Reason::BufferTooSmall {
            needed: mh + needed,
        },
        other => encode_reason(other),
    })?;
    Ok(Continuation::Hrr13 {
        cipher_suite: suite,
        group,
        key_share_in_hrr: c.key_share_in_hrr,
        transcript_len: mh + n,
        hrr_offset: mh,
        cookie_age: c.age,
    })
}

fn check_ch2(
    l: &Listener,
    f: Flavor13,
    ch: &ClientHello<'_>,
    c: &HrrCookie,
    too_many_shares: bool,
    t: &mut impl Tracer,
) -> Result<(), Reason> {
    let version_ok = ch.offers_version(f.version);
    t.check("ClientHello2 offers the version", version_ok, "");
    if !version_ok {
        return Err(Reason::VersionMismatch);
    }
    let suite = CipherSuite(c.cipher_suite);
    let suite_ok = ch.cipher_suites.contains(suite) && l.config().cipher_suites.contains(&suite);
    t.check(
        "ClientHello2 offers the cookie's cipher suite",
        suite_ok,
        "",
    );
    if !suite_ok {
        return Err(Reason::SuiteMismatch);
    }
    let group = NamedGroup(c.group);
    let shares = ch.known.key_shares;
    let share_ok = match shares {
        None => false,
        // After an HRR that named a group: exactly one share, for that group.
        Some(s) if c.key_share_in_hrr => {
            let mut it = s.iter();
            matches!((it.next(), it.next()), (Some(e), None) if e.group == group)
        }
        // After a cookie-only HRR: the client's shares are unchanged (the cookie's MAC bound
        // their groups, all of them: ClientHello1 had at most MAX_KEY_SHARES), and one is for
        // the group.
        Some(s) => s.find(group).is_some() && !too_many_shares,
    };
    t.check(
        "ClientHello2 key_share fits the HelloRetryRequest",
        share_ok,
        if c.key_share_in_hrr {
            "one share, for the selected group"
        } else {
            "a share for the cookie's group"
        },
    );
    if !share_ok {
        return Err(Reason::KeyShareMismatch);
    }
    t.check("ClientHello2 has no early_data", !ch.known.early_data, "");
    if ch.known.early_data {
        return Err(Reason::EarlyDataAfterHrr);
    }
    Ok(())
}

pub(crate) fn cookie_detail<T>(r: &Result<T, hellogate_cookie::CookieError>) -> &'static str {
    use hellogate_cookie::CookieError as E;
    match r {
        Ok(_) => "",
        Err(E::Malformed) => "malformed",
        Err(E::UnknownVersion) => "unknown version",
        Err(E::UnknownKey) => "unknown or retired key",
        Err(E::BadMac) => "bad MAC",
        Err(E::WrongPeer) => "wrong peer",
        Err(E::WrongProtocol) => "wrong protocol",
        Err(E::Expired) => "expired",
        Err(E::FromFuture) => "from the future",
        Err(E::FieldsMissing) => "binds fields this fragment lacks",
        Err(E::PrefixOnly) => "first-fragment cookie with a whole ClientHello",
    }
}
