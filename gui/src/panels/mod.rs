//! One struct per panel. Each owns only its UI state and draws from the read-only [`Session`].

mod findings;
mod groups;
mod summary;
mod zones;

pub use findings::FindingsPanel;
pub use groups::GroupsPanel;
pub use summary::SummaryBar;
pub use zones::ZonesPanel;

#[derive(Default)]
pub struct Panels {
    pub summary: SummaryBar,
    pub findings: FindingsPanel,
    pub zones: ZonesPanel,
    pub groups: GroupsPanel,
}
