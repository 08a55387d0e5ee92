//! The inspection tree and its two renderings, indented text and JSON.
//!
//! The inspector builds one [`Node`] tree per input; the text and JSON outputs are two
//! views of the same tree, so they can never disagree about what was parsed.

use serde_json::{Map, Value as Json};

use crate::hex;

/// A scalar shown at a node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// No value: the node only groups its children.
    None,
    /// A flag.
    Bool(bool),
    /// A number: a length, an offset, a sequence number.
    Uint(u64),
    /// Text, such as a host name or an ALPN protocol name.
    Text(String),
    /// Bytes, shown as lowercase hex.
    Bytes(Vec<u8>),
    /// A registry value (content type, cipher suite, group...): its wire number, how many
    /// hex digits it has on the wire, and its IANA name when known.
    Code {
        /// The wire value.
        value: u64,
        /// Hex digits of the wire form (2 for a byte, 4 for a u16).
        digits: usize,
        /// The IANA name, `None` for values this tool does not know (or GREASE).
        name: Option<&'static str>,
    },
}

/// How a node's children are grouped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// Children are named fields (a JSON object).
    Fields,
    /// Children are the entries of a list (a JSON array); their labels only label the text.
    List,
}

/// One node of the tree: a labelled value, or a group of children.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// The field name (a JSON key); for list entries, the entry's label in text output.
    pub label: String,
    /// The node's scalar, [`Value::None`] for groups.
    pub value: Value,
    /// How the children are grouped.
    pub shape: Shape,
    /// The children, in wire order.
    pub children: Vec<Node>,
}

impl Node {
    /// A leaf.
    pub fn leaf(label: impl Into<String>, value: Value) -> Self {
        Self {
            label: label.into(),
            value,
            shape: Shape::Fields,
            children: Vec::new(),
        }
    }

    /// A group of named fields.
    pub fn fields(label: impl Into<String>, children: Vec<Node>) -> Self {
        Self {
            label: label.into(),
            value: Value::None,
            shape: Shape::Fields,
            children,
        }
    }

    /// A list.
    pub fn list(label: impl Into<String>, children: Vec<Node>) -> Self {
        Self {
            label: label.into(),
            value: Value::None,
            shape: Shape::List,
            children,
        }
    }

    /// The child named `label`, for tests and callers that look one field up.
    pub fn get(&self, label: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.label == label)
    }

    /// The node at a `/`-separated path of labels (list entries are addressed by index).
    pub fn at(&self, path: &str) -> Option<&Node> {
        path.split('/')
            .try_fold(self, |node, step| match node.shape {
                Shape::List => step
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| node.children.get(i)),
                Shape::Fields => node.get(step),
            })
    }

    /// The tree as JSON. Field groups become objects with keys in insertion order, lists
    /// become arrays, codes become `{"value": n, "name": "..."|null}`, bytes become hex
    /// strings.
    pub fn to_json(&self) -> Json {
        match self.shape {
            Shape::List => Json::Array(self.children.iter().map(Node::to_json).collect()),
            Shape::Fields if self.children.is_empty() => value_json(&self.value),
            Shape::Fields => {
                let mut map = Map::new();
                for c in &self.children {
                    map.insert(c.label.clone(), c.to_json());
                }
                Json::Object(map)
            }
        }
    }

    /// The tree as indented text, one field per line, two spaces per level.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for c in &self.children {
            write_text(c, 0, &mut out);
        }
        out
    }
}

fn value_json(v: &Value) -> Json {
    match v {
        Value::None => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Uint(n) => Json::from(*n),
        Value::Text(s) => Json::String(s.clone()),
        Value::Bytes(b) => Json::String(hex::encode(b)),
        Value::Code { value, name, .. } => {
            let mut map = Map::new();
            map.insert("value".into(), Json::from(*value));
            map.insert(
                "name".into(),
                name.map_or(Json::Null, |n| Json::String(n.into())),
            );
            Json::Object(map)
        }
    }
}

