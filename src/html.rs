//! The one way text goes into HTML built as a string: escaped (the domain's helper, shared with
//! the server's pages). The statement, the comparison, the simulation and the charts are rendered
//! as one HTML string each (it keeps the wasm small), and tariff names are user text, so every
//! value put into them passes through [`text`].

pub use hourbank_domain::html::text;
