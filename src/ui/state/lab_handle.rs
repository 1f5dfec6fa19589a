//! The page's one handle to its [`Lab`].

use crate::session::Lab;
use std::cell::{Ref, RefCell};
use std::rc::Rc;

/// The one way the page reaches the model. Yew's reducer hands out a new page state for every
/// action, and cloning every World on each of them (thirty times a second while playing) would be
/// ruinous, so all page states share one Lab behind this handle.
///
/// Who touches it: the reducer ([`super::PageState`]) changes the Lab, and re-reads it into plain
/// [`super::LaneView`]s right away; components only ever see those (and ask the page state for the
/// session as a share link or scenario file). A page state that is no longer the current one may
/// still hold the handle, but nothing reads it again.
#[derive(Clone)]
pub struct LabHandle(Rc<RefCell<Lab>>);

impl LabHandle {
    pub fn new(lab: Lab) -> LabHandle {
        LabHandle(Rc::new(RefCell::new(lab)))
    }

    /// The Lab to read: snapshots, the session record.
    pub fn read(&self) -> Ref<'_, Lab> {
        self.0.borrow()
    }

    /// Which Lab this is: the same for every clone of the handle, another for a new Lab.
    pub fn id(&self) -> usize {
        Rc::as_ptr(&self.0) as usize
    }

    /// Changes the Lab: apply an action, advance the clock. Only the reducer calls this.
    pub fn change<R>(&self, f: impl FnOnce(&mut Lab) -> R) -> R {
        f(&mut self.0.borrow_mut())
    }
}
