//! `/`: create a room, or join one by id or pasted link.

use crate::api::create_room;
use crate::i18n::*;
use crate::protocol::{RoomId, RoomIdError};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// The landing page.
#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let create = Action::new(|_: &()| create_room());
    let go = navigate.clone();
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            go(&format!("/r/{id}"), Default::default());
        }
    });
    let create_error = move || match create.value().get() {
        Some(Err(e)) => {
            let error = e.to_string();
            Some(view! { <p class="error" role="alert">{t!(i18n, home.create_failed, error)}</p> })
        }
        _ => None,
    };

    let (typed, set_typed) = signal(String::new());
    let (join_error, set_join_error) = signal(None::<RoomIdError>);
    let on_join = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match RoomId::from_user_input(&typed.get_untracked()) {
            Ok(id) => navigate(&format!("/r/{id}"), Default::default()),
            Err(e) => set_join_error.set(Some(e)),
        }
    };

    view! {
        <main class="page narrow home">
            <h1 class="brand">"Straightface"</h1>
            <p class="tagline">{t!(i18n, home.tagline)}</p>
            <button
                class="primary big"
                data-testid="new-room"
                on:click=move |_| { create.dispatch(()); }
                disabled=move || create.pending().get()
            >
                {t!(i18n, home.new_room)}
            </button>
            {create_error}
            <form class="join-form" on:submit=on_join>
                <label for="room-input">{t!(i18n, home.join_label)}</label>
                <div class="row">
                    <input
                        id="room-input"
                        data-testid="room-input"
                        type="text"
                        autocomplete="off"
                        placeholder=move || t_string!(i18n, home.join_placeholder)
                        prop:value=typed
                        on:input=move |ev| {
                            set_typed.set(event_target_value(&ev));
                            set_join_error.set(None);
                        }
                    />
                    <button type="submit" data-testid="join-existing">{t!(i18n, home.join)}</button>
                </div>
                {move || join_error.get().map(|e| {
                    let text = match e {
                        RoomIdError::Length(count) => t_string!(i18n, home.bad_id_length, count).to_string(),
                        RoomIdError::Charset => t_string!(i18n, home.bad_id_charset).to_string(),
                    };
                    view! { <p class="error" role="alert">{text}</p> }
                })}
            </form>
            <p class="hint"><a href="/games">{t!(i18n, home.history_link)}</a></p>
        </main>
    }
}
