//! The chat panel: messages of this visit (rendered as text), a field with the length limit,
//! and the unread badge on its toggle.

use crate::call::chat::{check_outgoing, MAX_CHAT_CHARS};
use crate::hooks::use_call::UseCallReturn;
use leptos::prelude::*;

/// The button that opens and closes the chat, with the unread count.
#[component]
pub fn ChatToggle(call: UseCallReturn) -> impl IntoView {
    let unread = move || call.chat.with(|c| c.unread);
    view! {
        <button data-testid="chat-toggle" aria-pressed=move || call.chat_open.get().to_string()
            aria-label=move || format!("Chat (c), {} unread", unread())
            on:click=move |_| toggle_chat(call)>
            "💬 Chat"
            {move || (unread() > 0).then(|| view! {
                <span class="unread" data-testid="chat-unread">{unread()}</span>
            })}
        </button>
    }
}

/// Opens or closes the chat; opening marks everything read.
pub fn toggle_chat(call: UseCallReturn) {
    let open = !call.chat_open.get_untracked();
    call.chat_open.set(open);
    if open {
        call.chat.update(|c| c.mark_read());
    }
}

/// The chat panel (shown while open).
#[component]
pub fn ChatPanel(call: UseCallReturn) -> impl IntoView {
    let (draft, set_draft) = signal(String::new());
    let error = RwSignal::new(None::<String>);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match check_outgoing(&draft.get_untracked()) {
            Ok(text) => {
                call.send_chat.run(text);
                set_draft.set(String::new());
                error.set(None);
            }
            Err(e) => error.set(Some(e.to_string())),
        }
    };
    view! {
        <Show when=move || call.chat_open.get()>
            <aside class="chat-panel" aria-label="Chat">
                <p class="hint">"Messages go to everyone in the call. You see those sent after you joined."</p>
                <ol class="chat-log" aria-live="polite">
                    <For each=move || call.chat.get().lines key=|l| l.n let:line>
                        <li data-testid="chat-message" class:mine=line.from.is_none()>
                            <span class="chat-meta"><b>{line.name}</b>" "<time>{line.time}</time></span>
                            <span class="chat-text">{line.text}</span>
                        </li>
                    </For>
                </ol>
                <form class="chat-form" on:submit=on_submit>
                    <label for="chat-input" class="sr-only">"Message"</label>
                    <input id="chat-input" data-testid="chat-input" type="text" autocomplete="off"
                        maxlength=MAX_CHAT_CHARS placeholder="Message everyone"
                        prop:value=draft on:input=move |ev| set_draft.set(event_target_value(&ev))/>
                    <button type="submit" data-testid="chat-send" aria-label="Send message">"Send"</button>
                </form>
                {move || error.get().map(|e| view! { <p class="hint warn" data-testid="chat-error" role="alert">{e}</p> })}
            </aside>
        </Show>
    }
}
