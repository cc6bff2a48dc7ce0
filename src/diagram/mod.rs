//! Pictures of a run, drawn without external tools: plain SVG a browser and
//! `rsvg-convert` render alike.

pub mod svg;
pub mod topology;
