//! A figure of the page (the timeline, the protocol diagram) as a file that stands on its own: the
//! live SVG copied with every style it gets from the page's CSS written onto its elements, computed
//! in the light theme, with a white background, a font list, and width, height and viewBox set. A
//! PNG is that SVG drawn on a canvas at twice its size.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, BlobPropertyBag, Document, Element, HtmlAnchorElement, Window};

/// The CSS properties that decide how SVG shapes and text look; all the page's styles come down to these.
const STYLED: [&str; 19] = [
    "fill",
    "fill-opacity",
    "stroke",
    "stroke-width",
    "stroke-opacity",
    "stroke-dasharray",
    "stroke-linecap",
    "stroke-linejoin",
    "opacity",
    "display",
    "visibility",
    "font-family",
    "font-size",
    "font-weight",
    "font-style",
    "text-anchor",
    "dominant-baseline",
    "paint-order",
    "letter-spacing",
];

/// The attributes that only make sense on the page (focus, clicks, roles of controls).
const PAGE_ONLY: [&str; 5] = ["class", "tabindex", "role", "aria-pressed", "aria-selected"];

fn window() -> Result<Window, String> {
    web_sys::window().ok_or_else(|| "no window".to_string())
}

fn js_err(e: JsValue) -> String {
    e.as_string()
        .or_else(|| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| format!("{e:?}"))
}

/// Runs `f` with the page in its light theme and at normal size, and puts the page back after: the
/// styles `f` reads are computed synchronously, so nothing is painted in between.
fn in_light_theme<R>(document: &Document, f: impl FnOnce() -> R) -> R {
    let root = document.document_element();
    let saved: Vec<(&str, Option<String>)> = ["data-theme", "data-presenter"]
        .into_iter()
        .map(|name| (name, root.as_ref().and_then(|r| r.get_attribute(name))))
        .collect();
    if let Some(root) = &root {
        let _ = root.set_attribute("data-theme", "light");
        let _ = root.remove_attribute("data-presenter");
    }
    let result = f();
    if let Some(root) = &root {
        for (name, value) in saved {
            let _ = match value {
                Some(v) => root.set_attribute(name, &v),
                None => root.remove_attribute(name),
            };
        }
    }
    result
}

/// The computed values of [`STYLED`] for `element`, in that order.
fn values_of(window: &Window, element: &Element) -> Result<Vec<String>, String> {
    let style = window
        .get_computed_style(element)
        .map_err(js_err)?
        .ok_or("no computed style")?;
    Ok(STYLED
        .iter()
        .map(|name| style.get_property_value(name).unwrap_or_default())
        .collect())
}

/// The width and height of an SVG from its viewBox (`0 0 W H`).
fn view_box_size(svg: &Element) -> Option<(f64, f64)> {
    let view_box = svg.get_attribute("viewBox")?;
    let numbers: Vec<f64> = view_box
        .split_whitespace()
        .filter_map(crate::ui::number::parse_f64)
        .collect();
    match numbers.as_slice() {
        [_, _, w, h] if *w > 0.0 && *h > 0.0 => Some((*w, *h)),
        _ => None,
    }
}

/// The SVG under `selector` as a standalone SVG document, and its size in px.
pub fn standalone_svg(selector: &str, title: &str) -> Result<(String, f64, f64), String> {
    let window = window()?;
    let document = window.document().ok_or("no document")?;
    let live = document
        .query_selector(selector)
        .map_err(js_err)?
        .ok_or_else(|| format!("the {title} is not on the page"))?;
    let (width, height) = view_box_size(&live).ok_or("the figure has no size yet")?;
    let copy: Element = live
        .clone_node_with_deep(true)
        .map_err(js_err)?
        .dyn_into()
        .map_err(|_| "not an element")?;
    in_light_theme(&document, || -> Result<(), String> {
        let originals = live.query_selector_all("*").map_err(js_err)?;
        let copies = copy.query_selector_all("*").map_err(js_err)?;
        // The root carries every value, and a font list ending in fonts every system has.
        let root_values = values_of(&window, &live)?;
        let mut declarations: Vec<String> = STYLED
            .iter()
            .zip(&root_values)
            .filter(|(name, value)| {
                !value.is_empty() && **name != "font-family" && **name != "display"
            })
            .map(|(name, value)| format!("{name}:{value}"))
            .collect();
        let font = &root_values[STYLED.iter().position(|n| *n == "font-family").unwrap_or(0)];
        declarations.push(format!(
            "font-family:{font}, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
        ));
        declarations.push("background:#ffffff".to_string());
        let _ = copy.set_attribute("style", &declarations.join(";"));
        // Only what differs from the parent's computed style is written: inherited values come
        // down the tree in the file as they did on the page.
        let mut computed: Vec<(Element, Vec<String>)> =
            vec![(live.clone(), values_of(&window, &live)?)];
        for i in 0..originals.length() {
            let (Some(original), Some(element)) = (
                originals.item(i).and_then(|n| n.dyn_into::<Element>().ok()),
                copies.item(i).and_then(|n| n.dyn_into::<Element>().ok()),
            ) else {
                continue;
            };
            let values = values_of(&window, &original)?;
            let parent = original.parent_element();
            let inherited = computed
                .iter()
                .rev()
                .find(|(e, _)| Some(e) == parent.as_ref())
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            let declarations: Vec<String> = STYLED
                .iter()
                .zip(&values)
                .enumerate()
                .filter(|(k, (_, value))| !value.is_empty() && inherited.get(*k) != Some(*value))
                .map(|(_, (name, value))| format!("{name}:{value}"))
                .collect();
            if declarations.is_empty() {
                let _ = element.remove_attribute("style");
            } else {
                let _ = element.set_attribute("style", &declarations.join(";"));
            }
            for name in PAGE_ONLY {
                let _ = element.remove_attribute(name);
            }
            // Colours given as the page's CSS variables are in the style now, computed.
            for name in ["fill", "stroke"] {
                if element
                    .get_attribute(name)
                    .is_some_and(|v| v.contains("var("))
                {
                    let _ = element.remove_attribute(name);
                }
            }
            computed.push((original, values));
        }
        Ok(())
    })?;
    for name in PAGE_ONLY {
        let _ = copy.remove_attribute(name);
    }
    let _ = copy.set_attribute("xmlns", "http://www.w3.org/2000/svg");
    let _ = copy.set_attribute("width", &width.to_string());
    let _ = copy.set_attribute("height", &height.to_string());
    let _ = copy.set_attribute("viewBox", &format!("0 0 {width} {height}"));
    // A white page under the figure: a slide or a dark documentation theme must not show through.
    let background = document
        .create_element_ns(Some("http://www.w3.org/2000/svg"), "rect")
        .map_err(js_err)?;
    for (name, value) in [("width", "100%"), ("height", "100%"), ("fill", "#ffffff")] {
        let _ = background.set_attribute(name, value);
    }
    let heading = document
        .create_element_ns(Some("http://www.w3.org/2000/svg"), "title")
        .map_err(js_err)?;
    heading.set_text_content(Some(&format!("Rebalance Lab: {title}")));
    let _ = copy.prepend_with_node_2(&heading, &background);
    let text = web_sys::XmlSerializer::new()
        .map_err(js_err)?
        .serialize_to_string(&copy)
        .map_err(js_err)?;
    Ok((
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{text}\n"),
        width,
        height,
    ))
}

