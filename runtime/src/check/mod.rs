//! What generated validators call: the walk's state (where in the payload we
//! are, the errors so far, how deep we went), here, and the keyword checks
//! that are the same in every schema (`types`, `keywords`), with the text of
//! their messages (`messages`). Generated code decides which checks apply
//! where; this module knows how each one judges a value.

mod keywords;
mod messages;
pub mod types;

pub use keywords::{
    Bound, all_unique, closest, compare_numbers, equal, is_multiple_of, length, missing,
};
pub use messages::{describe, show, type_mismatch};
pub use types::{expect_type, has_type, type_name};

use crate::json::Json;
use crate::pointer::escape_token;
use crate::validate::{Position, ValidationError};

/// How deep a payload may nest before validation gives up with an error
/// instead of risking the stack.
pub const MAX_DEPTH: usize = 256;

/// One step into a payload.
#[derive(Debug, Clone)]
enum Segment<'v> {
    Key(&'v str),
    Index(usize),
}

/// What a walk records of the errors it meets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Every error, with its message and locations.
    All,
    /// How many errors there are and how deep the deepest stands, without
    /// writing any of them: enough to pick the closest `anyOf`/`oneOf`
    /// alternative before walking only that one in full.
    Tally,
    /// Whether there is an error at all: the walk stops at the first.
    Verdict,
}

/// What a context's walk had counted before a walk of another mode ran on it.
#[derive(Debug, Clone, Copy)]
struct Saved {
    mode: Mode,
    failures: usize,
    stop: bool,
    deepest: usize,
    too_deep: bool,
}

/// The state of one validation.
#[derive(Debug)]
pub struct Ctx<'v> {
    /// The instance path of a full walk: its first `depth` segments are the
    /// current place (those after it are left by members already walked,
    /// overwritten by the next step, so that stepping out is one
    /// subtraction).
    path: Vec<Segment<'v>>,
    /// The errors recorded so far. A walk on a [`Document`](crate::document::Document)
    /// gives each the byte where its value starts, as a position on line 0,
    /// until `bytes::validate_bytes` turns them into lines and columns.
    pub errors: Vec<ValidationError>,
    mode: Mode,
    depth: usize,
    /// The depth from which a step takes the way out of line: `MAX_DEPTH`
    /// for a verdict or a tally, which only count steps, and 0 for a full
    /// walk, which also writes each step into `path`. One comparison a step
    /// then answers both "too deep?" and "keeping the path?".
    gate: usize,
    /// Errors met by a walk that does not write them (`Tally`, `Verdict`).
    failures: usize,
    /// A verdict that met an error: the walk stops. One flag rather than
    /// the mode and the count, since every member and item asks.
    stop: bool,
    /// `Tally`: how deep the deepest error stands (`depth` counts the
    /// instance path's segments: every step into the payload is one).
    deepest: usize,
    /// A walk that does not write its errors still reports "too deep" once.
    too_deep: bool,
    /// The dynamic scope: the schema resources that declare a
    /// `$dynamicAnchor` some `$dynamicRef` looks for, outermost first, as
    /// the walk entered them. Empty, and never touched, for schemas without
    /// `$dynamicRef`.
    scopes: Vec<u32>,
}

impl<'v> Ctx<'v> {
    fn new(mode: Mode, depth: usize) -> Self {
        Ctx {
            path: Vec::new(),
            errors: Vec::new(),
            mode,
            depth,
            gate: Ctx::gate(mode),
            failures: 0,
            stop: false,
            deepest: 0,
            too_deep: false,
            scopes: Vec::new(),
        }
    }

    fn gate(mode: Mode) -> usize {
        match mode {
            Mode::All => 0,
            Mode::Tally | Mode::Verdict => MAX_DEPTH,
        }
    }

    /// Collects every error.
    pub fn all() -> Self {
        Ctx::new(Mode::All, 0)
    }

    /// Stops at the first error.
    pub fn verdict() -> Self {
        Ctx::new(Mode::Verdict, 0)
    }

