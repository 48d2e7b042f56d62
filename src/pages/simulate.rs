//! The simulation page (`/simulate/`): the scenario of the link simulated many years over, with
//! the fill pattern's peaks (`fill=`) as its seasonality and the simulation's own fields
//! (`mc=`); the address bar keeps all three, so the link shares the simulation as it stands.

use leptos::prelude::*;

use crate::calculator::{default_start, CalculatorForm};
use crate::link;
use crate::pages::scenario_line;
use crate::pages::simulation::SimulationPanel;
use crate::simulation::{decode_fill, decode_sim, encode_fill, encode_sim};

#[component]
pub fn SimulatePage() -> impl IntoView {
    let query = window().location().search().unwrap_or_default();
    let base = CalculatorForm::first_view(default_start(chrono::Utc::now().date_naive()));
    let form = RwSignal::new(link::decode(&query, base));
    let outcome = Memo::new(move |_| form.with(CalculatorForm::evaluate));
    let fill = RwSignal::new(decode_fill(&query));
    let sim = RwSignal::new(decode_sim(&query, crate::app::lang()));
    Effect::new(move |_| {
        let query = format!("?{}&fill={}&mc={}", form.with(link::encode), fill.with(encode_fill), sim.with(encode_sim));
        if let Ok(history) = window().history() {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&query));
        }
    });
    view! {
        <h1>{crate::app::tr(crate::shell::heading(crate::shell::Page::Simulate))}</h1>
        {scenario_line(outcome)}
        <SimulationPanel form outcome fill sim />
    }
}
