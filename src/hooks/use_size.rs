//! `use_size(node)`: an element's content box, kept current by a `ResizeObserver` (window
//! resizes, a side panel opening, a phone turning).

use leptos::html::Div;
use leptos::prelude::*;

/// `(width, height)` of the element in CSS pixels; `(0, 0)` until it is measured.
pub fn use_size(node: NodeRef<Div>) -> Signal<(f64, f64)> {
    let size = RwSignal::new((0.0, 0.0));
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::prelude::*;
        type Watch = (web_sys::ResizeObserver, Closure<dyn FnMut(js_sys::Array)>);
        let watch = StoredValue::new_local(None::<Watch>);
        Effect::new(move |_| {
            let Some(el) = node.get() else { return };
            let on_resize =
                Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
                    let entry = entries.get(0).dyn_into::<web_sys::ResizeObserverEntry>();
                    if let Ok(entry) = entry {
                        let rect = entry.content_rect();
                        size.set((rect.width(), rect.height()));
                    }
                });
            match web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()) {
                Ok(observer) => {
                    observer.observe(&el);
                    watch.set_value(Some((observer, on_resize)));
                }
                Err(e) => leptos::logging::warn!("no ResizeObserver: {e:?}"),
            }
        });
        on_cleanup(move || {
            watch.update_value(|w| {
                if let Some((observer, _)) = w.take() {
                    observer.disconnect();
                }
            })
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = node;
    size.into()
}
