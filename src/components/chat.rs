//! The chat panel: messages of this visit (rendered as text), a field with the length limit,
//! and files.

use crate::call::chat::{check_outgoing, ChatError, MAX_CHAT_CHARS};
use crate::hooks::use_call::UseCallReturn;
use crate::i18n::*;
use crate::model::transfer_ui::Transfer;
use leptos::prelude::*;

/// The chat panel (the side panel's content while the chat is open).
#[component]
pub fn ChatPanel(call: UseCallReturn) -> impl IntoView {
    let i18n = use_i18n();
    let (draft, set_draft) = signal(String::new());
    let error = RwSignal::new(None::<ChatError>);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match check_outgoing(&draft.get_untracked()) {
            Ok(text) => {
                call.send_chat.run(text);
                set_draft.set(String::new());
                error.set(None);
            }
            Err(e) => error.set(Some(e)),
        }
    };
    view! {
            <div class="chat-panel">
                <p class="hint">{t!(i18n, chat.hint)}</p>
                <ol class="chat-log" aria-live="polite">
                    <For each=move || call.ui.chat.get().lines key=|l| l.n let:line>
                        <li data-testid="chat-message" class:mine=line.from.is_none()>
                            <span class="chat-meta">
                                <b>{match line.from {
                                    None => t!(i18n, chat.you).into_any(),
                                    Some(_) => line.name.into_any(),
                                }}</b>
                                " "<time>{line.time}</time>
                            </span>
                            <span class="chat-text">{line.text}</span>
                        </li>
                    </For>
                </ol>
                <form class="chat-form" on:submit=on_submit>
                    <label for="chat-input" class="sr-only">{t!(i18n, chat.message_label)}</label>
                    <input id="chat-input" data-testid="chat-input" type="text" autocomplete="off"
                        maxlength=MAX_CHAT_CHARS placeholder=move || t_string!(i18n, chat.placeholder)
                        prop:value=draft on:input=move |ev| set_draft.set(event_target_value(&ev))/>
                    <button type="submit" data-testid="chat-send"
                        aria-label=move || t_string!(i18n, chat.send_label)>{t!(i18n, chat.send)}</button>
                </form>
                {move || error.get().map(|e| view! {
                    <p class="hint warn" data-testid="chat-error" role="alert">{move || e.message(i18n.get_locale())}</p>
                })}
                <Files call/>
            </div>
    }
}

/// Sending files (pick one, choose who gets it) and the list of transfers.
#[component]
fn Files(call: UseCallReturn) -> impl IntoView {
    use crate::call::transfer::MAX_FILE_MB;
    let i18n = use_i18n();
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
        <section class="files" aria-label=move || t_string!(i18n, chat.files_label)>
            <div class="file-pick">
                <label>
                    <span class="sr-only">{t!(i18n, chat.send_file_to)}</span>
                    <select aria-label=move || t_string!(i18n, chat.send_file_to)
                        on:change=move |ev| to.set(event_target_value(&ev))>
                        <option value="all">{t!(i18n, chat.everyone)}</option>
                        {move || call.ui.tiles.get().into_iter().map(|t| view! {
                            <option value=t.id.to_string()>{t.name}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="button">
                    {t!(i18n, chat.pick_file, max = MAX_FILE_MB)}
                    <input type="file" data-testid="file-input" class="sr-only"
                        aria-label=move || t_string!(i18n, chat.send_file) on:change=on_pick/>
                </label>
            </div>
            {move || call.ui.file_error.get().map(|e| view! {
                <p class="hint warn" data-testid="file-error" role="alert">{move || e.message(i18n.get_locale())}</p>
            })}
            <ul class="transfers">
                <For each=move || call.ui.files.get() key=|t| (t.key, t.state.clone(), t.url.is_some(), (t.progress * 100.0) as u32) let:t>
                    <TransferRow t cancel=call.cancel_file/>
                </For>
            </ul>
        </section>
    }
}

/// One file on its way in or out: name, size, progress, and cancel, download or why it failed.
#[component]
fn TransferRow(t: Transfer, cancel: Callback<u64>) -> impl IntoView {
    use crate::model::transfer_ui::{human_size, TransferState};
    let i18n = use_i18n();
    view! {
        <li data-testid="transfer" data-state=match &t.state {
            TransferState::Active => "active",
            TransferState::Done => "done",
            TransferState::Cancelled => "cancelled",
            TransferState::Failed(_) => "failed",
        }>
            <span class="file-name">{if t.outgoing { "↑ " } else { "↓ " }}{t.name.clone()}</span>
            <span class="hint">{human_size(t.size)}" · "{
                let t = t.clone();
                move || t.direction(i18n.get_locale())
            }</span>
            <progress data-testid="file-progress" max="1" value=t.progress></progress>
            {match t.state.clone() {
                TransferState::Active => {
                    let key = t.key;
                    view! {
                        <button class="small" on:click=move |_| cancel.run(key)>{t!(i18n, chat.cancel)}</button>
                    }.into_any()
                }
                TransferState::Failed(e) => view! {
                    <span class="hint warn">{move || e.message(i18n.get_locale())}</span>
                }.into_any(),
                TransferState::Cancelled => view! { <span class="hint">{t!(i18n, chat.cancelled)}</span> }.into_any(),
                TransferState::Done => match t.url.clone() {
                    Some(url) => view! {
                        <a data-testid="file-download" href=url download=t.name.clone()>{t!(i18n, chat.download)}</a>
                    }.into_any(),
                    None => view! { <span class="hint">{t!(i18n, chat.sent)}</span> }.into_any(),
                },
            }}
        </li>
    }
}
