//! Traces: the list of checks behind a decision, for `hellogate step` and researchers.
//!
//! The hot path is generic over [`Tracer`]; with [`NoTrace`] every call compiles away, so
//! tracing costs nothing unless asked for. [`Trace`] is a fixed-capacity list (no heap),
//! which keeps the traced path within the same allocation rules as the untraced one.

use core::fmt;

/// One check the machine made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Check {
    /// What was checked, in a few words (e.g. `"record.epoch == 0"`).
    pub what: &'static str,
    /// Whether it passed.
    pub ok: bool,
    /// A detail worth showing, or empty.
    pub detail: &'static str,
}

/// Receives the checks made while deciding.
pub trait Tracer {
    /// Records one check.
    fn check(&mut self, what: &'static str, ok: bool, detail: &'static str);
}

/// A tracer that records nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoTrace;

impl Tracer for NoTrace {
    #[inline(always)]
    fn check(&mut self, _: &'static str, _: bool, _: &'static str) {}
}

/// How many checks a [`Trace`] keeps; later ones are counted but not stored.
pub const TRACE_CAPACITY: usize = 32;

/// A fixed-capacity trace.
#[derive(Clone, Copy, Debug)]
pub struct Trace {
    checks: [Check; TRACE_CAPACITY],
    len: usize,
    dropped: usize,
}

impl Default for Trace {
    fn default() -> Self {
        Self {
            checks: [Check {
                what: "",
                ok: true,
                detail: "",
            }; TRACE_CAPACITY],
            len: 0,
            dropped: 0,
        }
    }
}

impl Trace {
    /// An empty trace.
    pub fn new() -> Self {
        Self::default()
    }

    /// The checks, in the order they were made.
    pub fn checks(&self) -> &[Check] {
        self.checks.get(..self.len).unwrap_or(&[])
    }

    /// Checks made after the trace was full.
    pub fn dropped(&self) -> usize {
        self.dropped
    }

    /// Empties the trace for reuse.
    pub fn clear(&mut self) {
        self.len = 0;
        self.dropped = 0;
    }
}

impl Tracer for Trace {
    fn check(&mut self, what: &'static str, ok: bool, detail: &'static str) {
        match self.checks.get_mut(self.len) {
            Some(slot) => {
                *slot = Check { what, ok, detail };
                self.len += 1;
            }
            None => self.dropped += 1,
        }
    }
}

impl fmt::Display for Trace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, c) in self.checks().iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            f.write_str(if c.ok { "ok " } else { "FAIL " })?;
            f.write_str(c.what)?;
            if !c.detail.is_empty() {
                write!(f, " ({})", c.detail)?;
            }
        }
        Ok(())
    }
}
