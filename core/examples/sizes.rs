use quorum_core::model::*;
fn main() {
    println!(
        "Object {} Pod {} Meta {} Placement {} Workload {} Node {} Pvc {} Pv {} Source {} Leader {} Pdb {}",
        std::mem::size_of::<Object>(),
        std::mem::size_of::<Pod>(),
        std::mem::size_of::<Meta>(),
        std::mem::size_of::<Placement>(),
        std::mem::size_of::<Workload>(),
        std::mem::size_of::<Node>(),
        std::mem::size_of::<Pvc>(),
        std::mem::size_of::<Pv>(),
        std::mem::size_of::<Source>(),
        std::mem::size_of::<LeaderRecord>(),
        std::mem::size_of::<Pdb>()
    );
}
