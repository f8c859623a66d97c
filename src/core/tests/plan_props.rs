//! The resource state machine against a model of the kernel: executing the
//! plan converges, never does an impossible step, and does exactly what the
//! control thread did before the decision moved into the core.

use mars_core::plan::{plan, Actual, Step, Wanted, MAX_STEPS};
use proptest::prelude::*;

/// The error shown in `actual-HOST/error`, by cause.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shown {
    None,
    Attach,
    Start,
    InUse,
    DataPath,
    /// Left from before the run.
    Earlier,
}

/// A resource as the kernel holds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Sim {
    attached: bool,
    primary: bool,
    blocked: bool,
    error: Shown,
    /// The running engine's data path failed.
    failed: bool,
    /// `/dev/mars/RES` is open (for the whole run).
    open: bool,
}

impl Sim {
    fn actual(&self) -> Actual {
        Actual {
            attached: self.attached,
            primary: self.primary,
            blocked: self.blocked,
            error: self.error != Shown::None,
            data_path_failed: self.primary && self.failed,
        }
    }

    fn fail(&mut self, why: Shown) {
        self.error = why;
        self.blocked = true;
    }
}

/// What the kernel makes of the steps of one pass.
#[derive(Clone, Copy, Debug)]
struct Outcome {
    attach_ok: bool,
    start_ok: bool,
    /// A started engine fails before the pass ends.
    fails_at_once: bool,
}

/// Effective kernel operations, for comparing executors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Attach,
    Start,
    Stop,
    Detach,
}

fn sim_attach(s: &mut Sim, o: &Outcome, ops: &mut Vec<Op>) -> bool {
    ops.push(Op::Attach);
    s.attached |= o.attach_ok;
    o.attach_ok
}

fn sim_start(s: &mut Sim, o: &Outcome, ops: &mut Vec<Op>) -> bool {
    ops.push(Op::Start);
    if !s.attached || !o.start_ok {
        return false;
    }
    s.primary = true;
    s.failed = o.fails_at_once;
    true
}

/// `Resource::stop_primary`: refused while open; a failed engine detaches.
fn sim_stop(s: &mut Sim, ops: &mut Vec<Op>) -> bool {
    if !s.primary {
        return true;
    }
    if s.open {
        return false;
    }
    ops.push(Op::Stop);
    s.primary = false;
    if s.failed {
        s.attached = false;
        s.failed = false;
    }
    true
}

fn sim_detach(s: &mut Sim, ops: &mut Vec<Op>) {
    if s.attached && !s.primary {
        ops.push(Op::Detach);
        s.attached = false;
    }
}

/// The executor of `Resource::converge`: the steps in order, stopping at
/// the first that fails. Asserts the steps are possible.
fn converge(s: &mut Sim, w: &Wanted, o: &Outcome, ops: &mut Vec<Op>) {
    let p = plan(w, &s.actual());
    assert!(p.len() <= MAX_STEPS);
    for step in &p {
        match step {
            Step::Unblock => s.blocked = false,
            Step::Attach => {
                assert!(!s.attached && !s.blocked && w.attached());
                if !sim_attach(s, o, ops) {
                    s.fail(Shown::Attach);
                    return;
                }
            }
            Step::StartPrimary => {
                assert!(s.attached, "StartPrimary without being attached");
                assert!(!s.primary && !s.blocked && w.primary());
                if !sim_start(s, o, ops) {
                    s.fail(Shown::Start);
                    return;
                }
            }
            Step::StopPrimary => {
                assert!(s.primary && !w.primary());
                if !sim_stop(s, ops) {
                    s.error = Shown::InUse;
                    return;
                }
            }
            Step::Detach => {
                assert!(!s.primary, "Detach while primary");
                assert!(!w.attached());
                sim_detach(s, ops);
            }
            Step::ClearError => s.error = Shown::None,
            Step::FailDataPath => {
                assert!(s.primary && s.failed && w.primary());
                s.fail(Shown::DataPath);
            }
        }
    }
}

