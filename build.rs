//! Build-time code generation:
//! - the `i18n` module from `src/locales/{en,ko}/*.json` (leptos_i18n_build), included in
//!   `src/lib.rs`: one namespace per part of the UI, used as `t!(i18n, room.join)`. English is the
//!   default, and the fallback for any language a browser asks for that we lack;
//! - a rebuild when a migration changes: `sqlx::migrate!` embeds `migrations/sqlite/` and
//!   `migrations/postgres/` at compile time, and cargo does not see files read by a macro (sqlx
//!   `migrate!` docs; a folder given to `rerun-if-changed` is scanned with its subfolders).

use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=Cargo.toml");

    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let config = Config::new("en")
        .and_then(|c| c.add_locale("ko"))
        .and_then(|c| c.add_namespaces(["common", "home", "room", "chat", "game", "host", "call"]))
        .expect("valid locale and namespace ids")
        .locales_path("src/locales")
        // `t_string!` with arguments, for attributes and plain-type messages.
        .parse_options(ParseOptions::default().interpolate_display(true));
    let translations =
        TranslationsInfos::parse(config).unwrap_or_else(|e| panic!("src/locales: {e}"));
    translations.emit_diagnostics();
    translations.rerun_if_locales_changed();
    translations
        .generate_i18n_module(out_dir.join("i18n"))
        .unwrap_or_else(|e| panic!("generating the i18n module: {e}"));
}
