//! `/`: create a room, or join one by id or pasted link.

use crate::api::create_room;
use crate::protocol::RoomId;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// The landing page.
#[component]
pub fn HomePage() -> impl IntoView {
    let navigate = use_navigate();
    let create = Action::new(|_: &()| create_room());
    let go = navigate.clone();
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            go(&format!("/r/{id}"), Default::default());
        }
    });
    let create_error = move || match create.value().get() {
        Some(Err(e)) => Some(view! { <p class="error" role="alert">{e.to_string()}</p> }),
        _ => None,
    };

    let (typed, set_typed) = signal(String::new());
    let (join_error, set_join_error) = signal(None::<String>);
    let on_join = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match RoomId::from_user_input(&typed.get_untracked()) {
            Ok(id) => navigate(&format!("/r/{id}"), Default::default()),
            Err(e) => set_join_error.set(Some(format!("That is not a room link or id: {e}."))),
        }
    };

    view! {
        <main class="page narrow home">
            <h1 class="brand">"Straightface"</h1>
            <p class="tagline">"Video calls for up to six, with a keep-a-straight-face game."</p>
            <button
                class="primary big"
                data-testid="new-room"
                on:click=move |_| { create.dispatch(()); }
                disabled=move || create.pending().get()
            >
                "New room"
            </button>
            {create_error}
            <form class="join-form" on:submit=on_join>
                <label for="room-input">"Or join with a link or room id"</label>
                <div class="row">
                    <input
                        id="room-input"
                        data-testid="room-input"
                        type="text"
                        autocomplete="off"
                        placeholder="https://…/r/… or room id"
                        prop:value=typed
                        on:input=move |ev| {
                            set_typed.set(event_target_value(&ev));
                            set_join_error.set(None);
                        }
                    />
                    <button type="submit" data-testid="join-existing">"Join"</button>
                </div>
                {move || join_error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            </form>
        </main>
    }
}
