//! The datagram listener: one per server socket, holding configuration and the key ring
//! and nothing about any client.

use core::net::SocketAddr;
use core::time::Duration;

use hellogate_codec::{
    Alert, AlertDescription, ClientHello, ClientHelloOutline, ContentType, DecodeError,
    DtlsClientHelloPrefix, DtlsHandshake, DtlsRecord, Flavor, Framing, HandshakeType,
    HelloVerifyRequest, ProtocolVersion, RecordFraming, dtls_returns_legacy_cookie,
};
use hellogate_cookie::{CookieJar, DTLS12_COOKIE_LEN, HelloFields, KeyRing};

use crate::config::{Admission, Config, ConfigError};
use crate::decision::{Accepted, AcceptedHello, Continuation, Decision, Reason, ReplyKind};
use crate::hrr13::{self, DTLS13};
use crate::reassembly::{Inserted, Reassembly};
use crate::stream::StreamGate;
use crate::trace::{NoTrace, Tracer};

/// Highest message_seq a first flight can carry (OpenSSL's DTLSv1_listen uses the same
/// bound: a ClientHello after an HVR is 1, a retransmission may be 2).
const MAX_FIRST_FLIGHT_MESSAGE_SEQ: u16 = 2;

/// The stateless listener.
#[derive(Debug)]
pub struct Listener {
    config: Config,
    jar: CookieJar,
    under_load: bool,
}

