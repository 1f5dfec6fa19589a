//! The page's one handle to its [`Lab`], and the checkpoints that rewind it.

use crate::session::rewind::Checkpoints;
use crate::session::Lab;
use crate::sim::{Millis, ScenarioError};
use std::cell::{Cell, Ref, RefCell};
use std::rc::Rc;

/// The one way the page reaches the model. Yew's reducer hands out a new page state for every
/// action, and cloning every World on each of them (thirty times a second while playing) would be
/// ruinous, so all page states share one Lab behind this handle.
///
/// Who touches it: the reducer ([`super::PageState`]) changes the Lab, and re-reads it into plain
/// [`super::LaneView`]s right away; components only ever see those (and ask the page state for the
/// session as a share link or scenario file). A page state that is no longer the current one may
/// still hold the handle, but nothing reads it again.
///
/// The run's checkpoints live beside it: a new Lab (a new run) gets a new handle and none.
///
/// A checkpoint copies every World with its whole trace: tens of ms at 50 consumers, three times
/// over in Compare. While the clock plays ([`LabHandle::advance`]) one is taken only as long as
/// copies of this run stay cheap; a costlier one waits until it is needed: before a rewind
/// ([`LabHandle::seek`]) or with the next change made while the clock stands
/// ([`LabHandle::change`]). The run does not move while paused, so the copy is the same one
/// Pause would have taken, and neither the animation nor the Pause click pays for it. The last
/// copy's duration is the third part.
#[derive(Clone)]
pub struct LabHandle(Rc<RefCell<Lab>>, Rc<RefCell<Checkpoints>>, Rc<Cell<f64>>);

/// A copy that takes longer than this (ms) waits for the clock to stop: a frame lasts 16.7 ms.
const PLAYING_COPY_MS: f64 = 3.0;

impl LabHandle {
    pub fn new(lab: Lab) -> LabHandle {
        LabHandle(Rc::new(RefCell::new(lab)), Rc::default(), Rc::default())
    }

    /// The Lab to read: snapshots, the session record.
    pub fn read(&self) -> Ref<'_, Lab> {
        self.0.borrow()
    }

    /// Which Lab this is: the same for every clone of the handle, another for a new Lab.
    pub fn id(&self) -> usize {
        Rc::as_ptr(&self.0) as usize
    }

    /// Changes the Lab: apply an action, step, seek. Only the reducer calls this.
    pub fn change<R>(&self, f: impl FnOnce(&mut Lab) -> R) -> R {
        let r = f(&mut self.0.borrow_mut());
        self.settle();
        r
    }

    /// Advances the Lab as the clock plays: a checkpoint is taken now only if copies are cheap.
    pub fn advance<R>(&self, f: impl FnOnce(&mut Lab) -> R) -> R {
        let r = f(&mut self.0.borrow_mut());
        if self.2.get() <= PLAYING_COPY_MS {
            self.settle();
        } else {
            self.1.borrow_mut().reached(&self.0.borrow());
        }
        r
    }

    /// Takes the checkpoint that is due, if any (the clock stopped, or copies are cheap), and
    /// remembers how long it took.
    pub fn settle(&self) {
        let lab = self.0.borrow();
        let mut checkpoints = self.1.borrow_mut();
        if !checkpoints.due(&lab) {
            checkpoints.reached(&lab);
            return;
        }
        let start = real_now();
        checkpoints.observe(&lab);
        self.2.set(real_now() - start);
    }

    /// The furthest time this run has reached.
    pub fn head(&self) -> Millis {
        self.1.borrow().head()
    }

    /// Shows the run at time `t` (earlier or later, up to its head), rebuilt from a checkpoint.
    /// A copy put off while playing is taken first: it is the run's latest moment, the one a seek
    /// forward again replays to.
    pub fn seek(&self, t: Millis) -> Result<(), ScenarioError> {
        self.settle();
        let lab = self.1.borrow().rewind(&self.0.borrow(), t)?;
        *self.0.borrow_mut() = lab;
        Ok(())
    }

    /// The user acted after a rewind: the run's later part is gone.
    pub fn forked(&self) {
        let now = self.0.borrow().now();
        self.1.borrow_mut().forked(now);
    }
}

/// The real clock in ms (`performance.now()`, as the browser measures it for animations), 0 where
/// there is none: outside a browser (the native benchmarks drive the page's state too) `web_sys` has
/// no window to ask and would panic.
pub fn real_now() -> f64 {
    #[cfg(target_arch = "wasm32")]
    return web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now());
    #[cfg(not(target_arch = "wasm32"))]
    return 0.0;
}
