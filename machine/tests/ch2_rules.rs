//! ClientHello2 checked against the cookie it returns (RFC 8446 section 4.1.2, RFC 9147
//! section 5.1), for TLS 1.3 on a fresh stream gate per flight and for DTLS 1.3 on the
//! listener. Every ClientHello2 is a real capture carrying the cookie our listener sealed
//! for the matching real ClientHello1, edited in one field.
//!
//! What the cookie binds decides which refusal a change earns: legacy_version, random,
//! legacy_session_id, cipher_suites and legacy_compression_methods always, and after a
//! cookie-only HelloRetryRequest the groups of the client's key shares too. A change to a
//! bound field fails the MAC (`Reason::Cookie(BadMac)`); the checks after the MAC
//! (`SuiteMismatch`, `KeyShareMismatch`, `EarlyDataAfterHrr`, `VersionMismatch`) catch
//! what the cookie does not bind. Every refusal is a fatal illegal_parameter alert.

mod common;

use common::*;
use hellogate_codec::{
    AlertDescription, CipherSuite, DtlsRecords, ExtensionType, NamedGroup, ProtocolVersion,
};
use hellogate_cookie::CookieError;
use hellogate_machine::{Config, Continuation, HrrKeyShare, Listener, Reason};

const TLS_ALERT_ILLEGAL_PARAMETER: [u8; 7] = [21, 3, 3, 0, 2, 2, 47];

fn config(groups: &[NamedGroup], hrr_key_share: HrrKeyShare) -> Config {
    Config {
        groups: groups.to_vec(),
        hrr_key_share,
        ..Config::default()
    }
}

// ---------------------------------------------------------------------------------------
// TLS 1.3
// ---------------------------------------------------------------------------------------

/// A TLS scenario: the listener config under which our HRR matches what the capture's
/// server sent, the CH1 capture, and the client's real CH2 as an edit carrying our cookie.
struct Tls {
    l: Listener,
    ch2: ChEdit,
}

impl Tls {
    fn new(config: Config, ch1: &str, ch2: &str) -> Self {
        let l = listener(config);
        let hrr = stream_outcome(&l, capture(ch1));
        let cookie = reply_cookie(hrr.reply());
        let mut ch2 = ChEdit::of(&tls_ch(capture(ch2)));
        assert!(ch2.has(ExtensionType::COOKIE), "{ch2:?}");
        ch2.set(ExtensionType::COOKIE, cookie_data(&cookie));
        Self { l, ch2 }
    }

    /// OpenSSL's no-middlebox handshake under a cookie-only HRR (X25519 share kept).
    fn cookie_only() -> Self {
        Self::new(
            config(&[NamedGroup::X25519], HrrKeyShare::CookieOnly),
            "tls13_openssl_nomiddlebox_ch1",
            "tls13_openssl_nomiddlebox_ch2",
        )
    }

    /// OpenSSL against a server that wants secp256r1: the HRR names it.
    fn new_group() -> Self {
        Self::new(
            config(&[NamedGroup::SECP256R1], HrrKeyShare::NewGroup),
            "tls13_openssl_srvp256_ch1",
            "tls13_openssl_srvp256_ch2",
        )
    }

    /// What a fresh gate decides on the edited CH2.
    fn decide(&self, ch2: &ChEdit) -> Outcome {
        stream_outcome(&self.l, &ch2.tls_record())
    }

    fn refused(&self, ch2: &ChEdit, reason: Reason) {
        let o = self.decide(ch2);
        let Outcome::Alert {
            alert,
            reason: got,
            bytes,
        } = &o
        else {
            panic!("alert expected, got {o:?}")
        };
        assert_eq!(*alert, AlertDescription::ILLEGAL_PARAMETER, "{o:?}");
        assert_eq!(*got, reason, "{o:?}");
        assert_eq!(bytes, &TLS_ALERT_ILLEGAL_PARAMETER);
    }
}

fn accepted(o: &Outcome) -> Continuation {
    match o {
        Outcome::Accept {
            validated: true,
            continuation,
            ..
        } => *continuation,
        other => panic!("validated accept expected, got {other:?}"),
    }
}