impl Listener {
    /// Builds a listener; the configuration is checked here, once.
    pub fn new(config: Config, ring: KeyRing) -> Result<Self, ConfigError> {
        config.validate()?;
        let jar = CookieJar::new(ring, config.cookie).map_err(ConfigError::Cookie)?;
        Ok(Self {
            config,
            jar,
            under_load: false,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The cookie jar (key ring and cookie settings).
    pub fn jar(&self) -> &CookieJar {
        &self.jar
    }

    /// Caches the key ring's epoch keys for `now`; call it from a timer (once per rotation
    /// period is enough). Opening and sealing stay correct without it, only slower.
    pub fn refresh(&mut self, now: Duration) {
        self.jar.refresh(now);
    }

    /// Tells the listener whether the server is under load ([`Admission::UnderLoad`]).
    pub fn set_under_load(&mut self, under_load: bool) {
        self.under_load = under_load;
    }

    /// True when a ClientHello without a valid cookie must be challenged.
    pub(crate) fn validating(&self) -> bool {
        match self.config.admission {
            Admission::Always => true,
            Admission::UnderLoad => self.under_load,
        }
    }

    /// True when a (D)TLS 1.3 ClientHello1 must get a HelloRetryRequest: admission says to
    /// validate, or it offers early data and [`Config::challenge_early_data`] is on.
    pub(crate) fn validating13(&self, o: &ClientHelloOutline<'_>, t: &mut impl Tracer) -> bool {
        if self.must_challenge(o, t) {
            return true;
        }
        t.check("admission", true, "not validating: accept unvalidated");
        false
    }

    /// A reassembly arena sized by the configuration, for
    /// [`handle_datagram_reassembling`](Self::handle_datagram_reassembling); allocated once.
    pub fn reassembly(&self) -> Reassembly {
        Reassembly::new(
            self.config.reassembly_budget,
            self.config.reassembly_messages,
        )
    }

    /// A stream gate for one new TCP connection. It allocates nothing until a ClientHello
    /// arrives split, and then its bounded buffer, once.
    pub fn stream(&self) -> StreamGate {
        StreamGate::new(self.config.max_stream_buffer)
    }

    /// Decides what to do with one datagram from `peer` at `now` (time since the UNIX
    /// epoch). A reply or alert is written at the front of `out`; 512 bytes always suffice.
    pub fn handle_datagram<'a>(
        &self,
        now: Duration,
        peer: SocketAddr,
        datagram: &'a [u8],
        out: &mut [u8],
    ) -> Decision<'a> {
        self.handle_datagram_traced(now, peer, datagram, out, &mut NoTrace)
    }

    /// [`handle_datagram`](Self::handle_datagram), recording every check in `trace`.
    pub fn handle_datagram_traced<'a>(
        &self,
        now: Duration,
        peer: SocketAddr,
        datagram: &'a [u8],
        out: &mut [u8],
        t: &mut impl Tracer,
    ) -> Decision<'a> {
        self.guarded(now, peer, datagram, None, out, t)
    }

    /// [`handle_datagram`](Self::handle_datagram) with a reassembly arena: fragments of a
    /// ClientHello that cannot be decided from its first fragment (DTLS 1.3, whose version
    /// and cookie live in the extensions) are kept in `reassembly` until the message is
    /// whole. An accepted reassembled ClientHello borrows the arena until the next call.
    pub fn handle_datagram_reassembling<'a>(
        &self,
        reassembly: &'a mut Reassembly,
        now: Duration,
        peer: SocketAddr,
        datagram: &'a [u8],
        out: &mut [u8],
        t: &mut impl Tracer,
    ) -> Decision<'a> {
        self.guarded(now, peer, datagram, Some(reassembly), out, t)
    }

    fn guarded<'a>(
        &self,
        now: Duration,
        peer: SocketAddr,
        datagram: &'a [u8],
        reassembly: Option<&'a mut Reassembly>,
        out: &mut [u8],
        t: &mut impl Tracer,
    ) -> Decision<'a> {
        // The datagram bytes that brought the message: this datagram, or for a reassembled
        // message all the datagrams of its fragments (set by `datagram`).
        let mut input = datagram.len();
        let d = self.datagram(now, peer, datagram, reassembly, &mut input, out, t);
        // The amplification promise, checked on the way out whatever path produced the
        // reply: never more than the datagram bytes that caused it.
        if let Decision::Reply { len, .. } | Decision::Alert { len, .. } = d {
            if len > input {
                t.check(
                    "reply no larger than the datagrams that caused it",
                    false,
                    "",
                );
                return Decision::Drop(Reason::Amplification { reply: len, input });
            }
        }
        d
    }

    // Every path returns its decision in tail position, so the (large) decision is written
    // once, into the caller's slot, instead of being moved through wrappers.
    #[allow(clippy::too_many_arguments)]
    fn datagram<'a>(
        &self,
        now: Duration,
        peer: SocketAddr,
        datagram: &'a [u8],
        reassembly: Option<&'a mut Reassembly>,
        input: &mut usize,
        out: &mut [u8],
        t: &mut impl Tracer,
    ) -> Decision<'a> {
        // Only the first record counts; the rest of the datagram is ignored, as
        // DTLSv1_listen does.
        let rec = match DtlsRecord::parse(datagram) {
            Ok((rec, _)) => rec,
            Err(e) => {
                t.check("first record parses", false, e.field);
                return Decision::Drop(Reason::Malformed(e));
            }
        };
        t.check("first record parses", true, "");
        let is_hs = rec.header.content_type == ContentType::HANDSHAKE;
        t.check("record is handshake", is_hs, "");
        if !is_hs {
            return Decision::Drop(Reason::NotHandshake);
        }
        t.check("record epoch is 0", rec.header.epoch == 0, "");
        if rec.header.epoch != 0 {
            return Decision::Drop(Reason::BadEpoch);
        }
        let v = rec.header.version;
        let dtls = v == ProtocolVersion::DTLS1_0 || v == ProtocolVersion::DTLS1_2;
        t.check("record version is DTLS 1.0 or 1.2", dtls, "");
        if !dtls {
            return Decision::Drop(Reason::UnsupportedVersion);
        }
        let hs = match DtlsHandshake::parse(rec.fragment) {
            Ok((hs, _)) => hs,
            Err(e) => {
                t.check("handshake header parses", false, e.field);
                return Decision::Drop(Reason::Malformed(e.shifted(rec.offset + 13)));
            }
        };
        let is_ch = hs.msg_type == HandshakeType::CLIENT_HELLO;
        t.check("message is a ClientHello", is_ch, "");
        if !is_ch {
            return Decision::Drop(Reason::NotClientHello);
        }
        let seq_ok = hs.message_seq <= MAX_FIRST_FLIGHT_MESSAGE_SEQ;
        t.check("message_seq <= 2", seq_ok, "");
        if !seq_ok {
            return Decision::Drop(Reason::MessageSeqTooHigh);
        }
        let ctx = Ctx {
            now,
            peer,
            rec,
            hs,
            message: rec
                .fragment
                .get(..12 + hs.fragment.len())
                .unwrap_or(rec.fragment),
            body: hs.fragment,
        };
        if !hs.is_complete() {
            t.check("message is complete", false, "");
            return self.fragment(&ctx, datagram.len(), reassembly, input, out, t);
        }
        self.whole(&ctx, hs.fragment, rec.offset + 25, out, t)
    }

    /// Decides on a whole ClientHello body (from one datagram, or reassembled).
    fn whole<'a>(
        &self,
        ctx: &Ctx<'a>,
        body: &'a [u8],
        body_offset: usize,
        out: &mut [u8],
        t: &mut impl Tracer,
    ) -> Decision<'a> {
        let malformed = |e: DecodeError| Decision::Drop(Reason::Malformed(e.shifted(body_offset)));
        // A ClientHello about to be challenged needs only its outline; one that may be
        // accepted is parsed in full, since it is handed on (see codec's first_flight). A
        // DTLS 1.2 ClientHello2 shows its cookie before the extensions: straight to the full
        // parse.
        if !dtls_returns_legacy_cookie(body) {
            let o = ClientHelloOutline::parse(body, Flavor::Dtls);
            let o = match traced("ClientHello outline parses", o, t) {
                Ok(o) => o,
                Err(e) => return malformed(e),
            };
            if !o.returns_cookie() && self.must_challenge(&o, t) {
                return self.challenge(ctx, &o, out, t);
            }
        }
        let ch = ClientHello::parse(body, Flavor::Dtls);
        let ch = match traced("ClientHello parses", ch, t) {
            Ok(ch) => ch,
            Err(e) => return malformed(e),
        };
        let Some(offers13) = self.version(&ch.outline(), t) else {
            return Decision::Drop(Reason::UnsupportedVersion);
        };
        if offers13 {
            return self.dtls13(ctx, &ch, out, t);
        }
        let fields = hrr13::hello_fields(&ch.outline());
        let cookie = ch.legacy_cookie.unwrap_or(&[]);
        self.dtls12(ctx, fields, true, cookie, AcceptedHello::Whole(ch), out, t)
    }

    /// Which DTLS version a ClientHello goes on with: `Some(true)` for DTLS 1.3, `Some(false)`
    /// for DTLS 1.2 (or 1.0), `None` when the client offers neither that is enabled.
    fn version(&self, o: &ClientHelloOutline<'_>, t: &mut impl Tracer) -> Option<bool> {
        if self.config.dtls13 && o.offers_version(ProtocolVersion::DTLS1_3) {
            t.check("client offers DTLS 1.3", true, "");
            return Some(true);
        }
        // supported_versions, when present, is the whole offer (RFC 8446 section 4.2.1): a
        // client listing only DTLS 1.3 does not speak DTLS 1.2 whatever its legacy_version.
        let offers12 = self.config.dtls12
            && (o.offers_version(ProtocolVersion::DTLS1_2)
                || o.offers_version(ProtocolVersion::DTLS1_0));
        t.check("client offers DTLS 1.2 or 1.0", offers12, "");
        offers12.then_some(false)
    }

    /// True when a ClientHello without a cookie must prove its address: admission says to
    /// validate, or it offers early data and [`Config::challenge_early_data`] is on.
    fn must_challenge(&self, o: &ClientHelloOutline<'_>, t: &mut impl Tracer) -> bool {
        if self.validating() {
            return true;
        }
        if self.config.challenge_early_data && o.early_data {
            t.check(
                "admission",
                true,
                "not validating, but early_data: challenge",
            );
            return true;
        }
        false
    }

    /// Answers a ClientHello1 that returns no cookie with a HelloRetryRequest (DTLS 1.3) or a
    /// HelloVerifyRequest (DTLS 1.2), from its outline.
    fn challenge<'a>(
        &self,
        ctx: &Ctx<'a>,
        o: &ClientHelloOutline<'_>,
        out: &mut [u8],
        t: &mut impl Tracer,
    ) -> Decision<'a> {
        match self.version(o, t) {
            None => Decision::Drop(Reason::UnsupportedVersion),
            Some(true) => self.write_hrr13(ctx, o, out, t),
            Some(false) => {
                t.check("ClientHello carries a cookie", false, "");
                self.write_hvr(ctx, hrr13::hello_fields(o), true, out, t)
            }
        }
    }

    /// A fragment. A first fragment carrying a legacy cookie (a DTLS 1.2 ClientHello2), or
    /// any first fragment when DTLS 1.3 is off or no arena is given, is decided from the
    /// fields before the extensions, as DTLSv1_listen does. Otherwise the fragment goes to
    /// the reassembly arena, and the message is decided once whole.
    fn fragment<'a>(
        &self,
        ctx: &Ctx<'a>,
        datagram_len: usize,
        reassembly: Option<&'a mut Reassembly>,
        input: &mut usize,
        out: &mut [u8],
        t: &mut impl Tracer,
    ) -> Decision<'a> {
        let first = ctx.hs.fragment_offset == 0;
        let has_cookie = first
            && DtlsClientHelloPrefix::parse(ctx.hs.fragment)
                .is_ok_and(|p| !p.legacy_cookie.is_empty());
        let arena = match reassembly {
            Some(r) if self.config.dtls13 && !has_cookie && r.budget() > 0 => r,
            _ => {
                if !first {
                    t.check("fragment starts the message", false, "no reassembly");
                    return Decision::Drop(Reason::NotFirstFragment);
                }
                return self.first_fragment(ctx, out, t);
            }
        };
        match arena.insert(ctx.peer, &ctx.hs, datagram_len) {
            Inserted::Pending => {
                t.check("fragment kept for reassembly", true, "");
                Decision::Drop(Reason::FragmentBuffered)
            }
            Inserted::TooBig => {
                t.check("message fits the reassembly budget", false, "");
                Decision::Drop(Reason::ReassemblyBudget)
            }
            Inserted::Complete(message, brought) => {
                t.check("message reassembled", true, "");
                let body = message.get(12..).unwrap_or(&[]);
                let whole = Ctx {
                    message,
                    body,
                    ..*ctx
                };
                *input = brought;
                self.whole(&whole, body, 12, out, t)
            }
        }
    }

    /// A first fragment: decide from the fields before the extensions (DTLS 1.2 only;
    /// DTLS 1.3's version and cookie live in the extensions).
    fn first_fragment<'a>(
        &self,
        ctx: &Ctx<'a>,
        out: &mut [u8],
        t: &mut impl Tracer,
    ) -> Decision<'a> {
        let p = match DtlsClientHelloPrefix::parse(ctx.hs.fragment) {
            Ok(p) => p,
            Err(e) => {
                t.check("fragment holds the fields up to the cookie", false, e.field);
                return Decision::Drop(Reason::IncompleteFragment);
            }
        };
        t.check("fragment holds the fields up to the cookie", true, "");
        if !self.config.dtls12 {
            return Decision::Drop(Reason::IncompleteFragment);
        }
        let (suites, compression, full) = match p.suites_and_compression {
            Some((s, c)) => (s.as_bytes(), c, true),
            None => (&[][..], &[][..], false),
        };
        let fields = HelloFields {
            client_version: p.legacy_version.0,
            random: p.random,
            session_id: p.legacy_session_id,
            cipher_suites: suites,
            compression_methods: compression,
        };
        if !self.validating() {
            // Without the whole message there is nothing to hand on: challenge anyway.
            t.check("admission", true, "fragment: validating anyway");
        }
        self.dtls12_inner(
            ctx,
            fields,
            full,
            p.legacy_cookie,
            AcceptedHello::FirstFragment(p),
            out,
            t,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn dtls12<'a>(
        &self,
        ctx: &Ctx<'a>,
        fields: HelloFields<'_>,
        full: bool,
        cookie: &[u8],
        hello: AcceptedHello<'a>,
        out: &mut [u8],
        t: &mut impl Tracer,
    ) -> Decision<'a> {
        if !self.validating() {
            if let AcceptedHello::Whole(_) = hello {
                t.check("admission", true, "not validating: accept unvalidated");
                let version = dtls12_version(&hello);
                return ctx.accept(version, hello, Continuation::Unvalidated);
            }
        }
        self.dtls12_inner(ctx, fields, full, cookie, hello, out, t)
    }

    #[allow(clippy::too_many_arguments)]
    fn dtls12_inner<'a>(
        &self,
        ctx: &Ctx<'a>,
        fields: HelloFields<'_>,
        full: bool,
        cookie: &[u8],
        hello: AcceptedHello<'a>,
        out: &mut [u8],
        t: &mut impl Tracer,
    ) -> Decision<'a> {
        if !cookie.is_empty() {
            // A cookie sealed for a first fragment that ended before cipher_suites binds only
            // the fields before them; its kind byte says so (see the cookie crate's layout).
            let r = if full {
                self.jar.open_dtls12(ctx.now, ctx.peer, &fields, cookie)
            } else {
                self.jar
                    .open_dtls12_prefix(ctx.now, ctx.peer, &fields.prefix(), cookie)
            };
            t.check("cookie verifies", r.is_ok(), hrr13::cookie_detail(&r));
            if let Ok(c) = r {
                // A valid cookie in a whole message, or in a first fragment (DTLSv1_listen
                // accepts there too: the address is proven, the TLS stack reassembles).
                let continuation = Continuation::Dtls12 {
                    record_sequence_number: ctx.rec.header.sequence_number,
                    message_seq: ctx.hs.message_seq,
                    cookie_age: c.age,
                };
                return ctx.accept(dtls12_version(&hello), hello, continuation);
            }
            // RFC 6347 section 4.2.1: an invalid cookie is treated like no cookie.
        } else {
            t.check("ClientHello carries a cookie", false, "");
        }
        self.write_hvr(ctx, fields, full, out, t)
    }

    fn write_hvr<'a>(
        &self,
        ctx: &Ctx<'a>,
        fields: HelloFields<'_>,
        full: bool,
        out: &mut [u8],
        t: &mut impl Tracer,
    ) -> Decision<'a> {
        let mut cookie = [0u8; DTLS12_COOKIE_LEN];
        let sealed = if full {
            self.jar
                .seal_dtls12(ctx.now, ctx.peer, &fields, &mut cookie)
        } else {
            self.jar
                .seal_dtls12_prefix(ctx.now, ctx.peer, &fields.prefix(), &mut cookie)
        };
        if sealed.is_err() {
            return Decision::Drop(Reason::BufferTooSmall {
                needed: DTLS12_COOKIE_LEN,
            });
        }
        let hvr = HelloVerifyRequest {
            server_version: ProtocolVersion::DTLS1_0,
            cookie: &cookie,
        };
        let framing = Framing::DtlsRecord {
            version: ProtocolVersion::DTLS1_0,
            epoch: 0,
            sequence_number: ctx.rec.header.sequence_number,
            message_seq: ctx.hs.message_seq,
        };
        t.check("HelloVerifyRequest written", true, "");
        match hvr.write(framing, out) {
            Ok(len) => Decision::Reply {
                kind: ReplyKind::HelloVerifyRequest,
                len,
                consumed: ctx.consumed(),
            },
            Err(e) => Decision::Drop(hrr13::encode_reason(e)),
        }
    }

    fn dtls13<'a>(
        &self,
        ctx: &Ctx<'a>,
        ch: &ClientHello<'a>,
        out: &mut [u8],
        t: &mut impl Tracer,
    ) -> Decision<'a> {
        let alert_framing = ctx.alert_framing();
        let empty = ch.legacy_cookie.is_none_or(<[u8]>::is_empty);
        t.check("legacy_cookie is empty", empty, "");
        if !empty {
            return alert(
                AlertDescription::ILLEGAL_PARAMETER,
                Reason::LegacyCookieNotEmpty,
                alert_framing,
                out,
            );
        }
        if let Some(cookie) = ch.known.cookie {
            return match hrr13::accept_ch2(
                self, ctx.now, ctx.peer, DTLS13, ch, cookie, None, out, t,
            ) {
                Ok(continuation) => ctx.accept(
                    ProtocolVersion::DTLS1_3,
                    AcceptedHello::Whole(*ch),
                    continuation,
                ),
                // RFC 9147 section 5.1: an invalid cookie ends the handshake with
                // illegal_parameter (unlike DTLS 1.2, where it earns a new HVR).
                Err(r @ Reason::BufferTooSmall { .. }) => Decision::Drop(r),
                Err(r) => alert(AlertDescription::ILLEGAL_PARAMETER, r, alert_framing, out),
            };
        }
        t.check("ClientHello carries a cookie", false, "");
        if !self.validating13(&ch.outline(), t) {
            return ctx.accept(
                ProtocolVersion::DTLS1_3,
                AcceptedHello::Whole(*ch),
                Continuation::Unvalidated,
            );
        }
        self.write_hrr13(ctx, &ch.outline(), out, t)
    }

    /// Plans and writes the DTLS 1.3 HelloRetryRequest for a ClientHello1.
    fn write_hrr13<'a>(
        &self,
        ctx: &Ctx<'a>,
        o: &ClientHelloOutline<'_>,
        out: &mut [u8],
        t: &mut impl Tracer,
    ) -> Decision<'a> {
        let alert_framing = ctx.alert_framing();
        let plan = match hrr13::plan(self, o, t) {
            Ok(p) => p,
            Err(r) => return alert(AlertDescription::HANDSHAKE_FAILURE, r, alert_framing, out),
        };
        // RFC 9147: the server's first message has message_seq 0 and its first record
        // sequence number 0 in epoch 0.
        let framing = Framing::DtlsRecord {
            version: ProtocolVersion::DTLS1_2,
            epoch: 0,
            sequence_number: 0,
            message_seq: 0,
        };
        match hrr13::write_hrr(
            self,
            ctx.now,
            ctx.peer,
            DTLS13,
            o,
            hrr13::Ch1::Body(ctx.body),
            &plan,
            framing,
            out,
        ) {
            Ok((len, _)) => {
                t.check("HelloRetryRequest written", true, "");
                Decision::Reply {
                    kind: ReplyKind::HelloRetryRequest,
                    len,
                    consumed: ctx.consumed(),
                }
            }
            Err(r) => Decision::Drop(r),
        }
    }
}