/// Hands `blob` to the browser as a download named `name`.
pub fn download_blob(blob: &Blob, name: &str) -> Result<(), String> {
    let document = window()?.document().ok_or("no document")?;
    let url = web_sys::Url::create_object_url_with_blob(blob).map_err(js_err)?;
    let link: HtmlAnchorElement = document
        .create_element("a")
        .map_err(js_err)?
        .dyn_into()
        .map_err(|_| "not a link")?;
    link.set_href(&url);
    link.set_download(name);
    link.click();
    // The download has its own copy once it started; the URL can go after this turn.
    gloo_timers::callback::Timeout::new(1_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

/// Downloads `text` as a file of type `mime`.
pub fn download_text(text: &str, mime: &str, name: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options).map_err(js_err)?;
    download_blob(&blob, name)
}

/// Draws `svg` (`width` × `height` px) on a canvas at twice that size and downloads it as a PNG;
/// `done` hears of a failure, since the drawing happens after the image has loaded.
pub fn download_png(
    svg: &str,
    width: f64,
    height: f64,
    name: String,
    done: impl Fn(Result<(), String>) + 'static,
) -> Result<(), String> {
    const SCALE: f64 = 2.0;
    let document = window()?.document().ok_or("no document")?;
    let image = web_sys::HtmlImageElement::new().map_err(js_err)?;
    let canvas: web_sys::HtmlCanvasElement = document
        .create_element("canvas")
        .map_err(js_err)?
        .dyn_into()
        .map_err(|_| "not a canvas")?;
    canvas.set_width((width * SCALE).ceil() as u32);
    canvas.set_height((height * SCALE).ceil() as u32);
    let done = std::rc::Rc::new(done);
    let on_load = {
        let image = image.clone();
        let done = done.clone();
        Closure::once(move || {
            let drawn = (|| -> Result<(), String> {
                let context: web_sys::CanvasRenderingContext2d = canvas
                    .get_context("2d")
                    .map_err(js_err)?
                    .ok_or("no 2d canvas")?
                    .dyn_into()
                    .map_err(|_| "not a 2d canvas")?;
                context.scale(SCALE, SCALE).map_err(js_err)?;
                context
                    .draw_image_with_html_image_element_and_dw_and_dh(
                        &image, 0.0, 0.0, width, height,
                    )
                    .map_err(js_err)?;
                let done = done.clone();
                let on_blob = Closure::once_into_js(move |blob: Option<Blob>| {
                    done(
                        blob.ok_or_else(|| "the canvas gave no PNG".to_string())
                            .and_then(|b| download_blob(&b, &name)),
                    )
                });
                canvas
                    .to_blob_with_type(on_blob.unchecked_ref(), "image/png")
                    .map_err(js_err)
            })();
            if let Err(e) = drawn {
                done(Err(e));
            }
        })
    };
    let on_error = {
        let done = done.clone();
        Closure::once(move || done(Err("the SVG did not load as an image".to_string())))
    };
    image.set_onload(Some(on_load.as_ref().unchecked_ref()));
    image.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_load.forget();
    on_error.forget();
    // A data: URL keeps the canvas untainted, so toBlob may read it.
    image.set_src(&format!(
        "data:image/svg+xml;charset=utf-8,{}",
        String::from(js_sys::encode_uri_component(svg))
    ));
    Ok(())
}
