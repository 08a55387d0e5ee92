//! The stream gate: one per TCP connection, fed bytes as they arrive, in any split.
//!
//! When the input holds a whole ClientHello in one record (the common case: a client's first
//! flight arrives in one segment), the gate decides on the input itself and copies nothing.
//! Otherwise it reads records as a small state machine so that handshake bytes are copied
//! once, into one bounded buffer allocated the first time a ClientHello arrives split, and
//! never anywhere else.
//! Both paths make the same decisions (the split-invariance tests feed every split).
//!
//! A ChangeCipherSpec record between ClientHello1 and ClientHello2 is ignored, as RFC 8446
//! section 5 requires of a server, and as OpenSSL's SSL_stateless fails to do. One that
//! arrives before any ClientHello is ignored only if the ClientHello after it returns a
//! cookie (a stateless server's fresh gate sees the client's second flight, CCS then
//! ClientHello2, with nothing before it); before a ClientHello without a cookie, or in the
//! middle of a ClientHello split across records (RFC 8446 section 5.1 forbids interleaving),
//! it is an unexpected_message.

use alloc::vec::Vec;
use core::net::SocketAddr;
use core::time::Duration;

use hellogate_codec::{
    AlertDescription, ChangeCipherSpec, ClientHello, ClientHelloOutline, ContentType, DecodeError,
    Flavor, Framing, Handshake, HandshakeType, ProtocolVersion, RecordFraming, TlsRecordHeader,
};

use hellogate_codec::record::TLS_RECORD_HEADER_LEN;

use crate::config::LegacyTls;
use crate::decision::{Accepted, AcceptedHello, Continuation, Decision, Reason, ReplyKind};
use crate::hrr13::{self, Ch1Hash, TLS13};
use crate::listener::{Listener, alert};
use crate::trace::{NoTrace, Tracer};

/// Record version for everything the gate writes (RFC 8446 section 5.1).
const RECORD_VERSION: ProtocolVersion = ProtocolVersion::TLS1_2;
const ALERT_FRAMING: RecordFraming = RecordFraming::Tls {
    version: RECORD_VERSION,
};

/// Why a stream is refused: the alert, the reason, and how many bytes of the current input
/// had been read when the error showed.
type Refusal = (AlertDescription, Reason, usize);

/// Per-connection state for TLS 1.3 over a stream.
#[derive(Debug)]
pub struct StreamGate {
    /// Handshake bytes of a ClientHello that arrives split (across reads or records): allocated
    /// at `cap` the first time one does, never grown, never allocated for a ClientHello that
    /// arrives whole (the zero-copy path).
    msg: Vec<u8>,
    cap: usize,
    header: [u8; TLS_RECORD_HEADER_LEN],
    header_len: usize,
    record_type: ContentType,
    record_left: usize,
    /// Bytes received so far on the connection: the amplification budget.
    received: usize,
    /// The ClientHello in `msg` was decided on; clear it before reading more.
    decided: bool,
    /// Set once this gate sent a HelloRetryRequest: the Hash(ClientHello1) its cookie carries.
    hrr_ch1: Option<Ch1Hash>,
    ccs_ignored: bool,
    /// A ChangeCipherSpec came before any ClientHello on this gate: the next ClientHello must
    /// be a ClientHello2 (carry a cookie).
    ccs_before_hello: bool,
    finished: bool,
}

impl StreamGate {
    pub(crate) fn new(cap: usize) -> Self {
        Self {
            msg: Vec::new(),
            cap,
            header: [0; TLS_RECORD_HEADER_LEN],
            header_len: 0,
            record_type: ContentType::HANDSHAKE,
            record_left: 0,
            received: 0,
            decided: false,
            hrr_ch1: None,
            ccs_ignored: false,
            ccs_before_hello: false,
            finished: false,
        }
    }

    /// True once the gate accepted or refused; the connection belongs to the TLS stack, or
    /// should be closed.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// True once this gate sent a HelloRetryRequest.
    pub fn hrr_sent(&self) -> bool {
        self.hrr_ch1.is_some()
    }

