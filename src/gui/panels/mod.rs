//! The panels of the workbench. Each reads the project (never changes it)
//! and returns the [`Action`](super::action::Action)s the user asked for;
//! transient UI state is passed mutably where a panel owns some.

pub mod annotations;
pub mod banners;
pub mod command_palette;
pub mod documents;
pub mod find_bar;
pub mod help;
pub mod menu;
pub mod palette;
pub mod schema;
pub mod schema_structure;
pub mod start;
pub mod status;
pub mod structure;
