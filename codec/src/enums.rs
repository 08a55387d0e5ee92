//! Open enums for the registries the first flight uses.
//!
//! Every registry is a transparent newtype over its wire integer with associated constants
//! for the values IANA names. An unknown value is still a value: it parses, prints as hex,
//! compares, and re-encodes unchanged, which is what lets GREASE (RFC 8701) and codepoints
//! newer than this crate pass through a gate that does not understand them.

use core::fmt;

macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $name:ident($repr:ty, $width:literal) {
            $( $konst:ident = $value:literal => $iana:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $name(pub $repr);

        impl $name {
            $(
                #[doc = concat!("`", $iana, "` (", stringify!($value), ")")]
                pub const $konst: Self = Self($value);
            )*

            /// The IANA name of this value, or `None` for a value this crate does not know.
            pub const fn name(self) -> Option<&'static str> {
                match self.0 {
                    $( $value => Some($iana), )*
                    _ => None,
                }
            }

            /// The value as it goes on the wire.
            pub const fn get(self) -> $repr {
                self.0
            }
        }

        impl From<$repr> for $name {
            fn from(v: $repr) -> Self {
                Self(v)
            }
        }

        impl From<$name> for $repr {
            fn from(v: $name) -> Self {
                v.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.name() {
                    Some(n) => f.write_str(n),
                    None => write!(f, concat!(stringify!($name), "(0x{:0", $width, "x})"), self.0),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.name() {
                    Some(n) => f.write_str(n),
                    None => write!(f, concat!("0x{:0", $width, "x}"), self.0),
                }
            }
        }
    };
}

open_enum! {
    /// TLSPlaintext / DTLSPlaintext `ContentType` (RFC 8446 section 5.1, RFC 9147 section 4).
    ContentType(u8, 2) {
        CHANGE_CIPHER_SPEC = 20 => "change_cipher_spec",
        ALERT = 21 => "alert",
        HANDSHAKE = 22 => "handshake",
        APPLICATION_DATA = 23 => "application_data",
        HEARTBEAT = 24 => "heartbeat",
        TLS12_CID = 25 => "tls12_cid",
        ACK = 26 => "ack",
    }
}

open_enum! {
    /// `HandshakeType` (RFC 8446 section 4, RFC 6347 section 4.3.2, RFC 9147 section 5.2).
    HandshakeType(u8, 2) {
        HELLO_REQUEST = 0 => "hello_request",
        CLIENT_HELLO = 1 => "client_hello",
        SERVER_HELLO = 2 => "server_hello",
        HELLO_VERIFY_REQUEST = 3 => "hello_verify_request",
        NEW_SESSION_TICKET = 4 => "new_session_ticket",
        END_OF_EARLY_DATA = 5 => "end_of_early_data",
        HELLO_RETRY_REQUEST = 6 => "hello_retry_request",
        ENCRYPTED_EXTENSIONS = 8 => "encrypted_extensions",
        REQUEST_CONNECTION_ID = 9 => "request_connection_id",
        NEW_CONNECTION_ID = 10 => "new_connection_id",
        CERTIFICATE = 11 => "certificate",
        SERVER_KEY_EXCHANGE = 12 => "server_key_exchange",
        CERTIFICATE_REQUEST = 13 => "certificate_request",
        SERVER_HELLO_DONE = 14 => "server_hello_done",
        CERTIFICATE_VERIFY = 15 => "certificate_verify",
        CLIENT_KEY_EXCHANGE = 16 => "client_key_exchange",
        FINISHED = 20 => "finished",
        CERTIFICATE_STATUS = 22 => "certificate_status",
        KEY_UPDATE = 24 => "key_update",
        COMPRESSED_CERTIFICATE = 25 => "compressed_certificate",
        MESSAGE_HASH = 254 => "message_hash",
    }
}

open_enum! {
    /// `ProtocolVersion` as it appears in record headers, legacy_version fields and
    /// supported_versions.
    ProtocolVersion(u16, 4) {
        SSL3 = 0x0300 => "SSLv3",
        TLS1_0 = 0x0301 => "TLSv1.0",
        TLS1_1 = 0x0302 => "TLSv1.1",
        TLS1_2 = 0x0303 => "TLSv1.2",
        TLS1_3 = 0x0304 => "TLSv1.3",
        DTLS1_0 = 0xfeff => "DTLSv1.0",
        DTLS1_2 = 0xfefd => "DTLSv1.2",
        DTLS1_3 = 0xfefc => "DTLSv1.3",
    }
}