/// Records whether a parse succeeded (naming the failing field) and hands its result on.
fn traced<T>(
    check: &'static str,
    r: Result<T, DecodeError>,
    t: &mut impl Tracer,
) -> Result<T, DecodeError> {
    match &r {
        Ok(_) => t.check(check, true, ""),
        Err(e) => t.check(check, false, e.field),
    }
    r
}

/// The version a DTLS 1.2-path accept goes on with: DTLS 1.2 when the client offers it, else
/// DTLS 1.0. A first fragment shows no supported_versions, so its client_version decides.
fn dtls12_version(hello: &AcceptedHello<'_>) -> ProtocolVersion {
    let offers12 = match hello {
        AcceptedHello::Whole(ch) => ch.offers_version(ProtocolVersion::DTLS1_2),
        AcceptedHello::FirstFragment(p) => {
            p.legacy_version.legacy_offer() == ProtocolVersion::DTLS1_2
        }
    };
    if offers12 {
        ProtocolVersion::DTLS1_2
    } else {
        ProtocolVersion::DTLS1_0
    }
}

/// Writes `description` as a fatal alert record; drops if the buffer is too small.
pub(crate) fn alert<'a>(
    description: AlertDescription,
    reason: Reason,
    framing: RecordFraming,
    out: &mut [u8],
) -> Decision<'a> {
    match Alert::fatal(description).write(framing, out) {
        Ok(len) => Decision::Alert {
            alert: description,
            len,
            reason,
        },
        Err(e) => Decision::Drop(hrr13::encode_reason(e)),
    }
}

