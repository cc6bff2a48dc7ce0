//! Pictures of a run, drawn without external tools: plain SVG a browser and
//! `rsvg-convert` render alike.

pub mod flow;
pub mod label;
pub mod ladder;
pub mod svg;
pub mod topology;
