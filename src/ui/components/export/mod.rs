//! Export: the trace as the JSON document `lab run --json` prints for the same session, and the
//! timeline and the protocol diagram as SVG and PNG files a slide or a page can use as they are.
//! The menu opens the tab a figure lives in when it is not showing, then exports it.

mod figure;

use crate::ui::state::{Dispatch, PageAction, Tab};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ExportMenuProps {
    pub dispatch: Dispatch,
    /// The main column's trace as `lab run --json` prints it.
    pub trace_json: Callback<(), Option<String>>,
}

/// A figure of the page that can be exported.
#[derive(Clone, Copy, PartialEq)]
enum Figure {
    Timeline,
    Protocol,
}

impl Figure {
    fn selector(self) -> &'static str {
        match self {
            Figure::Timeline => ".tabs-panel svg.timeline",
            Figure::Protocol => ".tabs-panel svg.sequence",
        }
    }

    fn tab(self) -> Tab {
        match self {
            Figure::Timeline => Tab::Timeline,
            Figure::Protocol => Tab::Protocol,
        }
    }

    fn title(self) -> &'static str {
        match self {
            Figure::Timeline => "ownership timeline",
            Figure::Protocol => "protocol diagram",
        }
    }

    fn file(self) -> &'static str {
        match self {
            Figure::Timeline => "rebalance-lab-timeline",
            Figure::Protocol => "rebalance-lab-protocol",
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Format {
    Svg,
    Png,
}

/// Exports `figure`; the result (or why not) goes to `report`.
fn export_figure(figure: Figure, format: Format, report: Callback<String>) {
    let outcome = figure::standalone_svg(figure.selector(), figure.title()).and_then(
        |(svg, width, height)| match format {
            Format::Svg => {
                figure::download_text(&svg, "image/svg+xml", &format!("{}.svg", figure.file()))
                    .map(|_| format!("Saved the {} as SVG", figure.title()))
            }
            Format::Png => {
                let report = report.clone();
                let title = figure.title();
                figure::download_png(
                    &svg,
                    width,
                    height,
                    format!("{}.png", figure.file()),
                    move |done| {
                        report.emit(match done {
                            Ok(()) => format!("Saved the {title} as PNG"),
                            Err(e) => format!("The {title} could not be saved as PNG: {e}"),
                        })
                    },
                )
                .map(|_| String::new())
            }
        },
    );
    match outcome {
        Ok(text) if text.is_empty() => {}
        Ok(text) => report.emit(text),
        Err(e) => report.emit(format!("The {} could not be exported: {e}", figure.title())),
    }
}

#[function_component(ExportMenu)]
pub fn export_menu(props: &ExportMenuProps) -> Html {
    let open = use_state(|| false);
    let status = use_state(String::new);
    let report = {
        let status = status.clone();
        Callback::from(move |text: String| status.set(text))
    };
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let on_trace = {
        let trace = props.trace_json.clone();
        let report = report.clone();
        let open = open.clone();
        Callback::from(move |_: MouseEvent| {
            open.set(false);
            let outcome = trace
                .emit(())
                .ok_or_else(|| "there is no run to export".to_string())
                .and_then(|json| {
                    figure::download_text(&json, "application/json", "rebalance-lab-trace.json")
                });
            report.emit(match outcome {
                Ok(()) => "Saved the trace as JSON (what lab run --json prints)".to_string(),
                Err(e) => format!("The trace could not be exported: {e}"),
            });
        })
    };
    let figure_item = |figure: Figure, format: Format, label: &'static str| {
        let dispatch = props.dispatch.clone();
        let report = report.clone();
        let open = open.clone();
        let onclick = Callback::from(move |_: MouseEvent| {
            open.set(false);
            let on_page = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.query_selector(figure.selector()).ok().flatten())
                .is_some();
            if on_page {
                export_figure(figure, format, report.clone());
            } else {
                // Open its tab first; the figure is drawn in the next frames.
                dispatch.dispatch(PageAction::ShowTab(figure.tab()));
                let report = report.clone();
                gloo_timers::callback::Timeout::new(250, move || {
                    export_figure(figure, format, report)
                })
                .forget();
            }
        });
        html! { <button role="menuitem" {onclick}>{ label }</button> }
    };
    html! {
        <div class="export-menu">
            <button aria-label="Export" aria-haspopup="menu" aria-expanded={(*open).to_string()}
                title="Download the trace as JSON, the timeline or the protocol diagram as SVG or PNG"
                onclick={toggle}>{ "Export ▾" }</button>
            if *open {
                <div class="export-items" role="menu" aria-label="Export">
                    <button role="menuitem" onclick={on_trace}>{ "Trace (JSON)" }</button>
                    { figure_item(Figure::Timeline, Format::Svg, "Timeline (SVG)") }
                    { figure_item(Figure::Timeline, Format::Png, "Timeline (PNG)") }
                    { figure_item(Figure::Protocol, Format::Svg, "Protocol diagram (SVG)") }
                    { figure_item(Figure::Protocol, Format::Png, "Protocol diagram (PNG)") }
                </div>
            }
            if !status.is_empty() {
                <span class="share-status" role="status">{ (*status).clone() }</span>
            }
        </div>
    }
}
