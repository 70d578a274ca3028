//! The best placement of leaders: the smallest possible maximum number of leaders per bin (zone or
//! node) when every movable lease may go to any of its eligible bins. Computed exactly by binary
//! search on the bound with a max-flow feasibility test (Dinic).

/// `count` leases, each of which may be held in any of `bins`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Movable {
    pub bins: Vec<usize>,
    pub count: u32,
}

/// The minimum over assignments of `max(fixed[b] + assigned[b])`, or None when some movable
/// lease has no bin. `upper`, when given, is the maximum of an assignment known to be feasible.
pub fn min_max_load(
    bins: usize,
    fixed: &[u32],
    movable: &[Movable],
    upper: Option<u32>,
) -> Option<u32> {
    if movable.iter().any(|m| m.bins.is_empty() && m.count > 0) {
        return None;
    }
    let fixed_max = fixed.iter().copied().max().unwrap_or(0);
    let leases: u32 = movable.iter().map(|m| m.count).sum();
    if leases == 0 {
        return Some(fixed_max);
    }
    let classes = classes(movable);
    let total = fixed.iter().sum::<u32>() + leases;
    let mut lo = fixed_max.max(total.div_ceil(bins.max(1) as u32)).max(1);
    let mut hi = fixed_max + leases;
    // The lower bound is often the answer (the leases can spread evenly): a greedy placement
    // within it proves so at once, else one max-flow test settles it.
    if greedy_fits(bins, fixed, &classes, lo)
        || (lo < hi && feasible_classes(bins, fixed, &classes, lo))
    {
        return Some(lo);
    }
    if let Some(upper) = upper.map(|u| u.max(lo)).filter(|u| *u < hi)
        && feasible_classes(bins, fixed, &classes, upper)
    {
        hi = upper;
    }
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if feasible_classes(bins, fixed, &classes, mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    Some(lo)
}

/// Leases with the same bins are interchangeable: one class per bin set, with its count. The
/// leaders of one group share their eligible nodes, so thousands of leases make a few classes.
fn classes(movable: &[Movable]) -> Vec<(&[usize], u32)> {
    let mut sets: Vec<(&[usize], u32)> = movable
        .iter()
        .filter(|m| m.count > 0)
        .map(|m| (m.bins.as_slice(), m.count))
        .collect();
    sets.sort_unstable();
    let mut out: Vec<(&[usize], u32)> = Vec::new();
    for (set, n) in sets {
        match out.last_mut() {
            Some((last, count)) if *last == set => *count += n,
            _ => out.push((set, n)),
        }
    }
    out
}

/// Whether placing each lease on its least loaded bin, the classes with the fewest bins first,
/// keeps every bin within `cap`: when it does, `cap` is feasible; when it does not, `cap` may
/// still be (only the max-flow test says).
fn greedy_fits(bins: usize, fixed: &[u32], classes: &[(&[usize], u32)], cap: u32) -> bool {
    let mut load = fixed.to_vec();
    load.resize(bins.max(load.len()), 0);
    if load.iter().any(|l| *l > cap) {
        return false;
    }
    let mut order: Vec<&(&[usize], u32)> = classes.iter().collect();
    order.sort_by_key(|(set, _)| set.len());
    for (set, count) in order {
        for _ in 0..*count {
            let Some(&b) = set.iter().min_by_key(|b| load[**b]) else {
                return false;
            };
            if load[b] >= cap {
                return false;
            }
            load[b] += 1;
        }
    }
    true
}

/// Whether every movable lease can be placed with no bin above `cap`.
pub fn feasible(bins: usize, fixed: &[u32], movable: &[Movable], cap: u32) -> bool {
    feasible_classes(bins, fixed, &classes(movable), cap)
}

fn feasible_classes(bins: usize, fixed: &[u32], classes: &[(&[usize], u32)], cap: u32) -> bool {
    // source 0, classes 1..=c, bins c+1..=c+bins, sink c+bins+1
    if fixed.iter().any(|f| *f > cap) {
        return false;
    }
    let c = classes.len();
    let sink = c + bins + 1;
    let mut flow = Dinic::new(sink + 1);
    for (i, (set, count)) in classes.iter().enumerate() {
        flow.add_edge(0, 1 + i, i64::from(*count));
        for b in *set {
            flow.add_edge(1 + i, 1 + c + b, i64::from(*count));
        }
    }
    for b in 0..bins {
        let room = cap - fixed.get(b).copied().unwrap_or(0);
        if room > 0 {
            flow.add_edge(1 + c + b, sink, i64::from(room));
        }
    }
    let leases: u32 = classes.iter().map(|(_, count)| count).sum();
    flow.max_flow(0, sink) == i64::from(leases)
}

struct FlowEdge {
    to: usize,
    cap: i64,
}

struct Dinic {
    edges: Vec<FlowEdge>,
    adj: Vec<Vec<usize>>,
    level: Vec<i32>,
    iter: Vec<usize>,
}

impl Dinic {
    fn new(n: usize) -> Self {
        Self {
            edges: Vec::new(),
            adj: vec![Vec::new(); n],
            level: vec![0; n],
            iter: vec![0; n],
        }
    }

    fn add_edge(&mut self, from: usize, to: usize, cap: i64) -> usize {
        let id = self.edges.len();
        self.edges.push(FlowEdge { to, cap });
        self.adj[from].push(id);
        self.edges.push(FlowEdge { to: from, cap: 0 });
        self.adj[to].push(id + 1);
        id
    }

    fn bfs(&mut self, s: usize, t: usize) -> bool {
        self.level.iter_mut().for_each(|l| *l = -1);
        self.level[s] = 0;
        let mut queue = std::collections::VecDeque::from([s]);
        while let Some(v) = queue.pop_front() {
            for &e in &self.adj[v] {
                let FlowEdge { to, cap } = self.edges[e];
                if cap > 0 && self.level[to] < 0 {
                    self.level[to] = self.level[v] + 1;
                    queue.push_back(to);
                }
            }
        }
        self.level[t] >= 0
    }

    /// An augmenting path by iterative DFS; returns the flow pushed (its bottleneck).
    fn dfs(&mut self, s: usize, t: usize) -> i64 {
        let mut path: Vec<usize> = Vec::new();
        let mut v = s;
        loop {
            if v == t {
                let pushed = path.iter().map(|e| self.edges[*e].cap).min().unwrap_or(0);
                for e in &path {
                    self.edges[*e].cap -= pushed;
                    self.edges[*e ^ 1].cap += pushed;
                }
                return pushed;
            }
            let mut advanced = false;
            while self.iter[v] < self.adj[v].len() {
                let e = self.adj[v][self.iter[v]];
                let FlowEdge { to, cap } = self.edges[e];
                if cap > 0 && self.level[to] == self.level[v] + 1 {
                    path.push(e);
                    v = to;
                    advanced = true;
                    break;
                }
                self.iter[v] += 1;
            }
            if !advanced {
                // Dead end: retreat.
                self.level[v] = -1;
                match path.pop() {
                    Some(e) => {
                        v = self.edges[e ^ 1].to;
                        self.iter[v] += 1;
                    }
                    None => return 0,
                }
            }
        }
    }

    fn max_flow(&mut self, s: usize, t: usize) -> i64 {
        let mut total = 0;
        while self.bfs(s, t) {
            self.iter.iter_mut().for_each(|i| *i = 0);
            loop {
                let f = self.dfs(s, t);
                if f == 0 {
                    break;
                }
                total += f;
            }
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every lease of every class tried in every bin of its class.
    fn brute(bins: usize, fixed: &[u32], movable: &[Movable]) -> u32 {
        fn go(i: usize, load: &mut Vec<u32>, leases: &[&[usize]], best: &mut u32) {
            if i == leases.len() {
                *best = (*best).min(load.iter().copied().max().unwrap_or(0));
                return;
            }
            for &b in leases[i] {
                load[b] += 1;
                go(i + 1, load, leases, best);
                load[b] -= 1;
            }
        }
        let leases: Vec<&[usize]> = movable
            .iter()
            .flat_map(|m| std::iter::repeat_n(m.bins.as_slice(), m.count as usize))
            .collect();
        let mut load = fixed.to_vec();
        load.resize(bins, 0);
        let mut best = u32::MAX;
        go(0, &mut load, &leases, &mut best);
        best
    }

    #[test]
    fn ten_leaders_piled_on_one_node_spread_to_one_each() {
        let movable: Vec<Movable> = (0..10)
            .map(|i| Movable {
                bins: vec![0, 1 + i % 3],
                count: 1,
            })
            .collect();
        // Bins 1..3 can take them; 10 leases over 4 bins → 3 at best.
        assert_eq!(min_max_load(4, &[0, 0, 0, 0], &movable, None), Some(3));
    }

    #[test]
    fn fixed_leaders_count_against_their_bin() {
        let movable = vec![Movable {
            bins: vec![0, 1],
            count: 1,
        }];
        assert_eq!(min_max_load(2, &[2, 0], &movable, None), Some(2));
        assert_eq!(min_max_load(2, &[0, 0], &movable, None), Some(1));
    }

    #[test]
    fn matches_exhaustive_search_on_small_cases() {
        let mut seed = 7u64;
        let mut rand = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for _ in 0..300 {
            let bins = 1 + rand(4) as usize;
            let fixed: Vec<u32> = (0..bins).map(|_| rand(3) as u32).collect();
            let movable: Vec<Movable> = (0..rand(5))
                .map(|_| {
                    let mut b: Vec<usize> = (0..1 + rand(bins as u64))
                        .map(|_| rand(bins as u64) as usize)
                        .collect();
                    b.sort();
                    b.dedup();
                    // Some classes of several leases; the same bins may come twice.
                    Movable {
                        bins: b,
                        count: 1 + rand(2) as u32,
                    }
                })
                .collect();
            assert_eq!(
                min_max_load(bins, &fixed, &movable, None),
                Some(brute(bins, &fixed, &movable)),
                "{bins} {fixed:?} {movable:?}"
            );
        }
    }
}
