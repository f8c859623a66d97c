//! The state machine of one resource on this host: from what the tree
//! wants and what runs, the ordered steps that move towards the wanted
//! state (down, attached, primary).
//!
//! [`plan`] is the pure decision. The control thread of mars.ko builds a
//! [`Wanted`] from the tree and an [`Actual`] from the running resource,
//! and executes the returned [`Steps`] in order (`Resource::converge` in
//! `src/resource.rs`). The contract between the two:
//!
//! - Steps are executed in the order given, each at most once per pass.
//! - [`Step::Attach`], [`Step::StartPrimary`] and [`Step::StopPrimary`] can
//!   fail in the kernel (the data device cannot be opened or replayed, the
//!   device cannot be created, `/dev/mars/RES` is open). The executor stops
//!   the pass at the first step that fails, and records why: a failed
//!   attach or start shows the error and blocks the resource (as
//!   [`Step::FailDataPath`] does), a refused stop shows that the device is
//!   in use and keeps it (not blocked: it is retried on every pass).
//! - The other steps cannot fail.
//! - The next pass (every few seconds, or on a trigger) plans again from
//!   what then runs. The plan only moves one way: a blocked resource
//!   plans nothing until the operator takes it down (`todo-HOST/attach` 0,
//!   or the `data-HOST` link or the resource gone), which unblocks it.
//!
//! A state that has converged plans no steps, so an idle pass does nothing.
//! Pushing the engine's tunables (log rotation, emergency) to a running
//! primary is not a transition and not planned here.

/// What the tree asks of this host for one resource.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Wanted {
    /// The resource is in the tree (`resource-RES` exists).
    pub in_tree: bool,
    /// This host is a member: the `data-HOST` link is present and valid.
    pub member: bool,
    /// `todo-HOST/attach` is on.
    pub attach: bool,
    /// `primary` names this host.
    pub primary_here: bool,
}

impl Wanted {
    /// Whether the data device should be attached (open and replayed).
    pub const fn attached(&self) -> bool {
        self.in_tree && self.member && self.attach
    }

    /// Whether this host should be primary (`/dev/mars/RES` up here).
    pub const fn primary(&self) -> bool {
        self.attached() && self.primary_here
    }
}

/// What runs on this host for one resource.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Actual {
    /// The data device is open and replayed. Implied by `primary`.
    pub attached: bool,
    /// The primary data path runs (`/dev/mars/RES` is up here).
    pub primary: bool,
    /// The resource failed and waits for the operator to take it down.
    pub blocked: bool,
    /// An error is shown (`actual-HOST/error`).
    pub error: bool,
    /// The running primary's data path failed (an I/O error on the data
    /// device or the log). Meaningful only while `primary`.
    pub data_path_failed: bool,
}

/// One transition, executed by the kernel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Forget a previous failure: the resource is going down, so the
    /// operator may try again. Cannot fail.
    Unblock,
    /// Open the data device and replay the logs onto it. On failure: show
    /// the error, block, stop the pass.
    Attach,
    /// Create a new log, start the threads, add `/dev/mars/RES`. Only
    /// planned when attached (or after [`Step::Attach`]). On failure: show
    /// the error, block, stop the pass.
    StartPrimary,
    /// Stop the primary data path; if its data path had failed, also
    /// detach (the data device must be replayed before it is used again).
    /// Refused while `/dev/mars/RES` is open: show that it is in use, keep
    /// it, stop the pass.
    StopPrimary,
    /// Close the data device. Only planned when not primary (or after
    /// [`Step::StopPrimary`]); a no-op if not attached. Cannot fail.
    Detach,
    /// Clear the shown error. Cannot fail.
    ClearError,
    /// The data path of the primary failed: show the error and block, so
    /// that it is not restarted until the operator takes the resource down
    /// and up (which replays the logs). Cannot fail.
    FailDataPath,
}

/// Most steps one [`plan`] returns.
pub const MAX_STEPS: usize = 4;

/// An ordered list of at most [`MAX_STEPS`] steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Steps {
    steps: [Step; MAX_STEPS],
    len: usize,
}

impl Steps {
    /// No steps.
    pub const fn new() -> Self {
        Steps {
            steps: [Step::Unblock; MAX_STEPS],
            len: 0,
        }
    }

    /// Appends a step. [`plan`] never plans more than [`MAX_STEPS`] (the
    /// tests check every input); a step beyond that would be dropped.
    fn push(&mut self, step: Step) {
        if let Some(slot) = self.steps.get_mut(self.len) {
            *slot = step;
            self.len = self.len.saturating_add(1);
        }
    }

    /// The steps in order.
    pub fn as_slice(&self) -> &[Step] {
        self.steps.get(..self.len).unwrap_or(&[])
    }

    /// Iterates over the steps in order.
    pub fn iter(&self) -> core::slice::Iter<'_, Step> {
        self.as_slice().iter()
    }

    /// Number of steps.
    pub const fn len(&self) -> usize {
        self.len
    }

    /// Whether there is nothing to do.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl Default for Steps {
    fn default() -> Self {
        Self::new()
    }
}

