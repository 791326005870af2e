//! The real app driven through egui_kittest by accessible labels, against in-process
//! sandboxes: the seed workflow step by step, verify and errors, settings with the
//! keyring, keyboard use, snapshots, and the screenshots in `screenshots/`, compared
//! on every run.
#![allow(clippy::unwrap_used)]

mod a11y;
#[path = "../common/mod.rs"]
mod common;
mod connect;
mod dialogs;
mod drift;
mod explain_rows;
mod first_connection;
mod first_import;
mod first_use;
mod gone_team;
mod health;
mod help;
mod history;
mod keyboard;
mod okta;
mod persistence;
mod profiles;
mod pushed;
mod reader;
mod restore;
mod review;
mod rules;
mod screen_reader;
mod search_export;
mod settings;
mod status_line;
mod support;
mod tables;
mod verify;
mod workflow;
