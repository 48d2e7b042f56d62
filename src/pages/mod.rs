pub mod calculator;
pub mod simulation;