impl ProtocolVersion {
    /// True for the DTLS version numbers (the one's complement of the TLS ones, so they
    /// all start with 0xfe).
    pub const fn is_dtls(self) -> bool {
        self.0 >> 8 == 0xfe
    }

    /// True for a GREASE value (RFC 8701): 0x?a?a with both bytes equal.
    pub const fn is_grease(self) -> bool {
        is_grease_u16(self.0)
    }

    /// What a ClientHello's legacy_version offers when the ClientHello has no
    /// supported_versions extension: itself, or (D)TLS 1.2 when it names a later version.
    /// RFC 8446 section 4.2.1: without the extension a server negotiates TLS 1.2 or earlier,
    /// even if legacy_version is 0x0304 or later (and so for DTLS, RFC 9147 section 5.3).
    pub const fn legacy_offer(self) -> Self {
        match self.0 {
            0x0304..=0x03ff => Self::TLS1_2,
            // DTLS numbers count down: 0xfefc is DTLS 1.3, anything below is later still.
            0xfe00..=0xfefc => Self::DTLS1_2,
            _ => self,
        }
    }
}

open_enum! {
    /// `CipherSuite` (IANA TLS Cipher Suites registry).
    CipherSuite(u16, 4) {
        TLS_EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff => "TLS_EMPTY_RENEGOTIATION_INFO_SCSV",
        TLS_FALLBACK_SCSV = 0x5600 => "TLS_FALLBACK_SCSV",
        TLS_AES_128_GCM_SHA256 = 0x1301 => "TLS_AES_128_GCM_SHA256",
        TLS_AES_256_GCM_SHA384 = 0x1302 => "TLS_AES_256_GCM_SHA384",
        TLS_CHACHA20_POLY1305_SHA256 = 0x1303 => "TLS_CHACHA20_POLY1305_SHA256",
        TLS_AES_128_CCM_SHA256 = 0x1304 => "TLS_AES_128_CCM_SHA256",
        TLS_AES_128_CCM_8_SHA256 = 0x1305 => "TLS_AES_128_CCM_8_SHA256",
        TLS_RSA_WITH_AES_128_CBC_SHA = 0x002f => "TLS_RSA_WITH_AES_128_CBC_SHA",
        TLS_RSA_WITH_AES_256_CBC_SHA = 0x0035 => "TLS_RSA_WITH_AES_256_CBC_SHA",
        TLS_RSA_WITH_AES_128_CBC_SHA256 = 0x003c => "TLS_RSA_WITH_AES_128_CBC_SHA256",
        TLS_RSA_WITH_AES_256_CBC_SHA256 = 0x003d => "TLS_RSA_WITH_AES_256_CBC_SHA256",
        TLS_DHE_RSA_WITH_AES_128_CBC_SHA = 0x0033 => "TLS_DHE_RSA_WITH_AES_128_CBC_SHA",
        TLS_DHE_RSA_WITH_AES_256_CBC_SHA = 0x0039 => "TLS_DHE_RSA_WITH_AES_256_CBC_SHA",
        TLS_DHE_RSA_WITH_AES_128_CBC_SHA256 = 0x0067 => "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256",
        TLS_DHE_RSA_WITH_AES_256_CBC_SHA256 = 0x006b => "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256",
        TLS_RSA_WITH_AES_128_GCM_SHA256 = 0x009c => "TLS_RSA_WITH_AES_128_GCM_SHA256",
        TLS_RSA_WITH_AES_256_GCM_SHA384 = 0x009d => "TLS_RSA_WITH_AES_256_GCM_SHA384",
        TLS_DHE_RSA_WITH_AES_128_GCM_SHA256 = 0x009e => "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
        TLS_DHE_RSA_WITH_AES_256_GCM_SHA384 = 0x009f => "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
        TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA = 0xc009 => "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
        TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA = 0xc00a => "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
        TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA = 0xc013 => "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
        TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA = 0xc014 => "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
        TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256 = 0xc023 => "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
        TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384 = 0xc024 => "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
        TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256 = 0xc027 => "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
        TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384 = 0xc028 => "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
        TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 = 0xc02b => "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 = 0xc02c => "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 = 0xc02f => "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 = 0xc030 => "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        TLS_ECDHE_ECDSA_WITH_AES_128_CCM = 0xc0ac => "TLS_ECDHE_ECDSA_WITH_AES_128_CCM",
        TLS_ECDHE_ECDSA_WITH_AES_256_CCM = 0xc0ad => "TLS_ECDHE_ECDSA_WITH_AES_256_CCM",
        TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8 = 0xc0ae => "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8",
        TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8 = 0xc0af => "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8",
        TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 = 0xcca8 => "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 = 0xcca9 => "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256 = 0xccaa => "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        TLS_DHE_RSA_WITH_AES_128_CCM = 0xc09e => "TLS_DHE_RSA_WITH_AES_128_CCM",
        TLS_DHE_RSA_WITH_AES_256_CCM = 0xc09f => "TLS_DHE_RSA_WITH_AES_256_CCM",
        TLS_RSA_WITH_AES_128_CCM = 0xc09c => "TLS_RSA_WITH_AES_128_CCM",
        TLS_RSA_WITH_AES_256_CCM = 0xc09d => "TLS_RSA_WITH_AES_256_CCM",
        TLS_RSA_WITH_3DES_EDE_CBC_SHA = 0x000a => "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
        TLS_PSK_WITH_AES_128_GCM_SHA256 = 0x00a8 => "TLS_PSK_WITH_AES_128_GCM_SHA256",
        TLS_PSK_WITH_AES_256_GCM_SHA384 = 0x00a9 => "TLS_PSK_WITH_AES_256_GCM_SHA384",
        TLS_RSA_WITH_RC4_128_MD5 = 0x0004 => "TLS_RSA_WITH_RC4_128_MD5",
        TLS_RSA_WITH_RC4_128_SHA = 0x0005 => "TLS_RSA_WITH_RC4_128_SHA",
        TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA = 0x0016 => "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA",
        TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA = 0xc008 => "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA",
        TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA = 0xc012 => "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
        TLS_PSK_WITH_AES_128_CBC_SHA = 0x008c => "TLS_PSK_WITH_AES_128_CBC_SHA",
        TLS_PSK_WITH_AES_256_CBC_SHA = 0x008d => "TLS_PSK_WITH_AES_256_CBC_SHA",
        TLS_PSK_WITH_AES_128_CBC_SHA256 = 0x00ae => "TLS_PSK_WITH_AES_128_CBC_SHA256",
        TLS_PSK_WITH_AES_256_CBC_SHA384 = 0x00af => "TLS_PSK_WITH_AES_256_CBC_SHA384",
        TLS_PSK_WITH_AES_128_CCM = 0xc0a4 => "TLS_PSK_WITH_AES_128_CCM",
        TLS_PSK_WITH_AES_256_CCM = 0xc0a5 => "TLS_PSK_WITH_AES_256_CCM",
        TLS_PSK_WITH_AES_128_CCM_8 = 0xc0a8 => "TLS_PSK_WITH_AES_128_CCM_8",
        TLS_PSK_WITH_AES_256_CCM_8 = 0xc0a9 => "TLS_PSK_WITH_AES_256_CCM_8",
        TLS_PSK_WITH_CHACHA20_POLY1305_SHA256 = 0xccab => "TLS_PSK_WITH_CHACHA20_POLY1305_SHA256",
        TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256 = 0xc037 => "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256",
        TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256 = 0xccac => "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256",
        TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256 = 0xd001 => "TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256",
        TLS_SHA256_SHA256 = 0xc0b4 => "TLS_SHA256_SHA256",
        TLS_SHA384_SHA384 = 0xc0b5 => "TLS_SHA384_SHA384",
    }
}

