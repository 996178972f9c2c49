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
                <Files call/>
            </aside>
        </Show>
    }
}

/// Sending files (pick one, choose who gets it) and the list of transfers.
#[component]
fn Files(call: UseCallReturn) -> impl IntoView {
    use crate::hooks::files_ui::human_size;
    use crate::hooks::use_call::TransferState;
    let to = RwSignal::new(String::from("all"));
    let on_pick = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use leptos::wasm_bindgen::JsCast;
            let Some(input) =
                ev.target().and_then(|t| t.dyn_into::<leptos::web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            let files = input.files();
            if let Some(file) = files.and_then(|f| f.get(0)) {
                let target = to.get_untracked().parse().ok().map(crate::protocol::PeerId);
                call.send_file.run((send_wrapper::SendWrapper::new(file), target));
            }
            input.set_value("");
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    view! {
        <section class="files" aria-label="Files">
            <div class="file-pick">
                <label>
                    <span class="sr-only">"Send a file to"</span>
                    <select aria-label="Send a file to" on:change=move |ev| to.set(event_target_value(&ev))>
                        <option value="all">"Everyone"</option>
                        {move || call.tiles.get().into_iter().map(|t| view! {
                            <option value=t.id.to_string()>{t.name}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="button">
                    "📎 Send a file (max 100 MB)"
                    <input type="file" data-testid="file-input" class="sr-only" aria-label="Send a file" on:change=on_pick/>
                </label>
            </div>
            {move || call.file_error.get().map(|e| view! { <p class="hint warn" data-testid="file-error" role="alert">{e}</p> })}
            <ul class="transfers">
                <For each=move || call.files.get() key=|t| (t.key, t.state.clone(), t.url.is_some(), (t.progress * 100.0) as u32) let:t>
                    <li data-testid="transfer" data-state=match &t.state {
                        TransferState::Active => "active",
                        TransferState::Done => "done",
                        TransferState::Cancelled => "cancelled",
                        TransferState::Failed(_) => "failed",
                    }>
                        <span class="file-name">{if t.outgoing { "↑ " } else { "↓ " }}{t.name.clone()}</span>
                        <span class="hint">{format!("{} · {} {}", human_size(t.size), if t.outgoing { "to" } else { "from" }, t.who)}</span>
                        <progress data-testid="file-progress" max="1" value=t.progress></progress>
                        {match t.state.clone() {
                            TransferState::Active => {
                                let key = t.key;
                                view! { <button class="small" on:click=move |_| call.cancel_file.run(key)>"Cancel"</button> }.into_any()
                            }
                            TransferState::Failed(e) => view! { <span class="hint warn">{e}</span> }.into_any(),
                            TransferState::Cancelled => view! { <span class="hint">"Cancelled"</span> }.into_any(),
                            TransferState::Done => match t.url.clone() {
                                Some(url) => view! { <a data-testid="file-download" href=url download=t.name.clone()>"Download"</a> }.into_any(),
                                None => view! { <span class="hint">"Sent"</span> }.into_any(),
                            },
                        }}
                    </li>
                </For>
            </ul>
        </section>
    }
}
