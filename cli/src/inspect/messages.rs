//! Handshake message bodies: the typed parse of each message the first flight carries,
//! as tree nodes, and the message re-encoded from that parse by the codec's writers.

use hellogate_codec::{
    ClientHello, DecodeErrorKind, DtlsClientHelloPrefix, EncodeError, Flavor, Framing,
    HandshakeType, HelloVerifyRequest, ServerHello,
};

use super::codes::{bytes, code, code_list, none, size, uint};
use super::extensions::{Side, extensions_node};
use super::tree::Node;
use super::{InspectError, OffsetMap};

/// A parsed body: the nodes to show and the whole message (header and body) written back
/// with the message's framing.
pub(crate) struct Body {
    /// The typed body node (e.g. `client_hello`), if the type is one this tool reads.
    pub node: Option<Node>,
    /// The message re-encoded from the parse.
    pub reencoded: Vec<u8>,
}

/// Parses `body` as a message of type `msg_type` and re-encodes it with `framing`
/// (`TlsMessage` or `DtlsMessage`). `map` turns body offsets into input offsets.
pub(crate) fn body(
    msg_type: HandshakeType,
    body: &[u8],
    flavor: Flavor,
    framing: Framing,
    map: &OffsetMap,
) -> Result<Body, InspectError> {
    match msg_type {
        HandshakeType::CLIENT_HELLO => {
            let ch = ClientHello::parse(body, flavor).map_err(|e| map.error(e))?;
            let node = client_hello_node(&ch, map)?;
            let reencoded = write(framing.overhead() + ch.body_len(), |out| {
                ch.write(framing, out)
            })?;
            Ok(Body {
                node: Some(node),
                reencoded,
            })
        }
        HandshakeType::SERVER_HELLO => {
            let sh = ServerHello::parse(body).map_err(|e| map.error(e))?;
            let node = server_hello_node(&sh, map)?;
            let reencoded = write(framing.overhead() + sh.body_len(), |out| {
                sh.write(framing, out)
            })?;
            Ok(Body {
                node: Some(node),
                reencoded,
            })
        }
        HandshakeType::HELLO_VERIFY_REQUEST => {
            let hvr = HelloVerifyRequest::parse(body).map_err(|e| map.error(e))?;
            let node = Node::fields(
                "hello_verify_request",
                vec![
                    code("server_version", hvr.server_version),
                    size("cookie_length", hvr.cookie.len()),
                    bytes("cookie", hvr.cookie),
                ],
            );
            let reencoded = write(hvr.encoded_len(framing), |out| hvr.write(framing, out))?;
            Ok(Body {
                node: Some(node),
                reencoded,
            })
        }
        _ => Ok(Body {
            node: None,
            reencoded: raw_message(msg_type, body, framing),
        }),
    }
}

/// Runs a codec writer into a buffer of the size it announced.
fn write(
    len: usize,
    f: impl FnOnce(&mut [u8]) -> Result<usize, EncodeError>,
) -> Result<Vec<u8>, InspectError> {
    let mut out = vec![0; len];
    let n = f(&mut out).map_err(|e| InspectError {
        offset: 0,
        field: "re-encoding",
        reason: e.to_string(),
        alert: None,
    })?;
    out.truncate(n);
    Ok(out)
}

/// A message of a type the codec has no writer for: its header written from the parsed
/// fields (unfragmented), then its body as it was.
fn raw_message(msg_type: HandshakeType, body: &[u8], framing: Framing) -> Vec<u8> {
    let len = u24(body.len());
    let mut out = vec![msg_type.get()];
    out.extend_from_slice(&len);
    if let Framing::DtlsMessage { message_seq } | Framing::DtlsRecord { message_seq, .. } = framing
    {
        out.extend_from_slice(&message_seq.to_be_bytes());
        out.extend_from_slice(&[0, 0, 0]);
        out.extend_from_slice(&len);
    }
    out.extend_from_slice(body);
    out
}