    /// Feeds the next bytes of the connection. On `Reply` and `Accept`, `consumed` says how
    /// much of `input` was used: feed the rest again (after a reply) or hand it to the TLS
    /// stack (after an accept). An accepted ClientHello borrows from `input` or from the gate.
    pub fn feed<'s>(
        &'s mut self,
        l: &Listener,
        now: Duration,
        peer: SocketAddr,
        input: &'s [u8],
        out: &mut [u8],
    ) -> Decision<'s> {
        self.feed_traced(l, now, peer, input, out, &mut NoTrace)
    }

    /// [`feed`](Self::feed), recording every check in `t`.
    pub fn feed_traced<'s>(
        &'s mut self,
        l: &Listener,
        now: Duration,
        peer: SocketAddr,
        input: &'s [u8],
        out: &mut [u8],
        t: &mut impl Tracer,
    ) -> Decision<'s> {
        if self.finished {
            return Decision::Drop(Reason::StreamFinished);
        }
        if self.decided {
            self.msg.clear();
            self.decided = false;
        }
        if let Some(whole) = self.whole_in_input(input) {
            return self.decide_direct(l, now, peer, input, whole, out, t);
        }
        match self.read(input, t) {
            Ok(Some(consumed)) => {
                self.received += consumed;
                self.decided = true;
                self.decide(l, now, peer, consumed, out, t)
            }
            Ok(None) => {
                self.received += input.len();
                Decision::NeedMore
            }
            Err((description, reason, at)) => {
                self.finished = true;
                // Bytes the peer had sent when the error showed, the same in any split.
                let received = self.received + at;
                match alert(description, reason, ALERT_FRAMING, out) {
                    // Not even an alert may be larger than what the peer sent (a 5-byte
                    // bad header would otherwise earn 7 bytes): close without one.
                    Decision::Alert { len, .. } if len > received => {
                        t.check("alert no larger than the bytes received", false, "");
                        Decision::Drop(reason)
                    }
                    d => d,
                }
            }
        }
    }

    /// When nothing is buffered and `input` starts with a whole ClientHello in one handshake
    /// record (optionally after one acceptable ChangeCipherSpec record), where it lies; `None`
    /// sends the input down the buffered path, which then makes every decision and reports
    /// every error. Reads `input` only; the gate changes nothing until the decision.
    fn whole_in_input(&self, input: &[u8]) -> Option<Direct> {
        if self.header_len != 0 || !self.msg.is_empty() {
            return None;
        }
        let mut at = 0;
        let mut ccs = false;
        let record = |at: usize| {
            let h = TlsRecordHeader::parse(input.get(at..)?).ok()?;
            let start = at + TLS_RECORD_HEADER_LEN;
            let fragment = input.get(start..start + usize::from(h.length))?;
            Some((h.content_type, fragment, start + fragment.len()))
        };
        let (mut content_type, mut fragment, mut end) = record(at)?;
        if content_type == ContentType::CHANGE_CIPHER_SPEC {
            if self.ccs_ignored || ChangeCipherSpec::parse(fragment).is_err() {
                return None;
            }
            ccs = true;
            at = end;
            (content_type, fragment, end) = record(at)?;
        }
        if content_type != ContentType::HANDSHAKE {
            return None;
        }
        let (msg_type, len) = Handshake::peek_header(fragment).ok()?;
        let whole = msg_type == HandshakeType::CLIENT_HELLO
            && fragment.len() == 4 + len as usize
            && fragment.len() <= self.cap;
        whole.then_some(Direct {
            message_at: at + TLS_RECORD_HEADER_LEN,
            message_len: fragment.len(),
            consumed: end,
            ccs,
        })
    }

    /// Decides on a ClientHello found whole in the input (see [`Self::whole_in_input`]).
    #[allow(clippy::too_many_arguments)]
    fn decide_direct<'s>(
        &'s mut self,
        l: &Listener,
        now: Duration,
        peer: SocketAddr,
        input: &'s [u8],
        d: Direct,
        out: &mut [u8],
        t: &mut impl Tracer,
    ) -> Decision<'s> {
        if d.ccs {
            t.check("ChangeCipherSpec ignored (RFC 8446 section 5)", true, "");
            self.note_ccs();
        }
        self.received += d.consumed;
        let message = input
            .get(d.message_at..d.message_at + d.message_len)
            .unwrap_or(&[]);
        let gate = GateState {
            received: self.received,
            hrr_ch1: &mut self.hrr_ch1,
            finished: &mut self.finished,
            ccs_before_hello: self.ccs_before_hello,
        };
        decide_and_record(l, now, peer, message, gate, d.consumed, out, t)
    }

    /// Records an ignored ChangeCipherSpec: one per gate, and whether a ClientHello preceded it.
    fn note_ccs(&mut self) {
        self.ccs_ignored = true;
        self.ccs_before_hello = self.hrr_ch1.is_none();
    }

    /// Reads records from `input` until a whole ClientHello is buffered; returns how many
    /// input bytes that took, or `None` if all of `input` was used without completing one.
    fn read(&mut self, input: &[u8], t: &mut impl Tracer) -> Result<Option<usize>, Refusal> {
        let mut i = 0;
        while i < input.len() {
            if self.header_len < TLS_RECORD_HEADER_LEN {
                let rest = input.get(i..).unwrap_or(&[]);
                let want = TLS_RECORD_HEADER_LEN - self.header_len;
                let n = want.min(rest.len());
                let dst = self.header.get_mut(self.header_len..self.header_len + n);
                if let (Some(dst), Some(src)) = (dst, rest.get(..n)) {
                    dst.copy_from_slice(src);
                }
                self.header_len += n;
                i += n;
                if self.header_len == TLS_RECORD_HEADER_LEN {
                    self.start_record(t).map_err(|(d, r)| (d, r, i))?;
                }
                continue;
            }
            let n = self.record_left.min(input.len() - i);
            let chunk = input.get(i..i + n).unwrap_or(&[]);
            let chunk_start = i;
            i += n;
            self.record_left -= n;
            match self.record_type {
                ContentType::CHANGE_CIPHER_SPEC => {
                    if self.record_left == 0 {
                        // One byte; start_record checked the length.
                        if ChangeCipherSpec::parse(chunk).is_err() {
                            t.check("ChangeCipherSpec byte is 1", false, "");
                            return Err((
                                AlertDescription::UNEXPECTED_MESSAGE,
                                Reason::UnexpectedRecord,
                                i,
                            ));
                        }
                        t.check("ChangeCipherSpec ignored (RFC 8446 section 5)", true, "");
                        self.header_len = 0;
                    }
                }
                _ => {
                    if self.msg.len() + chunk.len() > self.cap {
                        t.check("ClientHello within the stream cap", false, "");
                        // Where the cap was crossed, whatever the split.
                        let at = chunk_start + (self.cap - self.msg.len()) + 1;
                        return Err((
                            AlertDescription::HANDSHAKE_FAILURE,
                            Reason::StreamBufferFull,
                            at,
                        ));
                    }
                    if self.msg.capacity() == 0 {
                        // The one allocation of this gate, bounded by the configured cap.
                        self.msg.reserve_exact(self.cap);
                    }
                    self.msg.extend_from_slice(chunk);
                    if self.record_left == 0 {
                        self.header_len = 0;
                        if let Some(done) = self.message_complete(t).map_err(|(d, r)| (d, r, i))? {
                            if done {
                                return Ok(Some(i));
                            }
                        }
                    }
                }
            }
        }
        Ok(None)
    }

    /// Checks a record header once its five bytes are in.
    fn start_record(&mut self, t: &mut impl Tracer) -> Result<(), (AlertDescription, Reason)> {
        let h = match TlsRecordHeader::parse(&self.header) {
            Ok(h) => h,
            Err(e) => {
                t.check("record header parses", false, e.field);
                return Err((AlertDescription::RECORD_OVERFLOW, Reason::Malformed(e)));
            }
        };
        self.record_type = h.content_type;
        self.record_left = usize::from(h.length);
        match h.content_type {
            ContentType::HANDSHAKE if h.length > 0 => Ok(()),
            // Not in the middle of a ClientHello split across records (RFC 8446 5.1).
            ContentType::CHANGE_CIPHER_SPEC
                if h.length == 1 && !self.ccs_ignored && self.msg.is_empty() =>
            {
                self.note_ccs();
                Ok(())
            }
            _ => {
                t.check("record may come before a ClientHello", false, "");
                Err((
                    AlertDescription::UNEXPECTED_MESSAGE,
                    Reason::UnexpectedRecord,
                ))
            }
        }
    }

    /// After a handshake record ends: is the buffered message a whole ClientHello?
    fn message_complete(
        &self,
        t: &mut impl Tracer,
    ) -> Result<Option<bool>, (AlertDescription, Reason)> {
        let Ok((msg_type, len)) = Handshake::peek_header(&self.msg) else {
            return Ok(None);
        };
        if msg_type != HandshakeType::CLIENT_HELLO {
            t.check("message is a ClientHello", false, "");
            return Err((AlertDescription::UNEXPECTED_MESSAGE, Reason::NotClientHello));
        }
        let total = 4 + len as usize;
        if total > self.cap {
            t.check("ClientHello within the stream cap", false, "");
            return Err((
                AlertDescription::HANDSHAKE_FAILURE,
                Reason::StreamBufferFull,
            ));
        }
        if self.msg.len() > total {
            // Another handshake message follows the ClientHello in the same flight.
            t.check("nothing follows the ClientHello", false, "");
            return Err((
                AlertDescription::UNEXPECTED_MESSAGE,
                Reason::UnexpectedRecord,
            ));
        }
        Ok(Some(self.msg.len() == total))
    }

    fn decide<'s>(
        &'s mut self,
        l: &Listener,
        now: Duration,
        peer: SocketAddr,
        consumed: usize,
        out: &mut [u8],
        t: &mut impl Tracer,
    ) -> Decision<'s> {
        let Self {
            msg,
            hrr_ch1,
            finished,
            received,
            ccs_before_hello,
            ..
        } = self;
        let gate = GateState {
            received: *received,
            hrr_ch1,
            finished,
            ccs_before_hello: *ccs_before_hello,
        };
        decide_and_record(l, now, peer, msg, gate, consumed, out, t)
    }
}

