#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]

pub mod alert;
pub mod client_hello;
pub mod enums;
pub mod error;
pub mod extensions;
pub mod first_flight;
pub mod handshake;
pub mod hello_verify_request;
pub mod lists;
mod reader;
pub mod record;
pub mod server_hello;
mod writer;

pub use alert::{Alert, ChangeCipherSpec, RecordFraming};
pub use client_hello::{
    ClientHello, ClientHelloWriter, DtlsClientHelloPrefix, Flavor, KnownExtensions,
};
pub use enums::{
    AlertDescription, AlertLevel, CipherSuite, ContentType, ExtensionType, HandshakeType,
    HashAlgorithm, NamedGroup, ProtocolVersion, PskKeyExchangeMode, SignatureScheme,
};
pub use error::{DecodeError, DecodeErrorKind, EncodeError};
pub use extensions::{ClientExtension, Extension, Extensions, ServerExtension};
pub use first_flight::{ClientHelloOutline, dtls_returns_legacy_cookie};
pub use handshake::{DtlsHandshake, Framing, Handshake, write_message_hash};
pub use hello_verify_request::HelloVerifyRequest;
pub use lists::{KeyShareEntry, KeyShares, PreSharedKey, PskIdentity, U16List};
pub use record::{
    DtlsRecord, DtlsRecordHeader, DtlsRecords, RecordNeed, TlsRecord, TlsRecordHeader,
};
pub use server_hello::{HELLO_RETRY_REQUEST_RANDOM, HelloRetryRequest, ServerHello};
