//! The left rail: the [`protocol_picker`] (and comparison), the [`cluster`] (topics, groups) and the
//! form for a [`new_consumer`] with its configuration.

pub mod cluster;
pub mod new_consumer;
pub mod producers;
pub mod protocol_picker;

use crate::session::Strategy;
use crate::sim::Snapshot;
use crate::ui::state::{Dispatch, Notice};
use cluster::ClusterView;
use new_consumer::AddConsumerForm;
use protocol_picker::StrategyPicker;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RailProps {
    pub dispatch: Dispatch,
    pub snapshot: Rc<Snapshot>,
    pub strategies: Vec<Strategy>,
    pub notice: Option<Notice>,
}

#[function_component(Rail)]
pub fn rail(props: &RailProps) -> Html {
    html! {
        <aside class="rail" aria-label="Cluster">
            <StrategyPicker dispatch={props.dispatch.clone()} strategies={props.strategies.clone()} />
            <ClusterView dispatch={props.dispatch.clone()} snapshot={props.snapshot.clone()} notice={props.notice.clone()} />
            <AddConsumerForm dispatch={props.dispatch.clone()} snapshot={props.snapshot.clone()} notice={props.notice.clone()} />
        </aside>
    }
}
