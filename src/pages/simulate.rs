//! The simulation page (`/simulate/`): the scenario of the link simulated many years over, with
//! the fill pattern's peaks (`fill=`) as its seasonality.

use leptos::prelude::*;

use crate::calculator::{default_start, CalculatorForm};
use crate::link;
use crate::pages::scenario_line;
use crate::pages::simulation::SimulationPanel;
use crate::simulation::decode_fill;

#[component]
pub fn SimulatePage() -> impl IntoView {
    let query = window().location().search().unwrap_or_default();
    let base = CalculatorForm::first_view(default_start(chrono::Utc::now().date_naive()));
    let form = RwSignal::new(link::decode(&query, base));
    let outcome = Memo::new(move |_| form.with(CalculatorForm::evaluate));
    let fill = RwSignal::new(decode_fill(&query));
    view! {
        <h1>{crate::app::tr(crate::shell::heading(crate::shell::Page::Simulate))}</h1>
        {scenario_line(outcome)}
        <SimulationPanel form outcome fill />
    }
}