    /// A context for walking a subschema on the same value in full: same
    /// place, no errors yet.
    pub fn branch(&self) -> Self {
        Ctx {
            path: self.path[..self.here()].to_vec(),
            scopes: self.scopes.clone(),
            ..Ctx::new(self.mode, self.depth)
        }
    }

    /// Whether `walk` finds no error, asked as a verdict (no path, no
    /// messages, stopping at the first error). The walk runs on this
    /// context, switched to a verdict for the while: trying an alternative
    /// costs no context of its own.
    #[inline(always)]
    pub fn is_valid_by(&mut self, walk: impl FnOnce(&mut Ctx<'v>)) -> bool {
        let saved = self.switch(Mode::Verdict);
        walk(self);
        let valid = self.failures == 0;
        self.restore(saved);
        valid
    }

    /// How close `walk` comes to finding no error: its errors counted and
    /// how deep they stand, none written (see [`closest`]).
    #[inline(always)]
    pub fn distance_by(&mut self, walk: impl FnOnce(&mut Ctx<'v>)) -> (usize, usize) {
        let saved = self.switch(Mode::Tally);
        walk(self);
        let distance = (self.failures, usize::MAX - self.deepest);
        self.restore(saved);
        distance
    }

    /// Starts a walk of another mode on this context; what it replaces.
    #[inline(always)]
    fn switch(&mut self, mode: Mode) -> Saved {
        let saved = Saved {
            mode: self.mode,
            failures: self.failures,
            stop: self.stop,
            deepest: self.deepest,
            too_deep: self.too_deep,
        };
        self.mode = mode;
        self.gate = Ctx::gate(mode);
        self.failures = 0;
        self.stop = false;
        self.deepest = 0;
        self.too_deep = false;
        saved
    }

    #[inline(always)]
    fn restore(&mut self, saved: Saved) {
        self.mode = saved.mode;
        self.gate = Ctx::gate(saved.mode);
        self.failures = saved.failures;
        self.stop = saved.stop;
        self.deepest = saved.deepest;
        self.too_deep = saved.too_deep;
    }

    /// Runs `walk` with the schema resource `resource` in the dynamic scope:
    /// entered unless the walk is in it already.
    #[inline]
    pub fn in_scope<T>(&mut self, resource: u32, walk: impl FnOnce(&mut Ctx<'v>) -> T) -> T {
        let enters = self.scopes.last() != Some(&resource);
        if enters {
            self.scopes.push(resource);
        }
        let result = walk(self);
        if enters {
            self.scopes.pop();
        }
        result
    }

    /// Which of `resources` (those that declare the `$dynamicAnchor` a
    /// `$dynamicRef` looks for) the walk entered first: its index.
    pub fn outermost_scope(&self, resources: &[u32]) -> Option<usize> {
        self.scopes
            .iter()
            .find_map(|scope| resources.iter().position(|resource| resource == scope))
    }

    /// Whether this walk reports errors (rather than only a verdict or a
    /// tally): the closest alternative of an `anyOf`/`oneOf` is then walked
    /// again in full to give its errors.
    #[inline]
    pub fn wants_errors(&self) -> bool {
        self.mode == Mode::All
    }

    /// Whether the walk should stop: an error was found and only the verdict is wanted.
    #[inline]
    pub fn done(&self) -> bool {
        self.stop
    }

    #[inline]
    pub fn is_valid(&self) -> bool {
        self.failures == 0 && self.errors.is_empty()
    }

    /// Whether the context holds memory to give back: a verdict's does not
    /// (unless the schema has a dynamic scope).
    #[inline]
    fn owns_memory(&self) -> bool {
        self.path.capacity() != 0 || self.errors.capacity() != 0 || self.scopes.capacity() != 0
    }

    /// Steps into the member `key` of the current object, whose value is
    /// `child`; `false` (after recording an error) when that is too deep.
    #[inline(always)]
    pub fn enter_key(
        &mut self,
        key: &'v str,
        child: impl Json<'v>,
        keyword_location: &'static str,
    ) -> bool {
        self.enter(Segment::Key(key), child, keyword_location)
    }

    /// Steps into the item `index` of the current array, whose value is `child`.
    #[inline(always)]
    pub fn enter_index(
        &mut self,
        index: usize,
        child: impl Json<'v>,
        keyword_location: &'static str,
    ) -> bool {
        self.enter(Segment::Index(index), child, keyword_location)
    }

    /// A verdict or a tally only counts the step; a full walk, and a step
    /// too deep, go out of line (see `gate`).
    #[inline(always)]
    fn enter<J: Json<'v>>(
        &mut self,
        segment: Segment<'v>,
        child: J,
        keyword_location: &'static str,
    ) -> bool {
        // A value that knows its pointer needs no path: only depth stops it.
        let gate = if J::KNOWS_POINTER {
            MAX_DEPTH
        } else {
            self.gate
        };
        if self.depth >= gate {
            return self.enter_gated(segment, child, keyword_location);
        }
        self.depth += 1;
        true
    }

    /// Only full walks keep the instance path, and those are only for
    /// invalid payloads: the step is a call, not code in every member's arm.
    #[inline(never)]
    fn enter_gated<J: Json<'v>>(
        &mut self,
        segment: Segment<'v>,
        child: J,
        keyword_location: &'static str,
    ) -> bool {
        if self.depth >= MAX_DEPTH {
            self.fail_too_deep(segment, child, keyword_location);
            return false;
        }
        if self.mode == Mode::All && !J::KNOWS_POINTER {
            self.step(segment);
        }
        self.depth += 1;
        true
    }

    /// Writes `segment` as the step after the current place.
    fn step(&mut self, segment: Segment<'v>) {
        self.path.truncate(self.depth);
        self.path.push(segment);
    }

    /// How many segments of `path` make the current place.
    fn here(&self) -> usize {
        self.depth.min(self.path.len())
    }

    /// Steps back out of the member or item entered last, whose value is
    /// `child`: the path's last segment is overwritten by the next step.
    #[inline(always)]
    pub fn leave<J: Json<'v>>(&mut self, child: J) {
        let _ = child;
        self.depth -= 1;
    }

