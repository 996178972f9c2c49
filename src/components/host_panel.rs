//! The room's door in the call: who the host is (everyone sees it), and for the host the
//! people knocking (Admit / Decline), the lock, knock-to-enter, the password and a Remove
//! button per participant. Also the password field of the join page. The logic is in
//! `model::host_ui`; these only draw signals and run typed actions.

use crate::hooks::use_call::UseCallReturn;
use crate::i18n::*;
use crate::model::host_ui::{is_host, HostAction, PasswordPrompt};
use crate::protocol::{KnockInfo, MAX_PASSWORD_CHARS};
use leptos::prelude::*;

/// Who the host is, and the host's controls when that is us.
#[component]
pub fn HostPanel(call: UseCallReturn) -> impl IntoView {
    let i18n = use_i18n();
    let (host, me, tiles) = (call.ui.host, call.ui.me, call.ui.tiles);
    let am_host = Memo::new(move |_| host.state.with(|s| is_host(s, me.get())));
    let host_line = move || {
        if am_host.get() {
            return t_string!(i18n, host.you_are_host).to_string();
        }
        let id = host.state.with(|s| s.host);
        let name = tiles.with(|t| t.iter().find(|t| Some(t.id) == id).map(|t| t.name.clone()));
        name.map(|name| t_string!(i18n, host.host_is, name = name).to_string()).unwrap_or_default()
    };
    view! {
        <aside class="host-panel" data-testid="host-panel"
            aria-label=move || t_string!(i18n, host.controls_label)>
            <p class="host-line" data-testid="host-name" data-host=move || am_host.get().to_string()>
                {host_line}
            </p>
            <Show when=move || am_host.get()>
                <HostControls call/>
            </Show>
        </aside>
    }
}

/// To the host, over the stage: the people waiting at the door.
#[component]
pub fn Knocks(call: UseCallReturn) -> impl IntoView {
    let i18n = use_i18n();
    let knocks = call.ui.host.knocks;
    let am_host = move || call.ui.host.state.with(|s| is_host(s, call.ui.me.get()));
    view! {
        <section class="knocks" data-testid="knocks" role="status" aria-live="polite"
            class:hidden=move || !am_host() || knocks.with(Vec::is_empty)>
            <h2>{t!(i18n, host.knocks_heading)}</h2>
            <ul>
                <For each=move || knocks.get() key=|k| k.id let:knock>
                    <KnockLine call knock/>
                </For>
            </ul>
        </section>
    }
}

#[component]
fn KnockLine(call: UseCallReturn, knock: KnockInfo) -> impl IntoView {
    let i18n = use_i18n();
    let KnockInfo { id, name } = knock;
    let (admit_name, decline_name, shown) = (name.clone(), name.clone(), name.clone());
    view! {
        <li data-testid="knock" data-name=name>
            <span class="name">{shown}</span>
            <button class="primary" data-testid="admit"
                aria-label=move || t_string!(i18n, host.admit_label, name = admit_name.clone()).to_string()
                on:click=move |_| call.host_action.run(HostAction::Admit(id))>
                {t!(i18n, host.admit)}
            </button>
            <button data-testid="decline"
                aria-label=move || t_string!(i18n, host.decline_label, name = decline_name.clone()).to_string()
                on:click=move |_| call.host_action.run(HostAction::Decline(id))>
                {t!(i18n, host.decline)}
            </button>
        </li>
    }
}

/// Lock, knock-to-enter, password, and Remove for each participant.
#[component]
fn HostControls(call: UseCallReturn) -> impl IntoView {
    let i18n = use_i18n();
    let state = call.ui.host.state;
    let locked = move || state.with(|s| s.locked);
    let knock = move || state.with(|s| s.knock);
    let has_password = move || state.with(|s| s.password);
    let password = RwSignal::new(String::new());
    let set_password = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        call.host_action.run(HostAction::Password(Some(password.get_untracked())));
        password.set(String::new());
    };
    let refused = call.ui.host.refused;
    view! {
        <details class="host-controls" data-testid="host-controls">
            <summary>{t!(i18n, host.controls)}</summary>
            <button data-testid="host-lock" aria-pressed=move || locked().to_string()
                aria-label=move || t_string!(i18n, host.lock_label) class:on=locked
                on:click=move |_| call.host_action.run(HostAction::Lock(!locked()))>
                {t!(i18n, host.lock)}
            </button>
            <button data-testid="host-knock" aria-pressed=move || knock().to_string()
                aria-label=move || t_string!(i18n, host.knock_label) class:on=knock
                on:click=move |_| call.host_action.run(HostAction::Knock(!knock()))>
                {t!(i18n, host.knock)}
            </button>
            <form class="host-password" on:submit=set_password>
                <label for="host-password">{t!(i18n, host.password_label)}</label>
                <input id="host-password" data-testid="host-password" type="password"
                    maxlength=MAX_PASSWORD_CHARS autocomplete="new-password"
                    prop:value=password on:input=move |ev| password.set(event_target_value(&ev))/>
                <button type="submit" data-testid="host-password-set">{t!(i18n, host.password_set)}</button>
                <button type="button" data-testid="host-password-clear" disabled=move || !has_password()
                    on:click=move |_| call.host_action.run(HostAction::Password(None))>
                    {t!(i18n, host.password_clear)}
                </button>
            </form>
            <p class="hint" data-testid="password-is-set" class:hidden=move || !has_password()>
                {t!(i18n, host.password_is_set)}
            </p>
            <Participants call/>
            {move || refused.get().map(|r| view! {
                <p class="hint warn" data-testid="host-refused" role="alert">{move || r.message(i18n.get_locale())}</p>
            })}
        </details>
    }
}

/// Everyone else in the call, each with a Remove button.
#[component]
fn Participants(call: UseCallReturn) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h3>{t!(i18n, host.participants)}</h3>
        <ul class="participants">
            <For each=move || call.ui.tiles.get() key=|t| t.id let:tile>
                {
                    let (id, name, label) = (tile.id, tile.name.clone(), tile.name.clone());
                    view! {
                        <li data-testid="participant" data-peer=id.to_string()>
                            <span class="name">{name}</span>
                            <button class="danger" data-testid="remove"
                                aria-label=move || t_string!(i18n, host.remove_label, name = label.clone()).to_string()
                                on:click=move |_| call.host_action.run(HostAction::Remove(id))>
                                {t!(i18n, host.remove)}
                            </button>
                        </li>
                    }
                }
            </For>
        </ul>
    }
}

/// The join page's password field, shown once the room asked for a password.
#[component]
pub fn PasswordField(
    /// Why the password is asked for (`None`: the field is hidden).
    prompt: RwSignal<Option<PasswordPrompt>>,
    /// What the user typed.
    password: RwSignal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        prompt.get().map(|p| {
            view! {
                <p class="hint warn" data-testid="password-prompt" data-code=p.key() role="alert">
                    {move || p.message(i18n.get_locale())}
                </p>
                <label for="room-password">{t!(i18n, host.password_label)}</label>
                <input id="room-password" data-testid="room-password" type="password"
                    maxlength=MAX_PASSWORD_CHARS autocomplete="current-password"
                    prop:value=password on:input=move |ev| password.set(event_target_value(&ev))/>
            }
        })
    }
}