/// Where a whole ClientHello lies in the input, for the zero-copy path.
#[derive(Clone, Copy, Debug)]
struct Direct {
    message_at: usize,
    message_len: usize,
    /// Input bytes up to the end of the ClientHello's record.
    consumed: usize,
    /// A ChangeCipherSpec record precedes it.
    ccs: bool,
}

/// The gate state a decision reads and updates, borrowed apart from the message buffer.
struct GateState<'g> {
    /// Bytes received on the connection, the amplification budget.
    received: usize,
    hrr_ch1: &'g mut Option<Ch1Hash>,
    finished: &'g mut bool,
    ccs_before_hello: bool,
}

/// Decides on a whole ClientHello message (`message`: 4-byte header, then the body), applies
/// the amplification promise, and records what the decision means for the gate.
#[allow(clippy::too_many_arguments)]
fn decide_and_record<'s>(
    l: &Listener,
    now: Duration,
    peer: SocketAddr,
    message: &'s [u8],
    gate: GateState<'_>,
    consumed: usize,
    out: &mut [u8],
    t: &mut impl Tracer,
) -> Decision<'s> {
    let body = message.get(4..).unwrap_or(&[]);
    let mut sent = None;
    let d = decide(
        l,
        now,
        peer,
        message,
        body,
        gate.hrr_ch1.as_ref(),
        gate.ccs_before_hello,
        &mut sent,
        consumed,
        out,
        t,
    );
    match d {
        Decision::Reply { len, .. } | Decision::Alert { len, .. } if len > gate.received => {
            t.check("reply no larger than the bytes received", false, "");
            *gate.finished = true;
            return Decision::Drop(Reason::Amplification {
                reply: len,
                input: gate.received,
            });
        }
        Decision::Reply { .. } => *gate.hrr_ch1 = sent,
        Decision::Accept(_) | Decision::Alert { .. } | Decision::Drop(_) => *gate.finished = true,
        Decision::NeedMore => {}
    }
    d
}