/// The hash a TLS 1.3 cipher suite uses for its transcript and HKDF (RFC 8446 appendix B.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HashAlgorithm {
    /// SHA-256, 32-byte output.
    Sha256,
    /// SHA-384, 48-byte output.
    Sha384,
}

impl HashAlgorithm {
    /// Output length in bytes.
    pub const fn output_len(self) -> usize {
        match self {
            Self::Sha256 => 32,
            Self::Sha384 => 48,
        }
    }
}

impl CipherSuite {
    /// True for the five TLS 1.3 suites of RFC 8446 appendix B.4.
    pub const fn is_tls13(self) -> bool {
        matches!(self.0, 0x1301..=0x1305)
    }

    /// The transcript hash of a TLS 1.3 suite; `None` for any other suite.
    pub const fn tls13_hash(self) -> Option<HashAlgorithm> {
        match self.0 {
            0x1301 | 0x1303 | 0x1304 | 0x1305 => Some(HashAlgorithm::Sha256),
            0x1302 => Some(HashAlgorithm::Sha384),
            _ => None,
        }
    }

    /// True for a GREASE value (RFC 8701).
    pub const fn is_grease(self) -> bool {
        is_grease_u16(self.0)
    }
}

open_enum! {
    /// `NamedGroup` (RFC 8446 section 4.2.7 and the IANA TLS Supported Groups registry).
    NamedGroup(u16, 4) {
        // Deprecated curves (RFC 8422 section 5.1.1); clients built on old stacks still
        // list some of them.
        SECT163K1 = 0x0001 => "sect163k1",
        SECT163R1 = 0x0002 => "sect163r1",
        SECT163R2 = 0x0003 => "sect163r2",
        SECT193R1 = 0x0004 => "sect193r1",
        SECT193R2 = 0x0005 => "sect193r2",
        SECT233K1 = 0x0006 => "sect233k1",
        SECT233R1 = 0x0007 => "sect233r1",
        SECT239K1 = 0x0008 => "sect239k1",
        SECT283K1 = 0x0009 => "sect283k1",
        SECT283R1 = 0x000a => "sect283r1",
        SECT409K1 = 0x000b => "sect409k1",
        SECT409R1 = 0x000c => "sect409r1",
        SECT571K1 = 0x000d => "sect571k1",
        SECT571R1 = 0x000e => "sect571r1",
        SECP160K1 = 0x000f => "secp160k1",
        SECP160R1 = 0x0010 => "secp160r1",
        SECP160R2 = 0x0011 => "secp160r2",
        SECP192K1 = 0x0012 => "secp192k1",
        SECP192R1 = 0x0013 => "secp192r1",
        SECP224K1 = 0x0014 => "secp224k1",
        SECP224R1 = 0x0015 => "secp224r1",
        SECP256K1 = 0x0016 => "secp256k1",
        SECP256R1 = 0x0017 => "secp256r1",
        SECP384R1 = 0x0018 => "secp384r1",
        SECP521R1 = 0x0019 => "secp521r1",
        BRAINPOOLP256R1 = 0x001a => "brainpoolP256r1",
        BRAINPOOLP384R1 = 0x001b => "brainpoolP384r1",
        BRAINPOOLP512R1 = 0x001c => "brainpoolP512r1",
        X25519 = 0x001d => "x25519",
        X448 = 0x001e => "x448",
        BRAINPOOLP256R1TLS13 = 0x001f => "brainpoolP256r1tls13",
        BRAINPOOLP384R1TLS13 = 0x0020 => "brainpoolP384r1tls13",
        BRAINPOOLP512R1TLS13 = 0x0021 => "brainpoolP512r1tls13",
        GC256A = 0x0022 => "GC256A",
        GC256B = 0x0023 => "GC256B",
        GC256C = 0x0024 => "GC256C",
        GC256D = 0x0025 => "GC256D",
        GC512A = 0x0026 => "GC512A",
        GC512B = 0x0027 => "GC512B",
        GC512C = 0x0028 => "GC512C",
        CURVE_SM2 = 0x0029 => "curveSM2",
        FFDHE2048 = 0x0100 => "ffdhe2048",
        FFDHE3072 = 0x0101 => "ffdhe3072",
        FFDHE4096 = 0x0102 => "ffdhe4096",
        FFDHE6144 = 0x0103 => "ffdhe6144",
        FFDHE8192 = 0x0104 => "ffdhe8192",
        MLKEM512 = 0x0200 => "MLKEM512",
        MLKEM768 = 0x0201 => "MLKEM768",
        MLKEM1024 = 0x0202 => "MLKEM1024",
        SECP256R1_MLKEM768 = 0x11eb => "SecP256r1MLKEM768",
        X25519_MLKEM768 = 0x11ec => "X25519MLKEM768",
        SECP384R1_MLKEM1024 = 0x11ed => "SecP384r1MLKEM1024",
        X25519_KYBER768_DRAFT00 = 0x6399 => "X25519Kyber768Draft00",
        SECP256R1_KYBER768_DRAFT00 = 0x639a => "SecP256r1Kyber768Draft00",
        ARBITRARY_EXPLICIT_PRIME_CURVES = 0xff01 => "arbitrary_explicit_prime_curves",
        ARBITRARY_EXPLICIT_CHAR2_CURVES = 0xff02 => "arbitrary_explicit_char2_curves",
    }
}

