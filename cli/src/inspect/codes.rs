//! Registry values as tree leaves: every open enum of the codec shown with its wire number
//! and IANA name, so the JSON carries both and the text reads `name (0x....)`.

use hellogate_codec::{
    AlertDescription, AlertLevel, CipherSuite, ContentType, ExtensionType, HandshakeType,
    NamedGroup, ProtocolVersion, PskKeyExchangeMode, SignatureScheme,
};

use super::tree::{Node, Value};

/// A codec registry type: its wire value, width and IANA name.
pub(crate) trait Registry: Copy {
    /// Hex digits of the wire form.
    const DIGITS: usize;
    /// The wire value.
    fn wire(self) -> u64;
    /// The IANA name, if known.
    fn iana(self) -> Option<&'static str>;
}

macro_rules! registry {
    ($($t:ty => $digits:literal),* $(,)?) => {$(
        impl Registry for $t {
            const DIGITS: usize = $digits;
            fn wire(self) -> u64 {
                u64::from(self.get())
            }
            fn iana(self) -> Option<&'static str> {
                self.name()
            }
        }
    )*};
}

registry! {
    ContentType => 2,
    HandshakeType => 2,
    ProtocolVersion => 4,
    CipherSuite => 4,
    NamedGroup => 4,
    ExtensionType => 4,
    SignatureScheme => 4,
    AlertLevel => 2,
    AlertDescription => 2,
    PskKeyExchangeMode => 2,
}

/// The leaf value of a registry entry.
pub(crate) fn code_value<T: Registry>(v: T) -> Value {
    Value::Code {
        value: v.wire(),
        digits: T::DIGITS,
        name: v.iana(),
    }
}

/// A leaf holding a registry value.
pub(crate) fn code<T: Registry>(label: &str, v: T) -> Node {
    Node::leaf(label, code_value(v))
}

/// A list of registry values, each entry labelled `entry`.
pub(crate) fn code_list<T: Registry>(
    label: &str,
    entry: &str,
    values: impl Iterator<Item = T>,
) -> Node {
    Node::list(label, values.map(|v| code(entry, v)).collect())
}

/// A leaf holding a length or offset.
pub(crate) fn uint(label: &str, n: impl Into<u64>) -> Node {
    Node::leaf(label, Value::Uint(n.into()))
}

/// A leaf holding a `usize` count (lengths and offsets are bounded by the input size).
pub(crate) fn size(label: &str, n: usize) -> Node {
    Node::leaf(label, Value::Uint(n as u64))
}

/// A leaf holding bytes.
pub(crate) fn bytes(label: &str, b: &[u8]) -> Node {
    Node::leaf(label, Value::Bytes(b.to_vec()))
}

/// Text when the bytes are UTF-8 (host names, ALPN ids), hex otherwise.
pub(crate) fn text_or_bytes(label: &str, b: &[u8]) -> Node {
    match core::str::from_utf8(b) {
        Ok(s) => Node::leaf(label, Value::Text(s.to_owned())),
        Err(_) => bytes(label, b),
    }
}

/// A leaf that is absent (`null` in JSON).
pub(crate) fn none(label: &str) -> Node {
    Node::leaf(label, Value::None)
}