#[test]
fn tls13_unedited_ch2_with_our_cookie_is_accepted_in_both_hrr_modes() {
    // The controls for every refusal below: the edit that carries only our cookie passes.
    let t = Tls::cookie_only();
    let c = accepted(&t.decide(&t.ch2));
    assert!(
        matches!(
            c,
            Continuation::Hrr13 {
                group: NamedGroup::X25519,
                key_share_in_hrr: false,
                ..
            }
        ),
        "{c:?}"
    );
    let t = Tls::new_group();
    let c = accepted(&t.decide(&t.ch2));
    assert!(
        matches!(
            c,
            Continuation::Hrr13 {
                group: NamedGroup::SECP256R1,
                key_share_in_hrr: true,
                ..
            }
        ),
        "{c:?}"
    );
}

#[test]
fn tls13_ch2_when_the_cookie_suite_is_no_longer_configured_is_suite_mismatch() {
    // OpenSSL offers TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256 and
    // TLS_AES_128_GCM_SHA256. A node configured with AES-128 only seals AES-128 into the
    // cookie; a fleet node reconfigured without it (same secret) gets the client's CH2,
    // which does offer AES-128 (the cookie binds cipher_suites, so it must): the cookie
    // verifies, but its suite is not one this node will use.
    let sealer = Config {
        cipher_suites: vec![CipherSuite::TLS_AES_128_GCM_SHA256],
        ..config(&[NamedGroup::X25519], HrrKeyShare::CookieOnly)
    };
    let t = Tls::new(
        sealer,
        "tls13_openssl_nomiddlebox_ch1",
        "tls13_openssl_nomiddlebox_ch2",
    );
    let c = accepted(&t.decide(&t.ch2));
    assert!(
        matches!(
            c,
            Continuation::Hrr13 {
                cipher_suite: CipherSuite::TLS_AES_128_GCM_SHA256,
                ..
            }
        ),
        "{c:?}"
    );
    let other = listener(Config {
        cipher_suites: vec![
            CipherSuite::TLS_AES_256_GCM_SHA384,
            CipherSuite::TLS_CHACHA20_POLY1305_SHA256,
        ],
        ..config(&[NamedGroup::X25519], HrrKeyShare::CookieOnly)
    });
    let o = stream_outcome(&other, &t.ch2.tls_record());
    assert_eq!(
        o.alert_reason(),
        (AlertDescription::ILLEGAL_PARAMETER, Reason::SuiteMismatch)
    );
}

#[test]
fn tls13_ch2_dropping_the_cookie_suite_from_its_offer_fails_the_mac() {
    // The cookie binds cipher_suites, so a CH2 that stops offering the cookie's suite has
    // changed a bound field: the MAC check comes first and refuses it.
    let t = Tls::cookie_only();
    let mut ch2 = t.ch2.clone();
    let suites: Vec<u8> = ch2
        .cipher_suites
        .chunks(2)
        .filter(|s| *s != [0x13, 0x01])
        .flatten()
        .copied()
        .collect();
    assert_eq!(
        suites.len() + 2,
        ch2.cipher_suites.len(),
        "AES-128 was offered"
    );
    ch2.cipher_suites = suites;
    t.refused(&ch2, Reason::Cookie(CookieError::BadMac));
}

#[test]
fn tls13_after_a_new_group_hrr_ch2_needs_exactly_one_share_for_that_group() {
    let t = Tls::new_group();
    let ch1 = tls_ch(capture("tls13_openssl_srvp256_ch1"));
    let x25519 = share_of(&ch1, NamedGroup::X25519);
    let p256 = share_of(
        &tls_ch(capture("tls13_openssl_srvp256_ch2")),
        NamedGroup::SECP256R1,
    );

    // Two shares, the named group's among them.
    let mut two = t.ch2.clone();
    two.set(
        ExtensionType::KEY_SHARE,
        key_share_data(&[
            (NamedGroup::SECP256R1, &p256),
            (NamedGroup::X25519, &x25519),
        ]),
    );
    t.refused(&two, Reason::KeyShareMismatch);
    // One share, for another group (the one CH1 had).
    let mut other = t.ch2.clone();
    other.set(
        ExtensionType::KEY_SHARE,
        key_share_data(&[(NamedGroup::X25519, &x25519)]),
    );
    t.refused(&other, Reason::KeyShareMismatch);
    // No share at all.
    let mut none = t.ch2.clone();
    none.set(ExtensionType::KEY_SHARE, key_share_data(&[]));
    t.refused(&none, Reason::KeyShareMismatch);
}