impl NamedGroup {
    /// True for a GREASE value (RFC 8701).
    pub const fn is_grease(self) -> bool {
        is_grease_u16(self.0)
    }
}

open_enum! {
    /// `ExtensionType` (IANA TLS ExtensionType Values registry).
    ExtensionType(u16, 4) {
        SERVER_NAME = 0 => "server_name",
        MAX_FRAGMENT_LENGTH = 1 => "max_fragment_length",
        CLIENT_CERTIFICATE_URL = 2 => "client_certificate_url",
        TRUSTED_CA_KEYS = 3 => "trusted_ca_keys",
        TRUNCATED_HMAC = 4 => "truncated_hmac",
        STATUS_REQUEST = 5 => "status_request",
        USER_MAPPING = 6 => "user_mapping",
        CLIENT_AUTHZ = 7 => "client_authz",
        SERVER_AUTHZ = 8 => "server_authz",
        CERT_TYPE = 9 => "cert_type",
        SUPPORTED_GROUPS = 10 => "supported_groups",
        EC_POINT_FORMATS = 11 => "ec_point_formats",
        SRP = 12 => "srp",
        SIGNATURE_ALGORITHMS = 13 => "signature_algorithms",
        USE_SRTP = 14 => "use_srtp",
        HEARTBEAT = 15 => "heartbeat",
        APPLICATION_LAYER_PROTOCOL_NEGOTIATION = 16 => "application_layer_protocol_negotiation",
        STATUS_REQUEST_V2 = 17 => "status_request_v2",
        SIGNED_CERTIFICATE_TIMESTAMP = 18 => "signed_certificate_timestamp",
        CLIENT_CERTIFICATE_TYPE = 19 => "client_certificate_type",
        SERVER_CERTIFICATE_TYPE = 20 => "server_certificate_type",
        PADDING = 21 => "padding",
        ENCRYPT_THEN_MAC = 22 => "encrypt_then_mac",
        EXTENDED_MASTER_SECRET = 23 => "extended_master_secret",
        TOKEN_BINDING = 24 => "token_binding",
        CACHED_INFO = 25 => "cached_info",
        TLS_LTS = 26 => "tls_lts",
        COMPRESS_CERTIFICATE = 27 => "compress_certificate",
        RECORD_SIZE_LIMIT = 28 => "record_size_limit",
        PWD_PROTECT = 29 => "pwd_protect",
        PWD_CLEAR = 30 => "pwd_clear",
        PASSWORD_SALT = 31 => "password_salt",
        TICKET_PINNING = 32 => "ticket_pinning",
        TLS_CERT_WITH_EXTERN_PSK = 33 => "tls_cert_with_extern_psk",
        DELEGATED_CREDENTIAL = 34 => "delegated_credential",
        SESSION_TICKET = 35 => "session_ticket",
        TLMSP = 36 => "TLMSP",
        TLMSP_PROXYING = 37 => "TLMSP_proxying",
        TLMSP_DELEGATE = 38 => "TLMSP_delegate",
        SUPPORTED_EKT_CIPHERS = 39 => "supported_ekt_ciphers",
        PRE_SHARED_KEY = 41 => "pre_shared_key",
        EARLY_DATA = 42 => "early_data",
        SUPPORTED_VERSIONS = 43 => "supported_versions",
        COOKIE = 44 => "cookie",
        PSK_KEY_EXCHANGE_MODES = 45 => "psk_key_exchange_modes",
        CERTIFICATE_AUTHORITIES = 47 => "certificate_authorities",
        OID_FILTERS = 48 => "oid_filters",
        POST_HANDSHAKE_AUTH = 49 => "post_handshake_auth",
        SIGNATURE_ALGORITHMS_CERT = 50 => "signature_algorithms_cert",
        KEY_SHARE = 51 => "key_share",
        TRANSPARENCY_INFO = 52 => "transparency_info",
        CONNECTION_ID_DEPRECATED = 53 => "connection_id (deprecated)",
        CONNECTION_ID = 54 => "connection_id",
        EXTERNAL_ID_HASH = 55 => "external_id_hash",
        EXTERNAL_SESSION_ID = 56 => "external_session_id",
        QUIC_TRANSPORT_PARAMETERS = 57 => "quic_transport_parameters",
        TICKET_REQUEST = 58 => "ticket_request",
        DNSSEC_CHAIN = 59 => "dnssec_chain",
        SEQUENCE_NUMBER_ENCRYPTION_ALGORITHMS = 60 => "sequence_number_encryption_algorithms",
        RRC = 61 => "rrc",
        // Not in the IANA registry, but sent by real clients: NPN (OpenSSL 1.0.x, old
        // Chrome) and ALPS (Chrome/BoringSSL, draft-vvv-tls-alps; 17513 is the draft's
        // codepoint, 17613 the one Chrome moved to, which BoringSSL calls
        // application_settings and the old one application_settings_old).
        NEXT_PROTOCOL_NEGOTIATION = 0x3374 => "next_protocol_negotiation",
        APPLICATION_SETTINGS = 0x4469 => "application_settings",
        APPLICATION_SETTINGS_NEW = 0x44cd => "application_settings_new",
        ECH_OUTER_EXTENSIONS = 0xfd00 => "ech_outer_extensions",
        ENCRYPTED_CLIENT_HELLO = 0xfe0d => "encrypted_client_hello",
        RENEGOTIATION_INFO = 0xff01 => "renegotiation_info",
    }
}