/// True for a GREASE value (RFC 8701): 0x?a?a with both bytes equal.
fn is_grease(value: u64, digits: usize) -> bool {
    digits == 4 && value & 0x0f0f == 0x0a0a && value >> 8 == value & 0xff
}

fn value_text(v: &Value) -> String {
    match v {
        Value::None => "(none)".into(),
        Value::Bool(b) => b.to_string(),
        Value::Uint(n) => n.to_string(),
        Value::Text(s) => format!("{s:?}"),
        Value::Bytes(b) if b.is_empty() => "(empty)".into(),
        Value::Bytes(b) => hex::encode(b),
        Value::Code {
            value,
            digits,
            name,
        } => match name {
            Some(n) => format!("{n} (0x{value:0digits$x})"),
            None if is_grease(*value, *digits) => format!("GREASE (0x{value:0digits$x})"),
            None => format!("unknown (0x{value:0digits$x})"),
        },
    }
}

fn write_text(node: &Node, depth: usize, out: &mut String) {
    write_labelled(node, &node.label, depth, out);
}

fn write_labelled(node: &Node, label: &str, depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    let value = match node.value {
        Value::None => String::new(),
        ref v => value_text(v),
    };
    match (node.shape, node.children.is_empty()) {
        (Shape::List, true) => out.push_str(&format!("{pad}{label}: (empty list)\n")),
        (Shape::List, false) => {
            out.push_str(&format!("{pad}{label} ({}):\n", node.children.len()));
            for (i, c) in node.children.iter().enumerate() {
                write_labelled(c, &format!("{}[{i}]", c.label), depth + 1, out);
            }
        }
        (Shape::Fields, true) => {
            let value = value_text(&node.value);
            out.push_str(&format!("{pad}{label}: {value}\n"));
        }
        (Shape::Fields, false) => {
            if value.is_empty() {
                out.push_str(&format!("{pad}{label}:\n"));
            } else {
                out.push_str(&format!("{pad}{label}: {value}\n"));
            }
            for c in &node.children {
                write_text(c, depth + 1, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Node {
        Node::fields(
            "",
            vec![
                Node::leaf("length", Value::Uint(3)),
                Node::list(
                    "suites",
                    vec![
                        Node::leaf(
                            "suite",
                            Value::Code {
                                value: 0x1301,
                                digits: 4,
                                name: Some("TLS_AES_128_GCM_SHA256"),
                            },
                        ),
                        Node::leaf(
                            "suite",
                            Value::Code {
                                value: 0x3a3a,
                                digits: 4,
                                name: None,
                            },
                        ),
                    ],
                ),
                Node::leaf("random", Value::Bytes(vec![0xab, 0x01])),
                Node::leaf("sni", Value::Text("a\"b".into())),
            ],
        )
    }

    #[test]
    fn json_keeps_insertion_order_and_types() {
        let s = serde_json::to_string(&sample().to_json()).unwrap();
        assert_eq!(
            s,
            r#"{"length":3,"suites":[{"value":4865,"name":"TLS_AES_128_GCM_SHA256"},{"value":14906,"name":null}],"random":"ab01","sni":"a\"b"}"#
        );
    }

    #[test]
    fn text_indents_lists_and_names_grease() {
        assert_eq!(
            sample().to_text(),
            "length: 3\nsuites (2):\n  suite[0]: TLS_AES_128_GCM_SHA256 (0x1301)\n  suite[1]: GREASE (0x3a3a)\nrandom: ab01\nsni: \"a\\\"b\"\n"
        );
    }

    #[test]
    fn path_lookup_walks_fields_and_list_indices() {
        let t = sample();
        assert_eq!(
            t.at("suites/1").map(|n| &n.value),
            Some(&Value::Code {
                value: 0x3a3a,
                digits: 4,
                name: None
            })
        );
        assert!(t.at("suites/2").is_none());
        assert!(t.at("nope").is_none());
    }
}