#[allow(clippy::too_many_arguments)]
fn decide<'s>(
    l: &Listener,
    now: Duration,
    peer: SocketAddr,
    message: &'s [u8],
    body: &'s [u8],
    hrr_ch1: Option<&Ch1Hash>,
    ccs_before_hello: bool,
    sent: &mut Option<Ch1Hash>,
    consumed: usize,
    out: &mut [u8],
    t: &mut impl Tracer,
) -> Decision<'s> {
    // A ClientHello about to be challenged needs only its outline; one that may be accepted
    // is parsed in full, since it is handed on (see codec's first_flight).
    let o = match ClientHelloOutline::parse(body, Flavor::Tls) {
        Ok(o) => o,
        Err(e) => return malformed("ClientHello outline parses", e, out, t),
    };
    t.check("ClientHello outline parses", true, "");
    let accept = |ch, validated, version, continuation| {
        Decision::Accept(Accepted {
            peer,
            version,
            validated,
            client_hello: AcceptedHello::Whole(ch),
            message,
            consumed,
            continuation,
        })
    };
    // RFC 8446 section 5: a ChangeCipherSpec may come only after the first ClientHello; on a
    // gate that saw none, the ClientHello after it must be a ClientHello2.
    if ccs_before_hello && o.cookie.is_none() {
        t.check(
            "a ChangeCipherSpec before a ClientHello precedes a ClientHello2",
            false,
            "",
        );
        return alert(
            AlertDescription::UNEXPECTED_MESSAGE,
            Reason::UnexpectedRecord,
            ALERT_FRAMING,
            out,
        );
    }
    let offers13 = o.offers_version(ProtocolVersion::TLS1_3);
    t.check("client offers TLS 1.3", offers13, "");
    if !offers13 {
        // A cookie is a TLS 1.3 extension: a ClientHello2 returning one must offer 1.3.
        if hrr_ch1.is_some() || o.cookie.is_some() {
            return alert(
                AlertDescription::ILLEGAL_PARAMETER,
                Reason::VersionMismatch,
                ALERT_FRAMING,
                out,
            );
        }
        return match l.config().legacy_tls {
            LegacyTls::PassThrough => match parse_full(body, t) {
                Ok(ch) => accept(
                    ch,
                    false,
                    legacy_tls_version(&ch),
                    Continuation::Unvalidated,
                ),
                Err(e) => malformed("ClientHello parses", e, out, t),
            },
            LegacyTls::Refuse => alert(
                AlertDescription::PROTOCOL_VERSION,
                Reason::Tls13NotOffered,
                ALERT_FRAMING,
                out,
            ),
        };
    }
    if let Some(cookie) = o.cookie {
        let ch = match parse_full(body, t) {
            Ok(ch) => ch,
            Err(e) => return malformed("ClientHello parses", e, out, t),
        };
        return match hrr13::accept_ch2(l, now, peer, TLS13, &ch, cookie, hrr_ch1, out, t) {
            Ok(c) => accept(ch, true, ProtocolVersion::TLS1_3, c),
            Err(r @ Reason::BufferTooSmall { .. }) => Decision::Drop(r),
            Err(r) => alert(AlertDescription::ILLEGAL_PARAMETER, r, ALERT_FRAMING, out),
        };
    }
    t.check("ClientHello carries a cookie", false, "");
    if hrr_ch1.is_some() {
        return alert(
            AlertDescription::ILLEGAL_PARAMETER,
            Reason::SecondHrrNeeded,
            ALERT_FRAMING,
            out,
        );
    }
    if !l.validating13(&o, t) {
        return match parse_full(body, t) {
            Ok(ch) => accept(
                ch,
                false,
                ProtocolVersion::TLS1_3,
                Continuation::Unvalidated,
            ),
            Err(e) => malformed("ClientHello parses", e, out, t),
        };
    }
    let ch = o;
    let plan = match hrr13::plan(l, &ch, t) {
        Ok(p) => p,
        Err(r) => return alert(AlertDescription::HANDSHAKE_FAILURE, r, ALERT_FRAMING, out),
    };
    let framing = Framing::TlsRecord {
        version: RECORD_VERSION,
    };
    let ch1 = hrr13::Ch1::Message(message);
    let n = match hrr13::write_hrr(l, now, peer, TLS13, &ch, ch1, &plan, framing, out) {
        Ok((n, hash)) => {
            *sent = Some(hash);
            n
        }
        Err(r) => return Decision::Drop(r),
    };
    t.check("HelloRetryRequest written", true, "");
    // Middlebox compatibility (RFC 8446 appendix D.4): a client that sent a session id
    // expects a ChangeCipherSpec right after the server's first handshake message.
    if ch.legacy_session_id.is_empty() {
        return Decision::Reply {
            kind: ReplyKind::HelloRetryRequest,
            len: n,
            consumed,
        };
    }
    match out
        .get_mut(n..)
        .map(|rest| ChangeCipherSpec.write(ALERT_FRAMING, rest))
    {
        Some(Ok(m)) => Decision::Reply {
            kind: ReplyKind::HelloRetryRequestAndCcs,
            len: n + m,
            consumed,
        },
        _ => Decision::Drop(Reason::BufferTooSmall { needed: n + 6 }),
    }
}

