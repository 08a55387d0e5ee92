//! Starting from a valid cookie, any change to its bytes (bit flips, truncation, extension),
//! to the peer, to the ClientHello fields it binds or to the protocol makes it fail.
#![no_main]

use arbitrary::Arbitrary;
use core::net::{IpAddr, Ipv4Addr, SocketAddr};
use core::time::Duration;
use hellogate_cookie::{
    CookieConfig, CookieJar, DTLS12_COOKIE_LEN, HRR_COOKIE_MAX_LEN, HelloFields, HrrBinding,
    HrrParams, HrrProtocol, KeyRing, SealError,
};
use libfuzzer_sys::fuzz_target;

/// The ClientHello fields a cookie binds.
#[derive(Debug, Arbitrary)]
struct Hello {
    version: u16,
    random: [u8; 32],
    session_id: Vec<u8>,
    cipher_suites: Vec<u8>,
    compression: Vec<u8>,
    /// Flip one byte of `random` at open time (when the xor is non-zero).
    random_flip: (u8, u8),
}

impl Hello {
    fn fields(&self) -> HelloFields<'_> {
        HelloFields {
            client_version: self.version,
            random: &self.random,
            session_id: &self.session_id,
            cipher_suites: &self.cipher_suites,
            compression_methods: &self.compression,
        }
    }

    /// The random as ClientHello2 gives it, and whether it changed.
    fn random_at_open(&self) -> ([u8; 32], bool) {
        let mut r = self.random;
        r[usize::from(self.random_flip.0) % 32] ^= self.random_flip.1;
        (r, self.random_flip.1 != 0)
    }
}

#[derive(Debug, Arbitrary)]
enum Kind {
    Dtls12 {
        hello: Hello,
        /// Seal a first-fragment cookie (binds version, random and session_id only).
        prefix: bool,
    },
    Hrr {
        hello: Hello,
        dtls: bool,
        suite: u16,
        group: u16,
        key_share: bool,
        sha384: bool,
        hash: [u8; 48],
        groups: Vec<u16>,
        /// Append a group at open time (changes the binding of a cookie-only HRR).
        extra_group: Option<u16>,
        /// Open for the other protocol.
        swap_protocol: bool,
    },
}

#[derive(Debug, Arbitrary)]
struct Input {
    /// Seal time, ms since the UNIX epoch (bounded below so the epoch arithmetic is realistic
    /// and above by u48 so time never saturates).
    sealed_ms: u32,
    sealed_hi: u16,
    /// Age at opening, at most the 30 s lifetime.
    age_ms: u16,
    ip: [u8; 4],
    port: u16,
    /// Port change at open time.
    port_delta: u16,
    refresh: bool,
    kind: Kind,
    flips: Vec<(u8, u8)>,
    truncate_to: Option<u8>,
    extend: Vec<u8>,
}