    /// The one error of a payload that nests too deep, at the value that does.
    #[cold]
    fn fail_too_deep<J: Json<'v>>(
        &mut self,
        segment: Segment<'v>,
        child: J,
        keyword_location: &'static str,
    ) {
        let reported = match self.mode {
            Mode::All => self.errors.iter().any(|e| e.keyword == "depth"),
            Mode::Tally | Mode::Verdict => self.too_deep,
        };
        if reported {
            return;
        }
        self.too_deep = true;
        if self.mode == Mode::All && !J::KNOWS_POINTER {
            self.step(segment);
        }
        self.depth += 1;
        self.fail(child, keyword_location, "depth", || {
            format!("the payload nests deeper than {MAX_DEPTH} levels")
        });
        self.depth -= 1;
    }

    /// The JSON pointer of the current place.
    pub fn pointer(&self) -> String {
        use std::fmt::Write;
        let path = &self.path[..self.here()];
        let room = path
            .iter()
            .map(|segment| match segment {
                Segment::Key(key) => key.len() + 1,
                Segment::Index(_) => 6,
            })
            .sum();
        let mut pointer = String::with_capacity(room);
        for segment in path {
            pointer.push('/');
            match segment {
                Segment::Key(key) => pointer.push_str(&escape_token(key)),
                Segment::Index(index) => {
                    let _ = write!(pointer, "{index}");
                }
            }
        }
        pointer
    }

    /// Records an error at the current place. The message is only written
    /// when errors are reported: a walk that only wants a verdict or a tally
    /// counts the error and writes nothing.
    #[cold]
    #[inline(never)]
    pub fn fail(
        &mut self,
        value: impl Json<'v>,
        keyword_location: &'static str,
        keyword: &'static str,
        message: impl FnOnce() -> String,
    ) {
        if self.mode == Mode::All {
            let message = message();
            self.record(value, keyword_location, keyword, message, Vec::new());
        } else {
            self.count();
        }
    }

    /// A `type` that does not match: `expected string, found integer 5`.
    /// The common failures have their own calls, so that each call site
    /// passes a few constants instead of carrying code of its own to write
    /// the message. Every failure is a call out of line: the walk's code
    /// stays small, which matters more than the call when payloads of many
    /// schemas take turns in the instruction cache.
    #[cold]
    #[inline(never)]
    pub fn fail_type(
        &mut self,
        value: impl Json<'v>,
        keyword_location: &'static str,
        expected: &'static str,
    ) {
        self.fail(value, keyword_location, "type", || {
            type_mismatch(expected, value)
        });
    }

    /// An error whose message shows the value between `before` and `after`.
    #[cold]
    #[inline(never)]
    pub fn fail_showing(
        &mut self,
        value: impl Json<'v>,
        keyword_location: &'static str,
        keyword: &'static str,
        before: &'static str,
        after: &'static str,
    ) {
        self.fail(value, keyword_location, keyword, || {
            describe(before, value, after)
        });
    }

    /// An error whose message names a property: `before`, `name`, `after`.
    #[cold]
    #[inline(never)]
    pub fn fail_naming(
        &mut self,
        value: impl Json<'v>,
        keyword_location: &'static str,
        keyword: &'static str,
        before: &'static str,
        name: &str,
        after: &'static str,
    ) {
        self.fail(value, keyword_location, keyword, || {
            [before, name, after].concat()
        });
    }

    /// An error of a walk that does not write its errors.
    #[inline]
    fn count(&mut self) {
        self.failures += 1;
        self.stop = self.mode == Mode::Verdict;
        self.deepest = self.deepest.max(self.depth);
    }

    /// [`Ctx::fail`] with the errors of the closest alternative as context.
    pub fn fail_with_context(
        &mut self,
        value: impl Json<'v>,
        keyword_location: &'static str,
        keyword: &'static str,
        message: String,
        context: Vec<ValidationError>,
    ) {
        if self.mode == Mode::All {
            self.record(value, keyword_location, keyword, message, context);
        } else {
            self.count();
        }
    }

    #[cold]
    #[inline(never)]
    fn record(
        &mut self,
        value: impl Json<'v>,
        keyword_location: &'static str,
        keyword: &'static str,
        message: String,
        context: Vec<ValidationError>,
    ) {
        let offset = value.offset();
        self.errors.push(ValidationError {
            instance_location: value.pointer().unwrap_or_else(|| self.pointer()),
            keyword_location,
            keyword,
            message,
            position: offset.map(Position::unplaced),
            context,
        });
    }
}