/// The three low bytes of `n` (handshake lengths are uint24; larger inputs cannot parse).
pub(crate) fn u24(n: usize) -> [u8; 3] {
    let b = (n as u32).to_be_bytes();
    [b[1], b[2], b[3]]
}

fn client_hello_node(ch: &ClientHello<'_>, map: &OffsetMap) -> Result<Node, InspectError> {
    let mut f = vec![
        code("legacy_version", ch.legacy_version),
        bytes("random", ch.random),
        size("legacy_session_id_length", ch.legacy_session_id.len()),
        bytes("legacy_session_id", ch.legacy_session_id),
    ];
    if let Some(cookie) = ch.legacy_cookie {
        f.push(size("legacy_cookie_length", cookie.len()));
        f.push(bytes("legacy_cookie", cookie));
    }
    f.push(code_list(
        "cipher_suites",
        "cipher_suite",
        ch.cipher_suites.iter(),
    ));
    f.push(Node::list(
        "legacy_compression_methods",
        ch.legacy_compression_methods
            .iter()
            .map(|&m| uint("method", m))
            .collect(),
    ));
    f.push(extensions_node(ch.extensions, Side::Client, map)?);
    Ok(Node::fields("client_hello", f))
}

fn server_hello_node(sh: &ServerHello<'_>, map: &OffsetMap) -> Result<Node, InspectError> {
    let hrr = sh.is_hello_retry_request();
    let opt = |label: &str, v: Option<Node>| v.unwrap_or_else(|| none(label));
    Ok(Node::fields(
        "server_hello",
        vec![
            Node::leaf("is_hello_retry_request", super::tree::Value::Bool(hrr)),
            code("legacy_version", sh.legacy_version),
            bytes("random", sh.random),
            size(
                "legacy_session_id_echo_length",
                sh.legacy_session_id_echo.len(),
            ),
            bytes("legacy_session_id_echo", sh.legacy_session_id_echo),
            code("cipher_suite", sh.cipher_suite),
            uint("legacy_compression_method", sh.legacy_compression_method),
            opt(
                "selected_version",
                sh.selected_version().map(|v| code("selected_version", v)),
            ),
            opt(
                "selected_group",
                sh.selected_group().map(|g| code("selected_group", g)),
            ),
            opt(
                "cookie_length",
                sh.cookie().map(|c| size("cookie_length", c.len())),
            ),
            extensions_node(sh.extensions, Side::Server { hrr }, map)?,
        ],
    ))
}

/// The leading fields of a DTLS ClientHello first fragment. A fragment that ends before
/// the legacy cookie does is shown as such rather than refused: fragmenting there is legal,
/// only a gate cannot decide on it.
pub(crate) fn client_hello_prefix_node(
    fragment: &[u8],
    map: &OffsetMap,
) -> Result<Node, InspectError> {
    let p = match DtlsClientHelloPrefix::parse(fragment) {
        Ok(p) => p,
        Err(e) if matches!(e.kind, DecodeErrorKind::Truncated { .. }) => {
            return Ok(Node::leaf(
                "client_hello_prefix",
                super::tree::Value::Text(format!(
                    "incomplete: fragment ends inside {} at offset {}",
                    e.field,
                    map.abs(e.offset)
                )),
            ));
        }
        Err(e) => return Err(map.error(e)),
    };
    let (suites, compression) = match p.suites_and_compression {
        Some((s, c)) => (
            code_list("cipher_suites", "cipher_suite", s.iter()),
            Node::list(
                "legacy_compression_methods",
                c.iter().map(|&m| uint("method", m)).collect(),
            ),
        ),
        None => (none("cipher_suites"), none("legacy_compression_methods")),
    };
    Ok(Node::fields(
        "client_hello_prefix",
        vec![
            code("legacy_version", p.legacy_version),
            bytes("random", p.random),
            size("legacy_session_id_length", p.legacy_session_id.len()),
            bytes("legacy_session_id", p.legacy_session_id),
            size("legacy_cookie_length", p.legacy_cookie.len()),
            bytes("legacy_cookie", p.legacy_cookie),
            suites,
            compression,
        ],
    ))
}
