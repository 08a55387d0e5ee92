//! RFC 8448 section 5 ("HelloRetryRequest"): the transcript a stateless server rebuilds,
//! message_hash(CH1) || HRR || CH2 || ServerHello, computed from parsed views and the
//! codec's writers, hashes to the value the test vectors state.

use hellogate_codec::{
    ClientHello, Flavor, Framing, Handshake, HandshakeType, ServerHello, TlsRecord,
    write_message_hash,
};
use sha2::{Digest, Sha256};

fn message(name: &str) -> (HandshakeType, &'static [u8], &'static [u8]) {
    let c = hellogate_testvectors::get(name).unwrap();
    let (rec, rest) = TlsRecord::parse(c.bytes).unwrap();
    assert!(rest.is_empty());
    let (hs, rest) = Handshake::parse(rec.fragment).unwrap();
    assert!(rest.is_empty());
    (hs.msg_type, hs.body, rec.fragment)
}

#[test]
fn transcript_rebuilt_from_parsed_views_matches_rfc8448() {
    let (t, ch1_body, _) = message("rfc8448_hrr_ch1");
    assert_eq!(t, HandshakeType::CLIENT_HELLO);
    let ch1 = ClientHello::parse(ch1_body, Flavor::Tls).unwrap();

    // Hash(CH1) over the re-encoded message, not the captured bytes: this is what a
    // server that only kept the parse would compute.
    let mut buf = vec![0u8; 4 + ch1.body_len()];
    let n = ch1.write(Framing::TlsMessage, &mut buf).unwrap();
    let ch1_hash = Sha256::digest(&buf[..n]);

    let mut transcript = Vec::new();
    let mut mh = [0u8; 36];
    assert_eq!(write_message_hash(&ch1_hash, &mut mh), Ok(36));
    transcript.extend_from_slice(&mh);

    let (_, hrr_body, _) = message("rfc8448_hrr_hrr");
    let hrr = ServerHello::parse(hrr_body).unwrap();
    assert!(hrr.is_hello_retry_request());
    let mut buf = vec![0u8; 4 + hrr.body_len()];
    let n = hrr.write(Framing::TlsMessage, &mut buf).unwrap();
    transcript.extend_from_slice(&buf[..n]);

    let (_, ch2_body, _) = message("rfc8448_hrr_ch2");
    let ch2 = ClientHello::parse(ch2_body, Flavor::Tls).unwrap();
    assert_eq!(ch2.known.cookie, hrr.cookie());
    assert!(
        !ch2.known.early_data,
        "after an HRR the client drops early_data"
    );
    let mut buf = vec![0u8; 4 + ch2.body_len()];
    let n = ch2.write(Framing::TlsMessage, &mut buf).unwrap();
    transcript.extend_from_slice(&buf[..n]);

    let (_, sh_body, _) = message("rfc8448_hrr_sh");
    let sh = ServerHello::parse(sh_body).unwrap();
    assert!(!sh.is_hello_retry_request());
    let mut buf = vec![0u8; 4 + sh.body_len()];
    let n = sh.write(Framing::TlsMessage, &mut buf).unwrap();
    transcript.extend_from_slice(&buf[..n]);

    let digest = Sha256::digest(&transcript);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(
        hex,
        "8aa8e828ec2f8a884fec95a3139de01c15a3daa7ff5bfc3f4bfcc21b438d7bf8"
    );
}
