//! The Embed dialog: what the `<iframe>` shows (the whole playground or one view), how its clock
//! starts (autoplay, speed, loop) and its height; it shows and copies the snippet for exactly that.
//! What the options mean and how the page reads them back is `ui::state::embed`.

use crate::ui::state::embed::{embed_snippet, embed_url, EmbedOptions, EmbedView};
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// The speed an embed plays at without a `speed=` parameter: the page's start speed.
const PAGE_SPEED: f64 = crate::ui::state::START_SPEED;
/// The preview's tallest: the dialog must stay on a 720-px-high projector.
const PREVIEW_MAX_HEIGHT: u32 = 260;
const MIN_HEIGHT: u32 = 120;
const MAX_HEIGHT: u32 = 4000;

#[derive(Properties, PartialEq)]
pub struct EmbedDialogProps {
    /// The session's share fragment (`z=…`), read when the snippet is made.
    pub fragment: Callback<(), String>,
}

/// The page's own address without query or fragment: the embed loads this very build.
pub(crate) fn page_url() -> String {
    web_sys::window()
        .map(|w| {
            let location = w.location();
            format!(
                "{}{}",
                location.origin().unwrap_or_default(),
                location.pathname().unwrap_or_default()
            )
        })
        .unwrap_or_default()
}

/// The dialog's fields as typed, and what they come to (or why they cannot).
#[derive(Clone, PartialEq)]
struct Form {
    view: EmbedView,
    autoplay: bool,
    repeat: bool,
    speed: String,
    height: String,
}

impl Form {
    fn options(&self) -> Result<(EmbedOptions, u32), String> {
        let speed: f64 = crate::ui::number::parse_f64(self.speed.trim())
            .filter(|s| (0.1..=100.0).contains(s))
            .ok_or("Speed: give a number from 0.1 to 100.")?;
        let height: u32 = self
            .height
            .trim()
            .parse()
            .ok()
            .filter(|h| (MIN_HEIGHT..=MAX_HEIGHT).contains(h))
            .ok_or(format!(
                "Height: give a number of pixels from {MIN_HEIGHT} to {MAX_HEIGHT}."
            ))?;
        Ok((
            EmbedOptions {
                view: self.view,
                autoplay: self.autoplay,
                speed: (speed != PAGE_SPEED).then_some(speed),
                repeat: self.repeat,
            },
            height,
        ))
    }
}

fn input_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

fn input_checked(e: &Event) -> bool {
    e.target_unchecked_into::<HtmlInputElement>().checked()
}

#[function_component(EmbedDialog)]
pub fn embed_dialog(props: &EmbedDialogProps) -> Html {
    let open = use_state(|| false);
    let copied = use_state(|| false);
    // The session as it was when the dialog opened: the preview reloads when an option changes,
    // not on every frame of a running clock.
    let preview_fragment = use_state(String::new);
    let form = use_state(|| Form {
        view: EmbedView::Timeline,
        autoplay: false,
        repeat: false,
        speed: PAGE_SPEED.to_string(),
        height: EmbedView::Timeline.default_height().to_string(),
    });
    let update = |f: fn(&mut Form, &Event)| {
        let form = form.clone();
        let copied = copied.clone();
        Callback::from(move |e: Event| {
            let mut next = (*form).clone();
            f(&mut next, &e);
            form.set(next);
            copied.set(false);
        })
    };
    let toggle = {
        let open = open.clone();
        let copied = copied.clone();
        let preview_fragment = preview_fragment.clone();
        let fragment = props.fragment.clone();
        Callback::from(move |_: MouseEvent| {
            if !*open {
                preview_fragment.set(fragment.emit(()));
            }
            open.set(!*open);
            copied.set(false);
        })
    };
    let close = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(false))
    };
    let button = html! {
        <button aria-label="Embed" aria-haspopup="dialog" aria-expanded={(*open).to_string()}
            title="An iframe for documentation pages: the whole playground or one view" onclick={toggle}>{ "Embed" }</button>
    };
    if !*open {
        return html! { <div class="embed-menu">{ button }</div> };
    }
    let outcome = form.options();
    let snippet = match &outcome {
        Ok((options, height)) => {
            embed_snippet(&page_url(), &props.fragment.emit(()), options, *height)
        }
        Err(_) => String::new(),
    };
    let copy = {
        let snippet = snippet.clone();
        let copied = copied.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(w) = web_sys::window() {
                let _ = w.navigator().clipboard().write_text(&snippet);
                copied.set(true);
            }
        })
    };
    let view_choice = |view: EmbedView| {
        let checked = form.view == view;
        let form = form.clone();
        let copied = copied.clone();
        let onchange = Callback::from(move |_: Event| {
            form.set(Form {
                view,
                height: view.default_height().to_string(),
                ..(*form).clone()
            });
            copied.set(false);
        });
        html! {
            <label class="embed-view">
                <input type="radio" name="embed-view" value={view.key()} {checked} {onchange} />
                { view.label() }
            </label>
        }
    };
    html! {
        <div class="embed-menu">
            { button }
            <div class="embed-dialog" role="dialog" aria-label="Embed this session">
                <fieldset>
                    <legend>{ "Show" }</legend>
                    { for EmbedView::ALL.into_iter().map(view_choice) }
                </fieldset>
                <fieldset class="embed-clock">
                    <legend>{ "Clock and size" }</legend>
                    <label><input type="checkbox" checked={form.autoplay}
                        onchange={update(|f, e| f.autoplay = input_checked(e))} />{ "Autoplay from time zero" }</label>
                    <label><input type="checkbox" checked={form.repeat}
                        onchange={update(|f, e| f.repeat = input_checked(e))} />{ "Loop at the end" }</label>
                    <label>{ "Speed ×" }<input type="number" min="0.1" max="100" step="0.1" value={form.speed.clone()}
                        onchange={update(|f, e| f.speed = input_value(e))} /></label>
                    <label>{ "Height (px)" }<input type="number" min={MIN_HEIGHT.to_string()} max={MAX_HEIGHT.to_string()} step="10" value={form.height.clone()}
                        onchange={update(|f, e| f.height = input_value(e))} /></label>
                </fieldset>
                { match &outcome {
                    Ok(_) => html! {
                        <>
                            <p class="hint">{ if form.view == EmbedView::Playground {
                                "The whole page, toolbar and all. Without autoplay it opens paused at this moment."
                            } else {
                                "The view alone, with Play, the time and a link to the full playground with this session. Without autoplay it opens paused at this moment."
                            } }</p>
                            <textarea class="embed-code" readonly=true aria-label="Embed code" rows="4" value={snippet.clone()} />
                            if let Ok((options, height)) = &outcome {
                                <iframe class="embed-preview" title="Preview of the embed" loading="lazy"
                                    src={embed_url(&page_url(), &preview_fragment, options)}
                                    style={format!("height:{}px", (*height).min(PREVIEW_MAX_HEIGHT))} />
                            }
                        </>
                    },
                    Err(e) => html! { <p class="error" role="alert">{ e }</p> },
                } }
                <div class="embed-actions">
                    <button class="primary" disabled={outcome.is_err()} onclick={copy}>{ "Copy embed code" }</button>
                    <button onclick={close}>{ "Close" }</button>
                    if *copied {
                        <span class="embed-copied" role="status">{ "Copied: paste it into any page" }</span>
                    }
                </div>
            </div>
        </div>
    }
}
