//! Analytics in GraphQL: figures per customer on every organization, the portfolio of a
//! seller's customers, service figures, and scorecards of distributors and suppliers.

mod resolvers;
mod types;

pub use resolvers::AnalyticsQuery;
pub use types::{
    AnalyticsSettingsView, CaseHandling, Cohort, ComplaintCount, ComplaintGrouping,
    CustomerFigures, DistributorScorecard, LifecycleStage, ObligationCompliance, ObligationType,
    Pareto, ParetoStep, PeriodCustomers, PeriodUnit, Portfolio, RelationshipQuadrant,
    RevenueWindow, SatisfactionGroup, ServiceFigures, SupplierScorecard, SurveyGrouping,
    WinBackCustomer, distributor_scorecard, figures_of, supplier_scorecard,
};