impl<'a> IntoIterator for &'a Steps {
    type Item = &'a Step;
    type IntoIter = core::slice::Iter<'a, Step>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// The steps that move `actual` towards `wanted`, in execution order (see
/// the module doc for how they are executed).
///
/// - Going down (not [`Wanted::attached`]) unblocks, stops the primary,
///   detaches and clears the error.
/// - Unless blocked: wanted attached but not attached attaches; wanted
///   primary but not primary also starts the primary. A successful start
///   or attach clears the error.
/// - Primary but not wanted primary stops the primary; that clears the
///   error unless blocked.
/// - Primary, wanted primary and not blocked, with a failed data path:
///   [`Step::FailDataPath`].
///
/// `primary` implies `attached` (an `Actual` saying otherwise is read as
/// attached), and `data_path_failed` counts only while primary.
pub fn plan(wanted: &Wanted, actual: &Actual) -> Steps {
    let mut steps = Steps::new();
    let want_attached = wanted.attached();
    let want_primary = wanted.primary();
    let primary = actual.primary;
    let attached = actual.attached || primary;
    let mut blocked = actual.blocked;
    if !want_attached && blocked {
        steps.push(Step::Unblock);
        blocked = false;
    }
    if blocked {
        // Only stopping a primary that is no longer wanted goes on while
        // blocked (after a failed data path, say); it keeps the error.
        if primary && !want_primary {
            steps.push(Step::StopPrimary);
        }
        return steps;
    }
    if want_primary {
        if !attached {
            steps.push(Step::Attach);
        }
        if !primary {
            steps.push(Step::StartPrimary);
            if actual.error {
                steps.push(Step::ClearError);
            }
        } else if actual.data_path_failed {
            steps.push(Step::FailDataPath);
        }
        return steps;
    }
    if want_attached && !attached {
        steps.push(Step::Attach);
        if actual.error {
            steps.push(Step::ClearError);
        }
        return steps;
    }
    if primary {
        steps.push(Step::StopPrimary);
    }
    if !want_attached && attached {
        steps.push(Step::Detach);
    }
    if actual.error && (primary || !want_attached) {
        steps.push(Step::ClearError);
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;
    use Step::*;

    fn wanted(in_tree: bool, member: bool, attach: bool, primary_here: bool) -> Wanted {
        Wanted {
            in_tree,
            member,
            attach,
            primary_here,
        }
    }

    const DOWN: Wanted = Wanted {
        in_tree: true,
        member: true,
        attach: false,
        primary_here: false,
    };
    const SECONDARY: Wanted = Wanted {
        in_tree: true,
        member: true,
        attach: true,
        primary_here: false,
    };
    const PRIMARY: Wanted = Wanted {
        in_tree: true,
        member: true,
        attach: true,
        primary_here: true,
    };

    const IDLE: Actual = Actual {
        attached: false,
        primary: false,
        blocked: false,
        error: false,
        data_path_failed: false,
    };
    const ATTACHED: Actual = Actual {
        attached: true,
        ..IDLE
    };
    const RUNNING: Actual = Actual {
        attached: true,
        primary: true,
        ..IDLE
    };

    fn steps(w: Wanted, a: Actual) -> Vec<Step> {
        plan(&w, &a).iter().copied().collect()
    }

    #[test]
    fn wanted_state() {
        assert!(PRIMARY.attached() && PRIMARY.primary());
        assert!(SECONDARY.attached() && !SECONDARY.primary());
        assert!(!DOWN.attached() && !DOWN.primary());
        // primary names this host, but no data link / not attached / gone.
        assert!(!wanted(true, false, true, true).primary());
        assert!(!wanted(true, true, false, true).primary());
        assert!(!wanted(false, true, true, true).attached());
    }

    #[test]
    fn up() {
        assert_eq!(steps(SECONDARY, IDLE), [Attach]);
        assert_eq!(steps(PRIMARY, IDLE), [Attach, StartPrimary]);
        assert_eq!(steps(PRIMARY, ATTACHED), [StartPrimary]);
        // A shown error (a stale "in use") goes with a successful step.
        let shown = Actual {
            error: true,
            ..IDLE
        };
        assert_eq!(steps(SECONDARY, shown), [Attach, ClearError]);
        assert_eq!(steps(PRIMARY, shown), [Attach, StartPrimary, ClearError]);
    }

    #[test]
    fn down() {
        assert_eq!(steps(SECONDARY, RUNNING), [StopPrimary]);
        assert_eq!(steps(DOWN, RUNNING), [StopPrimary, Detach]);
        assert_eq!(steps(DOWN, ATTACHED), [Detach]);
        // Leaving the tree or losing the data link is going down too.
        assert_eq!(steps(Wanted::default(), RUNNING), [StopPrimary, Detach]);
        assert_eq!(steps(wanted(true, false, true, true), ATTACHED), [Detach]);
        // Refused while open: the executor shows "in use" and stops; the
        // next pass plans the same, then clears it once the stop works.
        let in_use = Actual {
            error: true,
            ..RUNNING
        };
        assert_eq!(steps(SECONDARY, in_use), [StopPrimary, ClearError]);
        assert_eq!(steps(DOWN, in_use), [StopPrimary, Detach, ClearError]);
        // Down and no longer attached: only the error goes.
        assert_eq!(
            steps(
                DOWN,
                Actual {
                    error: true,
                    ..IDLE
                }
            ),
            [ClearError]
        );
    }

    #[test]
    fn going_down_unblocks() {
        let failed = Actual {
            blocked: true,
            error: true,
            ..IDLE
        };
        assert_eq!(steps(DOWN, failed), [Unblock, ClearError]);
        let start_failed = Actual {
            blocked: true,
            error: true,
            ..ATTACHED
        };
        assert_eq!(steps(DOWN, start_failed), [Unblock, Detach, ClearError]);
        let path_failed = Actual {
            blocked: true,
            error: true,
            data_path_failed: true,
            ..RUNNING
        };
        assert_eq!(
            steps(DOWN, path_failed),
            [Unblock, StopPrimary, Detach, ClearError]
        );
    }

    #[test]
    fn blocked_waits_for_the_operator() {
        let failed = Actual {
            blocked: true,
            error: true,
            ..IDLE
        };
        assert_eq!(steps(PRIMARY, failed), []);
        assert_eq!(steps(SECONDARY, failed), []);
        let start_failed = Actual {
            blocked: true,
            error: true,
            ..ATTACHED
        };
        assert_eq!(steps(PRIMARY, start_failed), []);
        assert_eq!(steps(SECONDARY, start_failed), []);
        // A failed primary that is no longer wanted primary stops (which
        // detaches it) but stays blocked with its error.
        let path_failed = Actual {
            blocked: true,
            error: true,
            data_path_failed: true,
            ..RUNNING
        };
        assert_eq!(steps(PRIMARY, path_failed), []);
        assert_eq!(steps(SECONDARY, path_failed), [StopPrimary]);
    }

    #[test]
    fn failed_data_path() {
        let failed = Actual {
            data_path_failed: true,
            ..RUNNING
        };
        assert_eq!(steps(PRIMARY, failed), [FailDataPath]);
        // Not wanted primary: stopping detaches it; the next pass attaches
        // again, which replays the logs.
        assert_eq!(steps(SECONDARY, failed), [StopPrimary]);
        // Only a running primary's data path counts.
        let stale = Actual {
            data_path_failed: true,
            ..ATTACHED
        };
        assert_eq!(steps(PRIMARY, stale), [StartPrimary]);
    }

    #[test]
    fn converged_states_plan_nothing() {
        assert_eq!(steps(DOWN, IDLE), []);
        assert_eq!(steps(Wanted::default(), IDLE), []);
        assert_eq!(steps(SECONDARY, ATTACHED), []);
        assert_eq!(steps(PRIMARY, RUNNING), []);
        // Today's rule: a shown error of a resource that is where it
        // should be stays (a stop refused earlier, then primary again).
        assert_eq!(
            steps(
                PRIMARY,
                Actual {
                    error: true,
                    ..RUNNING
                }
            ),
            []
        );
    }

    #[test]
    fn primary_without_attached_reads_as_attached() {
        let odd = Actual {
            primary: true,
            ..IDLE
        };
        assert_eq!(steps(PRIMARY, odd), []);
        assert_eq!(steps(DOWN, odd), [StopPrimary, Detach]);
    }

    /// Every input: within capacity, and the ordering rules hold.
    #[test]
    fn every_input() {
        for bits in 0u32..1 << 9 {
            let bit = |n: u32| bits & (1 << n) != 0;
            let w = wanted(bit(0), bit(1), bit(2), bit(3));
            let a = Actual {
                attached: bit(4),
                primary: bit(5),
                blocked: bit(6),
                error: bit(7),
                data_path_failed: bit(8),
            };
            let p = plan(&w, &a);
            assert!(p.len() <= MAX_STEPS);
            assert_eq!(p.as_slice().len(), p.len());
            assert_eq!(p.is_empty(), p.as_slice().is_empty());
            let s = p.as_slice();
            let pos = |x: Step| s.iter().position(|&y| y == x);
            for x in [
                Unblock,
                Attach,
                StartPrimary,
                StopPrimary,
                Detach,
                ClearError,
                FailDataPath,
            ] {
                assert!(s.iter().filter(|&&y| y == x).count() <= 1, "{w:?} {a:?}");
            }
            if let Some(i) = pos(StartPrimary) {
                assert!(w.primary() && (a.attached || a.primary || pos(Attach) < Some(i)));
            }
            if let Some(i) = pos(Detach) {
                assert!(!w.attached() && (!a.primary || pos(StopPrimary) < Some(i)));
            }
            if pos(Unblock).is_some() {
                assert_eq!(pos(Unblock), Some(0));
            }
            if pos(Attach).is_some() || pos(StartPrimary).is_some() {
                assert!(w.attached() && !(a.blocked));
            }
        }
    }
}