impl ExtensionType {
    /// True for a GREASE value (RFC 8701).
    pub const fn is_grease(self) -> bool {
        is_grease_u16(self.0)
    }
}

open_enum! {
    /// `SignatureScheme` (RFC 8446 section 4.2.3 and the IANA TLS SignatureScheme registry).
    ///
    /// The TLS 1.2 hash/signature pairs that registry reserves without a name (0x0202
    /// DSA-SHA1, 0x0301..0x0303 SHA-224, 0x0402/0x0502/0x0602 DSA; OpenSSL still lists
    /// them in DTLS 1.2 ClientHellos) are left unnamed and print as hex.
    SignatureScheme(u16, 4) {
        RSA_PKCS1_SHA1 = 0x0201 => "rsa_pkcs1_sha1",
        ECDSA_SHA1 = 0x0203 => "ecdsa_sha1",
        RSA_PKCS1_SHA256 = 0x0401 => "rsa_pkcs1_sha256",
        RSA_PKCS1_SHA384 = 0x0501 => "rsa_pkcs1_sha384",
        RSA_PKCS1_SHA512 = 0x0601 => "rsa_pkcs1_sha512",
        ECDSA_SECP256R1_SHA256 = 0x0403 => "ecdsa_secp256r1_sha256",
        ECDSA_SECP384R1_SHA384 = 0x0503 => "ecdsa_secp384r1_sha384",
        ECDSA_SECP521R1_SHA512 = 0x0603 => "ecdsa_secp521r1_sha512",
        RSA_PSS_RSAE_SHA256 = 0x0804 => "rsa_pss_rsae_sha256",
        RSA_PSS_RSAE_SHA384 = 0x0805 => "rsa_pss_rsae_sha384",
        RSA_PSS_RSAE_SHA512 = 0x0806 => "rsa_pss_rsae_sha512",
        ED25519 = 0x0807 => "ed25519",
        ED448 = 0x0808 => "ed448",
        RSA_PSS_PSS_SHA256 = 0x0809 => "rsa_pss_pss_sha256",
        RSA_PSS_PSS_SHA384 = 0x080a => "rsa_pss_pss_sha384",
        RSA_PSS_PSS_SHA512 = 0x080b => "rsa_pss_pss_sha512",
        ECDSA_BRAINPOOLP256R1TLS13_SHA256 = 0x081a => "ecdsa_brainpoolP256r1tls13_sha256",
        ECDSA_BRAINPOOLP384R1TLS13_SHA384 = 0x081b => "ecdsa_brainpoolP384r1tls13_sha384",
        ECDSA_BRAINPOOLP512R1TLS13_SHA512 = 0x081c => "ecdsa_brainpoolP512r1tls13_sha512",
        RSA_PKCS1_SHA256_LEGACY = 0x0420 => "rsa_pkcs1_sha256_legacy",
        RSA_PKCS1_SHA384_LEGACY = 0x0520 => "rsa_pkcs1_sha384_legacy",
        RSA_PKCS1_SHA512_LEGACY = 0x0620 => "rsa_pkcs1_sha512_legacy",
        SM2SIG_SM3 = 0x0708 => "sm2sig_sm3",
        GOSTR34102012_256A = 0x0709 => "gostr34102012_256a",
        GOSTR34102012_256B = 0x070a => "gostr34102012_256b",
        GOSTR34102012_256C = 0x070b => "gostr34102012_256c",
        GOSTR34102012_256D = 0x070c => "gostr34102012_256d",
        GOSTR34102012_512A = 0x070d => "gostr34102012_512a",
        GOSTR34102012_512B = 0x070e => "gostr34102012_512b",
        GOSTR34102012_512C = 0x070f => "gostr34102012_512c",
        MLDSA44 = 0x0904 => "mldsa44",
        MLDSA65 = 0x0905 => "mldsa65",
        MLDSA87 = 0x0906 => "mldsa87",
    }
}