#[test]
fn tls13_after_a_cookie_only_hrr_changed_shares_fail_the_mac() {
    // After a cookie-only HRR the client must send its shares unchanged; the cookie binds
    // their groups, so adding, removing or replacing one is a bound-field change: BadMac,
    // before the key_share check could say KeyShareMismatch.
    let t = Tls::cookie_only();
    let x25519 = share_of(
        &tls_ch(capture("tls13_openssl_nomiddlebox_ch1")),
        NamedGroup::X25519,
    );
    let p256 = share_of(
        &tls_ch(capture("tls13_openssl_srvp256_ch2")),
        NamedGroup::SECP256R1,
    );
    let bad = Reason::Cookie(CookieError::BadMac);

    let mut added = t.ch2.clone();
    added.set(
        ExtensionType::KEY_SHARE,
        key_share_data(&[
            (NamedGroup::X25519, &x25519),
            (NamedGroup::SECP256R1, &p256),
        ]),
    );
    t.refused(&added, bad);
    let mut emptied = t.ch2.clone();
    emptied.set(ExtensionType::KEY_SHARE, key_share_data(&[]));
    t.refused(&emptied, bad);
    let mut removed = t.ch2.clone();
    removed.remove(ExtensionType::KEY_SHARE);
    t.refused(&removed, bad);
    let mut replaced = t.ch2.clone();
    replaced.set(
        ExtensionType::KEY_SHARE,
        key_share_data(&[(NamedGroup::SECP256R1, &p256)]),
    );
    t.refused(&replaced, bad);
}

#[test]
fn tls13_ch2_keeping_early_data_is_refused() {
    for t in [Tls::cookie_only(), Tls::new_group()] {
        // A PSK alone in CH2 is allowed (its ages and binders may change): accepted.
        let mut psk = t.ch2.clone();
        psk.push(
            ExtensionType::PRE_SHARED_KEY,
            psk_data(b"ticket-from-an-earlier-session", 0x0102_0304, &[0xb1; 32]),
        );
        accepted(&t.decide(&psk));
        // early_data kept after the HRR.
        let mut early = psk.clone();
        early.set(ExtensionType::EARLY_DATA, Vec::new());
        assert_eq!(
            early.extensions.as_ref().unwrap().last().unwrap().0,
            ExtensionType::PRE_SHARED_KEY
        );
        t.refused(&early, Reason::EarlyDataAfterHrr);
    }
}

#[test]
fn tls13_ch2_with_another_random_or_session_id_fails_the_mac() {
    for t in [Tls::cookie_only(), Tls::new_group()] {
        let bad = Reason::Cookie(CookieError::BadMac);
        let mut random = t.ch2.clone();
        random.random[31] ^= 1;
        t.refused(&random, bad);
        let mut sid = t.ch2.clone();
        if sid.session_id.is_empty() {
            sid.session_id = vec![0x5a; 32];
        } else {
            sid.session_id[0] ^= 1;
        }
        t.refused(&sid, bad);
        // legacy_version and legacy_compression_methods are bound as well.
        let mut version = t.ch2.clone();
        version.legacy_version = ProtocolVersion::TLS1_0;
        t.refused(&version, bad);
        let mut compression = t.ch2.clone();
        compression.compression = vec![1, 0];
        t.refused(&compression, bad);
        let mut dropped_sid = t.ch2.clone();
        dropped_sid.session_id = if dropped_sid.session_id.is_empty() {
            vec![0x5a]
        } else {
            Vec::new()
        };
        t.refused(&dropped_sid, bad);
    }
}

