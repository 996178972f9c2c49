//! Rebuilds the crate when a migration changes: `sqlx::migrate!()` embeds `migrations/` at
//! compile time, and cargo does not see files read by a macro (sqlx `migrate!` docs).

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
