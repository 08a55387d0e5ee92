//! Extension nodes: type, name, length and typed contents of every extension of a
//! ClientHello or ServerHello/HelloRetryRequest.

use hellogate_codec::{
    ClientExtension, Extension, Extensions, PskKeyExchangeMode, ServerExtension,
};

use super::codes::{bytes, code, code_list, none, size, text_or_bytes, uint};
use super::tree::Node;
use super::{InspectError, OffsetMap};

/// Which message the extensions belong to: their contents are read differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Side {
    /// A ClientHello.
    Client,
    /// A ServerHello (`false`) or HelloRetryRequest (`true`).
    Server { hrr: bool },
}

/// The `extensions` list, or `null` when the message has no extensions block.
pub(crate) fn extensions_node(
    block: Option<Extensions<'_>>,
    side: Side,
    map: &OffsetMap,
) -> Result<Node, InspectError> {
    let Some(block) = block else {
        return Ok(none("extensions"));
    };
    let mut entries = Vec::new();
    for ext in block.iter() {
        entries.push(extension_node(&ext, side, map)?);
    }
    Ok(Node::list("extensions", entries))
}

fn extension_node(ext: &Extension<'_>, side: Side, map: &OffsetMap) -> Result<Node, InspectError> {
    let contents = match side {
        Side::Client => client_contents(ext, map)?,
        Side::Server { hrr } => server_contents(ext, hrr, map)?,
    };
    Ok(Node::fields(
        "extension",
        vec![
            size("offset", map.abs(ext.offset)),
            code("extension_type", ext.extension_type),
            size("length", ext.data.len()),
            contents,
        ],
    ))
}

fn contents(children: Vec<Node>) -> Node {
    Node::fields("contents", children)
}

fn client_contents(ext: &Extension<'_>, map: &OffsetMap) -> Result<Node, InspectError> {
    let parsed = ext.parse_client().map_err(|e| map.error(e))?;
    Ok(match parsed {
        ClientExtension::ServerName(names) => contents(vec![Node::list(
            "server_name_list",
            names
                .iter()
                .map(|n| {
                    Node::fields(
                        "server_name",
                        vec![
                            uint("name_type", n.name_type),
                            text_or_bytes("host_name", n.name),
                        ],
                    )
                })
                .collect(),
        )]),
        ClientExtension::SupportedGroups(g) => {
            contents(vec![code_list("named_group_list", "group", g.iter())])
        }
        ClientExtension::EcPointFormats(f) => contents(vec![Node::list(
            "ec_point_format_list",
            f.iter().map(|&b| uint("format", b)).collect(),
        )]),
        ClientExtension::SignatureAlgorithms(s) | ClientExtension::SignatureAlgorithmsCert(s) => {
            contents(vec![code_list(
                "supported_signature_algorithms",
                "scheme",
                s.iter(),
            )])
        }
        ClientExtension::Alpn(names) => contents(vec![Node::list(
            "protocol_name_list",
            names
                .iter()
                .map(|n| text_or_bytes("protocol_name", n))
                .collect(),
        )]),
        ClientExtension::Padding(n) => contents(vec![size("padding_length", n)]),
        ClientExtension::RecordSizeLimit(n) => contents(vec![uint("record_size_limit", n)]),
        ClientExtension::SessionTicket(t) => contents(vec![size("ticket_length", t.len())]),
        ClientExtension::PreSharedKey(psk) => contents(vec![
            Node::list(
                "identities",
                psk.identities()
                    .map(|id| {
                        Node::fields(
                            "identity",
                            vec![
                                size("identity_length", id.identity.len()),
                                uint("obfuscated_ticket_age", id.obfuscated_ticket_age),
                            ],
                        )
                    })
                    .collect(),
            ),
            Node::list(
                "binders",
                psk.binders()
                    .map(|b| Node::fields("binder", vec![size("binder_length", b.len())]))
                    .collect(),
            ),
            size("binders_offset", map.abs(psk.binders_offset)),
        ]),
        ClientExtension::SupportedVersions(v) => {
            contents(vec![code_list("versions", "version", v.iter())])
        }
        ClientExtension::Cookie(c) => {
            contents(vec![size("cookie_length", c.len()), bytes("cookie", c)])
        }
        ClientExtension::PskKeyExchangeModes(m) => contents(vec![code_list(
            "ke_modes",
            "mode",
            m.iter().map(|&b| PskKeyExchangeMode(b)),
        )]),
        ClientExtension::KeyShare(shares) => contents(vec![Node::list(
            "client_shares",
            shares
                .iter()
                .map(|s| {
                    Node::fields(
                        "key_share_entry",
                        vec![
                            code("group", s.group),
                            size("key_exchange_length", s.key_exchange.len()),
                        ],
                    )
                })
                .collect(),
        )]),
        ClientExtension::RenegotiationInfo(r) => {
            contents(vec![bytes("renegotiated_connection", r)])
        }
        ClientExtension::EncryptThenMac
        | ClientExtension::ExtendedMasterSecret
        | ClientExtension::EarlyData => none("contents"),
        // Other, and any variant a newer codec adds: the raw bytes.
        _ => contents(vec![bytes("data", ext.data)]),
    })
}

fn server_contents(ext: &Extension<'_>, hrr: bool, map: &OffsetMap) -> Result<Node, InspectError> {
    let parsed = ext.parse_server(hrr).map_err(|e| map.error(e))?;
    Ok(match parsed {
        ServerExtension::SupportedVersions(v) => contents(vec![code("selected_version", v)]),
        ServerExtension::KeyShareSelectedGroup(g) => contents(vec![code("selected_group", g)]),
        ServerExtension::KeyShare(s) => contents(vec![Node::fields(
            "server_share",
            vec![
                code("group", s.group),
                size("key_exchange_length", s.key_exchange.len()),
            ],
        )]),
        ServerExtension::Cookie(c) => {
            contents(vec![size("cookie_length", c.len()), bytes("cookie", c)])
        }
        ServerExtension::PreSharedKey(i) => contents(vec![uint("selected_identity", i)]),
        ServerExtension::RenegotiationInfo(r) => {
            contents(vec![bytes("renegotiated_connection", r)])
        }
        _ => contents(vec![bytes("data", ext.data)]),
    })
}