#[test]
fn tls13_client_hello_with_a_cookie_but_without_tls13_is_illegal_parameter() {
    // A cookie is a TLS 1.3 extension: a ClientHello returning one must offer 1.3, even on a
    // fresh gate that never sent an HRR (without the cookie it would pass through as TLS 1.2).
    let t = Tls::cookie_only();
    let mut only12 = t.ch2.clone();
    only12.set(
        ExtensionType::SUPPORTED_VERSIONS,
        supported_versions_data(&[ProtocolVersion::TLS1_2]),
    );
    t.refused(&only12, Reason::VersionMismatch);
    let mut no_versions = t.ch2.clone();
    no_versions.remove(ExtensionType::SUPPORTED_VERSIONS);
    assert_eq!(no_versions.legacy_version, ProtocolVersion::TLS1_2);
    t.refused(&no_versions, Reason::VersionMismatch);
    // The same ClientHello without its cookie is a TLS 1.2 client, passed through.
    let mut plain12 = only12.clone();
    plain12.remove(ExtensionType::COOKIE);
    let o = t.decide(&plain12);
    assert!(
        matches!(
            o,
            Outcome::Accept {
                validated: false,
                version: ProtocolVersion::TLS1_2,
                continuation: Continuation::Unvalidated,
                ..
            }
        ),
        "{o:?}"
    );
}

// ---------------------------------------------------------------------------------------
// DTLS 1.3
// ---------------------------------------------------------------------------------------

/// dimpl's CH1, our HRR for it, and a CH2 built the way RFC 9147 says dimpl must: CH1 with
/// our cookie, and after a new-group HRR one share for the named group (a real secp256r1
/// share from dimpl's P-256 capture). Record sequence number 1, message_seq 1.
struct Dtls {
    l: Listener,
    ch2: ChEdit,
    /// The CH2 record's sequence number, echoed by the alert.
    seq: u64,
}

impl Dtls {
    fn new(config: Config) -> Self {
        let l = listener(config);
        let hrr = datagram_outcome(&l, capture("dtls13_dimpl_ch1"));
        let (sh, _) = reply_server_hello(hrr.reply());
        let named = sh.selected_group();
        let cookie = reply_cookie(hrr.reply());
        let (ch1, ..) = dtls_ch(capture("dtls13_dimpl_ch1"));
        let mut ch2 = ChEdit::of(&ch1);
        if let Some(g) = named {
            assert_eq!(g, NamedGroup::SECP256R1);
            let (p256_ch, ..) = dtls_ch(capture("dtls13_dimpl_p256_mtu600_ch1"));
            let p256 = share_of(&p256_ch, NamedGroup::SECP256R1);
            ch2.set(
                ExtensionType::KEY_SHARE,
                key_share_data(&[(NamedGroup::SECP256R1, &p256)]),
            );
        }
        // Where dimpl puts it: before the padding.
        let padding = ch2.get(ExtensionType::PADDING).map(<[u8]>::to_vec);
        ch2.remove(ExtensionType::PADDING);
        ch2.set(ExtensionType::COOKIE, cookie_data(&cookie));
        if let Some(p) = padding {
            ch2.set(ExtensionType::PADDING, p);
        }
        Self { l, ch2, seq: 1 }
    }

    fn cookie_only() -> Self {
        Self::new(config(&[NamedGroup::X25519], HrrKeyShare::CookieOnly))
    }

    fn new_group() -> Self {
        // Default preference X25519, secp256r1, secp384r1: dimpl sends X25519 and also
        // supports secp256r1, which a NewGroup HRR names.
        Self::new(Config::default())
    }

    fn decide(&self, ch2: &ChEdit) -> Outcome {
        datagram_outcome(&self.l, &ch2.datagram([0xfe, 0xfd], self.seq, 1))
    }