/// Every error the node function `walk` finds in `value`. Most payloads are
/// valid, and a verdict-only walk writes no instance paths and stops early,
/// so the verdict comes first; only an invalid payload is walked again in
/// full.
///
/// `walk` is a function pointer, and this is never inlined, so that it is
/// compiled once for a `Value` and once for bytes: taking a closure, it was
/// compiled into every `validate_*` of the generated crate (764 copies for
/// 2.16, a tenth of the validators' code before optimization), for one
/// indirect call a payload.
#[inline(never)]
pub fn errors<'v, J: Json<'v>>(value: J, walk: fn(J, &mut Ctx<'v>)) -> Vec<ValidationError> {
    if is_valid(value, walk) {
        return Vec::new();
    }
    let mut all = Ctx::all();
    walk(value, &mut all);
    all.errors
}

/// Whether the node function `walk` finds no error in `value`, stopping at
/// the first (compiled once per representation, as [`errors`] is).
#[inline(never)]
pub fn is_valid<'v, J: Json<'v>>(value: J, walk: fn(J, &mut Ctx<'v>)) -> bool {
    // Dropping the context's three empty vectors is a call of some forty
    // instructions, a twentieth of the whole walk of a small payload, and
    // moving it out to drop it as many again: one that owns no memory is
    // left as it is.
    let mut verdict = std::mem::ManuallyDrop::new(Ctx::verdict());
    walk(value, &mut verdict);
    let valid = verdict.is_valid();
    if verdict.owns_memory() {
        drop(std::mem::ManuallyDrop::into_inner(verdict));
    }
    valid
}