open_enum! {
    /// `AlertLevel` (RFC 5246 section 7.2; TLS 1.3 ignores it but it is still on the wire).
    AlertLevel(u8, 2) {
        WARNING = 1 => "warning",
        FATAL = 2 => "fatal",
    }
}

open_enum! {
    /// `AlertDescription` (RFC 8446 section 6, RFC 5246 section 7.2, RFC 5746, RFC 9146,
    /// and the IANA TLS Alerts registry).
    AlertDescription(u8, 2) {
        CLOSE_NOTIFY = 0 => "close_notify",
        UNEXPECTED_MESSAGE = 10 => "unexpected_message",
        BAD_RECORD_MAC = 20 => "bad_record_mac",
        DECRYPTION_FAILED_RESERVED = 21 => "decryption_failed_RESERVED",
        RECORD_OVERFLOW = 22 => "record_overflow",
        DECOMPRESSION_FAILURE_RESERVED = 30 => "decompression_failure_RESERVED",
        HANDSHAKE_FAILURE = 40 => "handshake_failure",
        NO_CERTIFICATE_RESERVED = 41 => "no_certificate_RESERVED",
        BAD_CERTIFICATE = 42 => "bad_certificate",
        UNSUPPORTED_CERTIFICATE = 43 => "unsupported_certificate",
        CERTIFICATE_REVOKED = 44 => "certificate_revoked",
        CERTIFICATE_EXPIRED = 45 => "certificate_expired",
        CERTIFICATE_UNKNOWN = 46 => "certificate_unknown",
        ILLEGAL_PARAMETER = 47 => "illegal_parameter",
        UNKNOWN_CA = 48 => "unknown_ca",
        ACCESS_DENIED = 49 => "access_denied",
        DECODE_ERROR = 50 => "decode_error",
        DECRYPT_ERROR = 51 => "decrypt_error",
        TOO_MANY_CIDS_REQUESTED = 52 => "too_many_cids_requested",
        EXPORT_RESTRICTION_RESERVED = 60 => "export_restriction_RESERVED",
        PROTOCOL_VERSION = 70 => "protocol_version",
        INSUFFICIENT_SECURITY = 71 => "insufficient_security",
        INTERNAL_ERROR = 80 => "internal_error",
        INAPPROPRIATE_FALLBACK = 86 => "inappropriate_fallback",
        USER_CANCELED = 90 => "user_canceled",
        NO_RENEGOTIATION = 100 => "no_renegotiation",
        MISSING_EXTENSION = 109 => "missing_extension",
        UNSUPPORTED_EXTENSION = 110 => "unsupported_extension",
        CERTIFICATE_UNOBTAINABLE_RESERVED = 111 => "certificate_unobtainable_RESERVED",
        UNRECOGNIZED_NAME = 112 => "unrecognized_name",
        BAD_CERTIFICATE_STATUS_RESPONSE = 113 => "bad_certificate_status_response",
        BAD_CERTIFICATE_HASH_VALUE_RESERVED = 114 => "bad_certificate_hash_value_RESERVED",
        UNKNOWN_PSK_IDENTITY = 115 => "unknown_psk_identity",
        CERTIFICATE_REQUIRED = 116 => "certificate_required",
        NO_APPLICATION_PROTOCOL = 120 => "no_application_protocol",
        ECH_REQUIRED = 121 => "ech_required",
    }
}