/// What every step of one datagram's decision needs.
#[derive(Clone, Copy)]
struct Ctx<'a> {
    now: Duration,
    peer: SocketAddr,
    rec: DtlsRecord<'a>,
    hs: DtlsHandshake<'a>,
    /// The unfragmented handshake message (12-byte header, then the body).
    message: &'a [u8],
    /// The ClientHello body.
    body: &'a [u8],
}

impl<'a> Ctx<'a> {
    /// How an alert in answer to this datagram is framed: epoch 0, the ClientHello's record
    /// sequence number.
    fn alert_framing(&self) -> RecordFraming {
        RecordFraming::Dtls {
            version: ProtocolVersion::DTLS1_2,
            epoch: 0,
            sequence_number: self.rec.header.sequence_number,
        }
    }

    /// Bytes of the datagram used: up to the end of the first record.
    fn consumed(&self) -> usize {
        self.rec.offset + 13 + self.rec.fragment.len()
    }

    /// An accept; validated unless the continuation says otherwise.
    fn accept(
        &self,
        version: ProtocolVersion,
        client_hello: AcceptedHello<'a>,
        continuation: Continuation,
    ) -> Decision<'a> {
        Decision::Accept(Accepted {
            peer: self.peer,
            version,
            validated: !matches!(continuation, Continuation::Unvalidated),
            client_hello,
            message: self.message,
            consumed: self.consumed(),
            continuation,
        })
    }
}