    fn refused(&self, ch2: &ChEdit, reason: Reason) {
        let o = self.decide(ch2);
        let Outcome::Alert {
            alert,
            reason: got,
            bytes,
        } = &o
        else {
            panic!("alert expected, got {o:?}")
        };
        assert_eq!(*alert, AlertDescription::ILLEGAL_PARAMETER, "{o:?}");
        assert_eq!(*got, reason, "{o:?}");
        dtls_fatal_alert(bytes, self.seq, 47);
    }
}

/// A DTLS alert record in epoch 0 with the ClientHello's record sequence number.
fn dtls_fatal_alert(bytes: &[u8], seq: u64, description: u8) {
    let rec = DtlsRecords::new(bytes).next().unwrap().unwrap();
    assert_eq!(rec.header.content_type.0, 21);
    assert_eq!(rec.header.version, ProtocolVersion::DTLS1_2);
    assert_eq!((rec.header.epoch, rec.header.sequence_number), (0, seq));
    assert_eq!(rec.fragment, &[2, description]);
    assert_eq!(bytes.len(), 13 + 2);
}

#[test]
fn dtls13_built_ch2_with_our_cookie_is_accepted_in_both_hrr_modes() {
    let t = Dtls::cookie_only();
    let c = accepted(&t.decide(&t.ch2));
    assert!(
        matches!(
            c,
            Continuation::Hrr13 {
                group: NamedGroup::X25519,
                key_share_in_hrr: false,
                ..
            }
        ),
        "{c:?}"
    );
    let t = Dtls::new_group();
    let c = accepted(&t.decide(&t.ch2));
    assert!(
        matches!(
            c,
            Continuation::Hrr13 {
                group: NamedGroup::SECP256R1,
                key_share_in_hrr: true,
                ..
            }
        ),
        "{c:?}"
    );
    // dimpl's own captured CH2 (it answered a cookie-only HRR) with our cookie instead.
    let t = Dtls::cookie_only();
    let hrr = datagram_outcome(&t.l, capture("dtls13_dimpl_ch1"));
    let (ch2, v, seq, mseq) = dtls_ch(capture("dtls13_dimpl_ch2"));
    let dgram = dtls_ch_datagram(&with_cookie(&ch2, &reply_cookie(hrr.reply())), v, seq, mseq);
    accepted(&datagram_outcome(&t.l, &dgram));
}

#[test]
fn dtls13_ch2_when_the_cookie_suite_is_no_longer_configured_is_suite_mismatch() {
    let t = Dtls::new(Config {
        cipher_suites: vec![CipherSuite::TLS_AES_128_GCM_SHA256],
        ..config(&[NamedGroup::X25519], HrrKeyShare::CookieOnly)
    });
    accepted(&t.decide(&t.ch2));
    let other = listener(Config {
        cipher_suites: vec![CipherSuite::TLS_AES_256_GCM_SHA384],
        ..config(&[NamedGroup::X25519], HrrKeyShare::CookieOnly)
    });
    let o = datagram_outcome(&other, &t.ch2.datagram([0xfe, 0xfd], t.seq, 1));
    assert_eq!(
        o.alert_reason(),
        (AlertDescription::ILLEGAL_PARAMETER, Reason::SuiteMismatch)
    );
    // Dropping the suite from CH2's own offer changes a bound field instead.
    let mut ch2 = t.ch2.clone();
    ch2.cipher_suites = suites_bytes(&[
        CipherSuite::TLS_AES_256_GCM_SHA384,
        CipherSuite::TLS_CHACHA20_POLY1305_SHA256,
    ]);
    t.refused(&ch2, Reason::Cookie(CookieError::BadMac));
}

#[test]
fn dtls13_after_a_new_group_hrr_ch2_needs_exactly_one_share_for_that_group() {
    let t = Dtls::new_group();
    let (ch1, ..) = dtls_ch(capture("dtls13_dimpl_ch1"));
    let x25519 = share_of(&ch1, NamedGroup::X25519);
    let (p256_ch, ..) = dtls_ch(capture("dtls13_dimpl_p256_mtu600_ch1"));
    let p256 = share_of(&p256_ch, NamedGroup::SECP256R1);
    let mut two = t.ch2.clone();
    two.set(
        ExtensionType::KEY_SHARE,
        key_share_data(&[
            (NamedGroup::X25519, &x25519),
            (NamedGroup::SECP256R1, &p256),
        ]),
    );
    t.refused(&two, Reason::KeyShareMismatch);
    let mut other = t.ch2.clone();
    other.set(
        ExtensionType::KEY_SHARE,
        key_share_data(&[(NamedGroup::X25519, &x25519)]),
    );
    t.refused(&other, Reason::KeyShareMismatch);
}