open_enum! {
    /// `PskKeyExchangeMode` (RFC 8446 section 4.2.9).
    PskKeyExchangeMode(u8, 2) {
        PSK_KE = 0 => "psk_ke",
        PSK_DHE_KE = 1 => "psk_dhe_ke",
    }
}

/// RFC 8701: GREASE values are 0x0a0a, 0x1a1a, ... 0xfafa.
const fn is_grease_u16(v: u16) -> bool {
    v & 0x0f0f == 0x0a0a && v >> 8 == v & 0xff
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use std::format;

    #[test]
    fn unknown_values_survive_and_print_as_hex() {
        let g = NamedGroup(0x4a4a);
        assert_eq!(g.name(), None);
        assert!(g.is_grease());
        assert_eq!(format!("{g}"), "0x4a4a");
        assert_eq!(format!("{g:?}"), "NamedGroup(0x4a4a)");
        assert_eq!(u16::from(g), 0x4a4a);
        assert_eq!(format!("{}", ContentType(99)), "0x63");
    }

    #[test]
    fn known_values_print_iana_names() {
        assert_eq!(format!("{}", NamedGroup::X25519_MLKEM768), "X25519MLKEM768");
        assert_eq!(format!("{:?}", ExtensionType(0xff01)), "renegotiation_info");
        assert_eq!(format!("{}", SignatureScheme(0x0905)), "mldsa65");
        assert_eq!(SignatureScheme::MLDSA44.get(), 0x0904);
        assert_eq!(SignatureScheme::MLDSA87.name(), Some("mldsa87"));
        assert_eq!(NamedGroup(0x11eb).name(), Some("SecP256r1MLKEM768"));
        assert_eq!(NamedGroup(0x11ed).name(), Some("SecP384r1MLKEM1024"));
        for (t, n) in [
            (27, "compress_certificate"),
            (34, "delegated_credential"),
            (47, "certificate_authorities"),
            (49, "post_handshake_auth"),
            (50, "signature_algorithms_cert"),
            (17513, "application_settings"),
            (0xfe0d, "encrypted_client_hello"),
        ] {
            assert_eq!(ExtensionType(t).name(), Some(n), "{t}");
        }
        // Reserved TLS 1.2 pairs stay unnamed.
        assert_eq!(SignatureScheme(0x0402).name(), None);
        assert!(!ExtensionType::RENEGOTIATION_INFO.is_grease());
        assert!(ProtocolVersion::DTLS1_3.is_dtls());
        assert!(!ProtocolVersion::TLS1_3.is_dtls());
    }

    #[test]
    fn tls13_suites_name_their_hash() {
        assert_eq!(
            CipherSuite::TLS_AES_256_GCM_SHA384.tls13_hash(),
            Some(HashAlgorithm::Sha384)
        );
        assert_eq!(
            CipherSuite::TLS_CHACHA20_POLY1305_SHA256.tls13_hash(),
            Some(HashAlgorithm::Sha256)
        );
        assert_eq!(
            CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256.tls13_hash(),
            None
        );
    }
}
