//! RFC 8448 section 5 ("HelloRetryRequest"): the trace's ClientHello1 through a fresh
//! stream gate configured like the trace's server (it selected secp256r1 and
//! TLS_AES_128_GCM_SHA256), then the trace's ClientHello2 with our cookie in place of the
//! trace server's, through another fresh gate: accepted, with a transcript prefix that,
//! hashed with ClientHello2, equals the RFC 8446 section 4.4.1 rebuild computed here from
//! the bytes.

mod common;

use common::*;
use hellogate_codec::{
    CipherSuite, ExtensionType, Handshake, HandshakeType, NamedGroup, ProtocolVersion, TlsRecord,
};
use hellogate_machine::{Config, Continuation, HrrKeyShare, ReplyKind};
use sha2::{Digest, Sha256};

fn config() -> Config {
    Config {
        groups: vec![NamedGroup::SECP256R1],
        hrr_key_share: HrrKeyShare::NewGroup,
        ..Config::default()
    }
}

/// The handshake message (4-byte header and body) of a one-record TLS capture.
fn message(record: &[u8]) -> &[u8] {
    let (rec, rest) = TlsRecord::parse(record).unwrap();
    assert!(rest.is_empty());
    let (hs, after) = Handshake::parse(rec.fragment).unwrap();
    assert!(after.is_empty());
    assert_eq!(hs.body.len() + 4, rec.fragment.len());
    rec.fragment
}

#[test]
fn rfc8448_hrr_ch1_gets_the_hrr_the_trace_server_sent() {
    let l = listener(config());
    let ch1 = capture("rfc8448_hrr_ch1");
    let o = stream_outcome(&l, ch1);
    let Outcome::Reply { kind, bytes } = &o else {
        panic!("{o:?}")
    };
    // The trace's client sends an empty legacy_session_id: no CCS.
    assert_eq!(*kind, ReplyKind::HelloRetryRequest);
    let (ours, rest) = reply_server_hello(bytes);
    assert!(rest.is_empty());
    let (theirs, _) = reply_server_hello(capture("rfc8448_hrr_hrr"));
    assert!(ours.is_hello_retry_request() && theirs.is_hello_retry_request());
    assert_eq!(ours.legacy_version, theirs.legacy_version);
    assert_eq!(ours.legacy_session_id_echo, theirs.legacy_session_id_echo);
    assert_eq!(ours.cipher_suite, theirs.cipher_suite);
    assert_eq!(ours.cipher_suite, CipherSuite::TLS_AES_128_GCM_SHA256);
    assert_eq!(ours.selected_version(), theirs.selected_version());
    assert_eq!(ours.selected_version(), Some(ProtocolVersion::TLS1_3));
    assert_eq!(ours.selected_group(), theirs.selected_group());
    assert_eq!(ours.selected_group(), Some(NamedGroup::SECP256R1));
    assert!(ours.cookie().is_some() && theirs.cookie().is_some());
    assert_ne!(ours.cookie(), theirs.cookie());
    assert!(bytes.len() <= ch1.len());
}

#[test]
fn rfc8448_hrr_ch2_with_our_cookie_is_accepted_with_the_rebuilt_transcript() {
    let l = listener(config());
    let ch1 = capture("rfc8448_hrr_ch1");
    let hrr = stream_outcome(&l, ch1);
    let cookie = reply_cookie(hrr.reply());

    // The trace's CH2 offers no PSK and no early data (only psk_key_exchange_modes); it
    // carries the new secp256r1 share, the trace server's cookie and padding.
    let ch2_view = tls_ch(capture("rfc8448_hrr_ch2"));
    assert!(ch2_view.known.pre_shared_key.is_none());
    assert!(!ch2_view.known.early_data);
    assert!(ch2_view.known.psk_key_exchange_modes.is_some());
    let shares: Vec<NamedGroup> = ch2_view
        .known
        .key_shares
        .unwrap()
        .iter()
        .map(|e| e.group)
        .collect();
    assert_eq!(shares, [NamedGroup::SECP256R1]);
    let mut ch2 = ChEdit::of(&ch2_view);
    assert_eq!(ch2.get(ExtensionType::COOKIE).unwrap().len(), 2 + 114);
    ch2.set(ExtensionType::COOKIE, cookie_data(&cookie));
    let ch2_record = ch2.tls_record();
    let ch2_msg = &ch2_record[5..];

    let fresh = listener(config());
    let o = stream_outcome(&fresh, &ch2_record);
    let Outcome::Accept {
        version,
        validated,
        continuation,
        message: accepted,
        transcript,
    } = &o
    else {
        panic!("{o:?}")
    };
    assert!(*validated);
    assert_eq!(*version, ProtocolVersion::TLS1_3);
    assert_eq!(&accepted[..], ch2_msg);
    let Continuation::Hrr13 {
        cipher_suite,
        group,
        key_share_in_hrr,
        transcript_len,
        hrr_offset,
        ..
    } = *continuation
    else {
        panic!("{continuation:?}")
    };
    assert_eq!(cipher_suite, CipherSuite::TLS_AES_128_GCM_SHA256);
    assert_eq!(group, NamedGroup::SECP256R1);
    assert!(key_share_in_hrr);
    assert_eq!(transcript.len(), transcript_len);

    // RFC 8446 section 4.4.1, from the bytes: message_hash (type 254, length 32,
    // SHA-256(CH1 message)), then the HRR message we sent, then CH2.
    let ch1_msg = message(ch1);
    assert_eq!(ch1_msg[0], HandshakeType::CLIENT_HELLO.0);
    let (hrr_rec, _) = TlsRecord::parse(hrr.reply()).unwrap();
    let hrr_msg = hrr_rec.fragment;
    let mut prefix = vec![254, 0, 0, 32];
    prefix.extend_from_slice(&Sha256::digest(ch1_msg));
    assert_eq!(hrr_offset, prefix.len());
    assert_eq!(&transcript[..hrr_offset], &prefix[..]);
    assert_eq!(&transcript[hrr_offset..], hrr_msg);
    let expected = Sha256::new()
        .chain_update(&prefix)
        .chain_update(hrr_msg)
        .chain_update(ch2_msg)
        .finalize();
    let ours = Sha256::new()
        .chain_update(transcript)
        .chain_update(accepted)
        .finalize();
    assert_eq!(ours, expected);

    // The same two flights on one gate give the same accept.
    let conn = [ch1, &ch2_record[..]].concat();
    let seen = stream_chunks(&l, &[&conn]);
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert_eq!(seen[0], (hrr.clone(), ch1.len()));
    assert_eq!(seen[1], (o.clone(), conn.len()));
}

#[test]
fn rfc8448_hrr_ch2_as_captured_is_refused() {
    // The trace server's cookie is not ours.
    let l = listener(config());
    let o = stream_outcome(&l, capture("rfc8448_hrr_ch2"));
    let (alert, reason) = o.alert_reason();
    assert_eq!(alert, hellogate_codec::AlertDescription::ILLEGAL_PARAMETER);
    assert!(
        matches!(reason, hellogate_machine::Reason::Cookie(_)),
        "{reason:?}"
    );
}
