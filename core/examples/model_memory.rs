//! Where the loaded model's memory goes: live heap bytes after loading (counted by a wrapping
//! allocator, not RSS), then what each kind holds. Usage: `model_memory FILE`.

use quorum_core::load::{Input, load};
use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};

// Counts the bytes asked for (the system allocator underneath: sizes, not speed, matter here).
#[global_allocator]
static GLOBAL: &StatsAlloc<std::alloc::System> = &INSTRUMENTED_SYSTEM;

fn live() -> usize {
    let s = GLOBAL.stats();
    s.bytes_allocated - s.bytes_deallocated
}

fn mb(n: usize) -> String {
    format!("{} MB", n / 1_000_000)
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: model_memory FILE");
    let mut snapshot = load(&[Input::new("default", path)]).expect("load");
    snapshot.inputs.clear();
    println!("after load: {} live", mb(live()));
    println!(
        "the structs alone: Pod {} bytes, Workload {}, Pvc {}, Pv {}, Meta {}",
        size_of::<quorum_core::model::Pod>(),
        size_of::<quorum_core::model::Workload>(),
        size_of::<quorum_core::model::Pvc>(),
        size_of::<quorum_core::model::Pv>(),
        size_of::<quorum_core::model::Meta>()
    );
    let mut c = snapshot.clusters.pop().expect("one cluster");
    macro_rules! drop_kind {
        ($field:ident) => {{
            let before = live();
            let n = c.$field.len();
            drop(std::mem::take(&mut c.$field));
            let freed = before - live();
            println!(
                "{:>16}: {:>7} objects, {:>8}, {:>5} bytes each",
                stringify!($field),
                n,
                mb(freed),
                freed / n.max(1)
            );
        }};
    }
    drop_kind!(pods);
    drop_kind!(workloads);
    drop_kind!(pvcs);
    drop_kind!(pvs);
    drop_kind!(leaders);
    drop_kind!(pdbs);
    drop_kind!(nodes);
    drop_kind!(namespaces);
    println!("left: {}", mb(live()));
}