#[test]
fn dtls13_after_a_cookie_only_hrr_changed_shares_fail_the_mac() {
    let t = Dtls::cookie_only();
    let (ch1, ..) = dtls_ch(capture("dtls13_dimpl_ch1"));
    let x25519 = share_of(&ch1, NamedGroup::X25519);
    let (p256_ch, ..) = dtls_ch(capture("dtls13_dimpl_p256_mtu600_ch1"));
    let p256 = share_of(&p256_ch, NamedGroup::SECP256R1);
    let bad = Reason::Cookie(CookieError::BadMac);
    let mut added = t.ch2.clone();
    added.set(
        ExtensionType::KEY_SHARE,
        key_share_data(&[
            (NamedGroup::X25519, &x25519),
            (NamedGroup::SECP256R1, &p256),
        ]),
    );
    t.refused(&added, bad);
    let mut removed = t.ch2.clone();
    removed.set(ExtensionType::KEY_SHARE, key_share_data(&[]));
    t.refused(&removed, bad);
    let mut replaced = t.ch2.clone();
    replaced.set(
        ExtensionType::KEY_SHARE,
        key_share_data(&[(NamedGroup::SECP256R1, &p256)]),
    );
    t.refused(&replaced, bad);
}

#[test]
fn dtls13_ch2_keeping_early_data_is_refused() {
    for t in [Dtls::cookie_only(), Dtls::new_group()] {
        let mut early = t.ch2.clone();
        early.set(ExtensionType::EARLY_DATA, Vec::new());
        early.push(
            ExtensionType::PRE_SHARED_KEY,
            psk_data(b"dtls-ticket", 7, &[0xb2; 32]),
        );
        t.refused(&early, Reason::EarlyDataAfterHrr);
        let mut psk_only = early.clone();
        psk_only.remove(ExtensionType::EARLY_DATA);
        accepted(&t.decide(&psk_only));
    }
}

#[test]
fn dtls13_ch2_with_another_random_or_session_id_fails_the_mac() {
    for t in [Dtls::cookie_only(), Dtls::new_group()] {
        let bad = Reason::Cookie(CookieError::BadMac);
        let mut random = t.ch2.clone();
        random.random[0] ^= 0x80;
        t.refused(&random, bad);
        // dimpl sends an empty legacy_session_id; the DTLS 1.3 HRR does not echo it, but
        // the cookie still binds it.
        assert!(t.ch2.session_id.is_empty());
        let mut sid = t.ch2.clone();
        sid.session_id = vec![0x11; 32];
        t.refused(&sid, bad);
        let mut version = t.ch2.clone();
        version.legacy_version = ProtocolVersion::DTLS1_0;
        t.refused(&version, bad);
    }
}

#[test]
fn dtls13_ch2_that_stops_offering_dtls13_is_not_taken_down_the_13_path() {
    // supported_versions alone decides the version: a ClientHello listing only DTLS 1.2 is a
    // DTLS 1.2 ClientHello whatever extensions it carries, and a cookie extension means
    // nothing there. It gets a HelloVerifyRequest, never a DTLS 1.3 accept.
    let t = Dtls::cookie_only();
    let mut only12 = t.ch2.clone();
    only12.set(
        ExtensionType::SUPPORTED_VERSIONS,
        supported_versions_data(&[ProtocolVersion::DTLS1_2]),
    );
    let o = t.decide(&only12);
    assert!(
        matches!(
            o,
            Outcome::Reply {
                kind: hellogate_machine::ReplyKind::HelloVerifyRequest,
                ..
            }
        ),
        "{o:?}"
    );
}
