//! A moment shown in the viewer's own time zone and language: the server renders it in UTC
//! (the same text the browser hydrates), then the browser rewrites it with `Intl`.

use crate::i18n::*;
use crate::store::types::utc_date_time;
use leptos::prelude::*;

/// `<time>` for `unix` seconds.
#[component]
pub fn LocalTime(unix: i64) -> impl IntoView {
    let i18n = use_i18n();
    let text = RwSignal::new(utc_date_time(unix));
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let locale = i18n.get_locale();
        text.set(crate::rtc::js::local_date_time(unix, locale.as_str()));
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = i18n;
    let iso = {
        let utc = utc_date_time(unix);
        format!("{}T{}:00Z", &utc[..10], &utc[11..16])
    };
    view! { <time datetime=iso data-testid="local-time">{text}</time> }
}