/// The version a client that does not offer TLS 1.3 goes on with: the highest of TLS 1.2, 1.1
/// and 1.0 it offers (supported_versions, when present, decides: RFC 8446 section 4.2.1), or
/// failing that what its legacy_version names.
fn legacy_tls_version(ch: &ClientHello<'_>) -> ProtocolVersion {
    [
        ProtocolVersion::TLS1_2,
        ProtocolVersion::TLS1_1,
        ProtocolVersion::TLS1_0,
    ]
    .into_iter()
    .find(|v| ch.offers_version(*v))
    .unwrap_or(ch.legacy_version.legacy_offer())
}

/// The full parse of a ClientHello that may be accepted, traced.
fn parse_full<'s>(body: &'s [u8], t: &mut impl Tracer) -> Result<ClientHello<'s>, DecodeError> {
    let r = ClientHello::parse(body, Flavor::Tls);
    if r.is_ok() {
        t.check("ClientHello parses", true, "");
    }
    r
}

/// The alert for a ClientHello that does not parse (offsets made relative to the message).
fn malformed<'s>(
    check: &'static str,
    e: DecodeError,
    out: &mut [u8],
    t: &mut impl Tracer,
) -> Decision<'s> {
    t.check(check, false, e.field);
    alert(
        e.alert(),
        Reason::Malformed(e.shifted(4)),
        ALERT_FRAMING,
        out,
    )
}