/// `Resource::converge` as it was before `plan` (commit de7b2bd), on the
/// same model.
fn converge_before(s: &mut Sim, w: &Wanted, o: &Outcome, ops: &mut Vec<Op>) {
    let want_attached = w.in_tree && w.member && w.attach;
    let want_primary = want_attached && w.primary_here;
    if !want_attached {
        s.blocked = false;
    }
    if want_primary && !s.blocked {
        if !s.attached && !sim_attach(s, o, ops) {
            s.fail(Shown::Attach);
            return;
        }
        if !s.primary {
            if !sim_start(s, o, ops) {
                s.fail(Shown::Start);
                return;
            }
            s.error = Shown::None;
        }
    } else if want_attached && !s.blocked && !s.attached {
        if sim_attach(s, o, ops) {
            s.error = Shown::None;
        } else {
            s.fail(Shown::Attach);
        }
    }
    if !want_primary && s.primary {
        if sim_stop(s, ops) {
            if !s.blocked {
                s.error = Shown::None;
            }
        } else {
            s.error = Shown::InUse;
        }
    }
    if !want_attached && !s.primary {
        sim_detach(s, ops);
        if s.error != Shown::None && !s.blocked {
            s.error = Shown::None;
        }
    }
    let failed = s.primary && s.failed;
    if failed && want_primary && !s.blocked {
        s.fail(Shown::DataPath);
    }
}

fn wanted() -> impl Strategy<Value = Wanted> {
    (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()).prop_map(
        |(in_tree, member, attach, primary_here)| Wanted {
            in_tree,
            member,
            attach,
            primary_here,
        },
    )
}

/// Any state the kernel can be in: primary implies attached, only a
/// running engine fails, only a running device is open, a blocked resource
/// shows why.
fn sim() -> impl Strategy<Value = Sim> {
    (
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        prop::sample::select(vec![
            Shown::None,
            Shown::Attach,
            Shown::Start,
            Shown::InUse,
            Shown::DataPath,
            Shown::Earlier,
        ]),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(attached, primary, blocked, error, failed, open)| Sim {
            attached: attached || primary,
            primary,
            blocked,
            error: if blocked && error == Shown::None {
                Shown::Earlier
            } else {
                error
            },
            failed: failed && primary,
            open: open && primary,
        })
}

fn outcome() -> impl Strategy<Value = Outcome> {
    (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(
        |(attach_ok, start_ok, fails_at_once)| Outcome {
            attach_ok,
            start_ok,
            fails_at_once,
        },
    )
}

/// Most passes until nothing is left to do (attach and start, the new
/// engine fails at once, that failure is noticed).
const PASSES: usize = 3;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn converges(
        w in wanted(),
        start in sim(),
        outcomes in prop::collection::vec(outcome(), PASSES),
    ) {
        let mut s = start;
        let mut ops = Vec::new();
        let mut passes = 0;
        for o in &outcomes {
            if plan(&w, &s.actual()).is_empty() {
                break;
            }
            converge(&mut s, &w, o, &mut ops);
            passes += 1;
        }
        let left = plan(&w, &s.actual());
        let stuck_open = s.open && s.primary && !w.primary();
        if stuck_open {
            // Refused on every pass (what would follow it never runs),
            // the device kept, the reason shown.
            prop_assert_eq!(left.as_slice().first(), Some(&Step::StopPrimary));
            prop_assert_eq!(s.error, Shown::InUse);
            prop_assert!(s.attached);
        } else {
            prop_assert!(left.is_empty(), "{:?} after {} passes: {:?}", s, passes, left);
            if s.blocked {
                // Only the operator taking it down unblocks it.
                prop_assert!(w.attached());
            } else {
                prop_assert_eq!(s.attached, w.attached());
                prop_assert_eq!(s.primary, w.primary());
            }
            // Idempotent: a converged pass changes nothing.
            let before = s;
            let mut none = Vec::new();
            converge(&mut s, &w, &outcomes[0], &mut none);
            prop_assert_eq!(s, before);
            prop_assert!(none.is_empty());
        }
        // A blocked resource shows why.
        prop_assert!(!s.blocked || s.error != Shown::None);
        // A failed data path that is wanted primary is blocked, for that
        // reason if it was not blocked before.
        if s.primary && s.failed && w.primary() {
            prop_assert!(s.blocked);
            prop_assert!(start.blocked || s.error == Shown::DataPath);
        }
    }

    #[test]
    fn same_as_before(w in wanted(), start in sim(), o in outcome()) {
        let (mut new, mut old) = (start, start);
        let (mut new_ops, mut old_ops) = (Vec::new(), Vec::new());
        converge(&mut new, &w, &o, &mut new_ops);
        converge_before(&mut old, &w, &o, &mut old_ops);
        prop_assert_eq!(&new_ops, &old_ops);
        if new != old {
            // The one difference: an engine that fails while the pass that
            // started it still runs was failed at once; now the next pass
            // (two seconds or a trigger later) fails it.
            prop_assert!(o.fails_at_once && new_ops.contains(&Op::Start));
            let mut later = Vec::new();
            converge(&mut new, &w, &o, &mut later);
            prop_assert!(later.is_empty());
        }
        prop_assert_eq!(new, old);
    }
}