fuzz_target!(|input: Input| {
    let sealed =
        Duration::from_millis((u64::from(input.sealed_hi) << 32) | u64::from(input.sealed_ms));
    let opened = sealed + Duration::from_millis(u64::from(input.age_ms % 30_001));
    let mut ring = KeyRing::from_master_secret(&[0x42; 32], Duration::from_secs(3600))
        .expect("valid secret and period");
    if input.refresh {
        ring.refresh(opened);
    }
    let jar = CookieJar::new(ring, CookieConfig::default()).expect("valid config");
    let peer = SocketAddr::new(IpAddr::V4(Ipv4Addr::from(input.ip)), input.port);
    let open_peer = SocketAddr::new(peer.ip(), input.port.wrapping_add(input.port_delta));

    let mut buf = [0u8; HRR_COOKIE_MAX_LEN];
    // Seals, checks the untouched cookie verifies, and returns a closure that opens a candidate
    // with the open-time inputs (possibly changed).
    let (len, open_changed): (usize, Box<dyn Fn(&[u8]) -> bool>) = match &input.kind {
        Kind::Dtls12 { hello, prefix } => {
            let fields = hello.fields();
            let sealed_ok = if *prefix {
                jar.seal_dtls12_prefix(sealed, peer, &fields.prefix(), &mut buf)
            } else {
                jar.seal_dtls12(sealed, peer, &fields, &mut buf)
            };
            let n = match sealed_ok {
                Ok(n) => n,
                // Fields no ClientHello can carry (over their wire length prefixes).
                Err(SealError::FieldTooLong) => return,
                Err(e) => panic!("seal: {e}"),
            };
            assert_eq!(n, DTLS12_COOKIE_LEN);
            let open = |f: &HelloFields<'_>, p: SocketAddr, c: &[u8]| {
                if *prefix {
                    jar.open_dtls12_prefix(opened, p, &f.prefix(), c)
                } else {
                    jar.open_dtls12(opened, p, f, c)
                }
            };
            let back = open(&fields, peer, &buf[..n]).expect("open");
            assert_eq!(back.prefix_only, *prefix);
            // A first-fragment cookie never opens for a whole ClientHello, and a whole one
            // never for a first fragment.
            if *prefix {
                assert!(jar.open_dtls12(opened, peer, &fields, &buf[..n]).is_err());
            } else {
                assert!(
                    jar.open_dtls12_prefix(opened, peer, &fields.prefix(), &buf[..n])
                        .is_err()
                );
            }
            let (random2, random_changed) = hello.random_at_open();
            let changed_inputs = random_changed || input.port_delta != 0;
            let original = buf[..n].to_vec();
            (
                n,
                Box::new(move |c: &[u8]| {
                    let f = HelloFields {
                        random: &random2,
                        ..hello.fields()
                    };
                    let ok = open(&f, open_peer, c).is_ok();
                    // Only the untouched cookie with untouched inputs may verify.
                    !ok || (c == original.as_slice() && !changed_inputs)
                }),
            )
        }
        Kind::Hrr {
            hello,
            dtls,
            suite,
            group,
            key_share,
            sha384,
            hash,
            groups,
            extra_group,
            swap_protocol,
        } => {
            let protocol = if *dtls {
                HrrProtocol::Dtls13
            } else {
                HrrProtocol::Tls13
            };
            let hash_len = if *sha384 { 48 } else { 32 };
            let binding = HrrBinding {
                hello: hello.fields(),
                key_share_groups: groups,
            };
            let params = HrrParams {
                cipher_suite: *suite,
                group: *group,
                key_share_in_hrr: *key_share,
                ch1_hash: &hash[..hash_len],
                binding,
            };
            let n = match jar.seal_hrr(sealed, peer, protocol, &params, &mut buf) {
                Ok(n) => n,
                Err(SealError::FieldTooLong) => return,
                Err(e) => panic!("seal: {e}"),
            };
            let back = jar
                .open_hrr(opened, peer, protocol, &binding, &buf[..n])
                .expect("open");
            assert_eq!(back.ch1_hash(), params.ch1_hash);
            assert_eq!((back.cipher_suite, back.group), (*suite, *group));
            let open_protocol = match (protocol, swap_protocol) {
                (p, false) => p,
                (HrrProtocol::Tls13, true) => HrrProtocol::Dtls13,
                (HrrProtocol::Dtls13, true) => HrrProtocol::Tls13,
            };
            let (random2, random_changed) = hello.random_at_open();
            let mut groups2 = groups.clone();
            groups2.extend(extra_group);
            // The key share groups are bound only by a cookie-only HRR.
            let groups_changed = extra_group.is_some() && !*key_share;
            let changed_inputs =
                *swap_protocol || input.port_delta != 0 || random_changed || groups_changed;
            let original = buf[..n].to_vec();
            let jar_ref = &jar;
            (
                n,
                Box::new(move |c: &[u8]| {
                    let b = HrrBinding {
                        hello: HelloFields {
                            random: &random2,
                            ..hello.fields()
                        },
                        key_share_groups: &groups2,
                    };
                    let ok = jar_ref
                        .open_hrr(opened, open_peer, open_protocol, &b, c)
                        .is_ok();
                    !ok || (c == original.as_slice() && !changed_inputs)
                }),
            )
        }
    };

    let mut mutated = buf[..len].to_vec();
    for &(at, xor) in &input.flips {
        let i = usize::from(at) % len;
        mutated[i] ^= xor;
    }
    if let Some(t) = input.truncate_to {
        mutated.truncate(usize::from(t));
    }
    mutated.extend_from_slice(&input.extend);
    assert!(open_changed(&mutated), "a changed cookie or input verified");
});
