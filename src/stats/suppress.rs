//! Small-cell suppression: which counts of a report may be printed.
//!
//! A report is a set of counts ("cells") and of sums between them ("groups": a total and the
//! parts that add up to it, such as the sessions started and the sessions started in each
//! language). A cell is either a *slot* of a fixed layout (a status, a period, an overall
//! count: it may be zero) or a *keyed* entry of a list (a language, a choice: listed only
//! because it was counted, so a reader knows it is at least 1). The rules:
//!
//! 1. **Primary**: a count from 1 to k−1 is never printed ([`Mark::Small`], shown as `<k`).
//!    Zero is printed: it is what most statuses of most outcomes hold (a programme is open or
//!    closed for everyone on a day), and hiding it would hide the large counts beside it.
//! 2. **No breakdown of a small total**: the parts of a group whose total is from 1 to k−1 are
//!    all masked: keyed parts are not listed at all ([`Mark::Withheld`]), slot parts are `<k`
//!    even when zero. Otherwise nine languages listed as `<10` under a total of 9 (each at
//!    least 1) would each be exactly 1, and so would nine days.
//! 3. **Secondary**: no masked count other than zero may be worked out from what is printed. A reader knows
//!    every printed count, every group's equation `total = sum of parts`, that a `<k` cell is
//!    between 1 and k−1 (between 0 and k−1 under a small total), and that a cell hidden for
//!    this rule ([`Mark::Hidden`]) is at least k. Whenever that pins a masked cell to one value
//!    (one total minus the other parts, several totals combined, or the bounds closing in: two
//!    `<k` under a printed total of 2), the next smallest printed part of one of its groups is
//!    hidden too — and, when no part is left, the total. This repeats until nothing can be
//!    worked out.
//! 4. **Last resort**: where a count can still be worked out with nothing printed left to hide
//!    in its whole component (cells linked by groups through masked cells) — the bounds alone
//!    can do it in a tiny table where every cell is masked — every masked cell of the
//!    component is withheld ([`Mark::Withheld`]): printed as `–`, which implies no bound.
//! 5. Percentages are computed only from printed counts (the callers' side of the rule).
//!
//! Two audits look for a cell that can be worked out, both sound (what they find is really
//! disclosed): exact linear algebra over the hidden cells (is the cell a combination of the
//! groups' equations?), and interval propagation over the groups with the bounds above. For the
//! shapes reports use — lists under a total, and two-way tables with their row, column and
//! grand totals — the property tests below check the result against an exhaustive attacker.

use std::collections::BTreeSet;

/// What may be printed of one cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mark {
    /// The count is printed.
    Shown,
    /// A count from 1 to k−1, or any part of such a total: printed as `<k`.
    Small,
    /// A count of at least k, hidden so that a small count next to it cannot be worked out.
    Hidden,
    /// Not given at all: a keyed part of a group whose total is from 1 to k−1 (left out of
    /// its list), or any masked cell of a component where even masking everything left a
    /// count that could be worked out (printed as `–`, with no bound implied).
    Withheld,
}

impl Mark {
    pub fn is_shown(self) -> bool {
        self == Mark::Shown
    }

    /// Printed as a marker (`<k` or `hidden`) in place of the number.
    fn is_masked(self) -> bool {
        matches!(self, Mark::Small | Mark::Hidden)
    }

    /// Unknown to a reader: masked or withheld.
    fn is_unknown(self) -> bool {
        self != Mark::Shown
    }
}

/// One count of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    pub value: u64,
    /// A list entry that exists only because it was counted: a reader knows it is at least 1.
    /// (Keyed cells are never zero.)
    pub keyed: bool,
}

impl Cell {
    /// A cell of a fixed layout, which may be zero.
    pub fn slot(value: u64) -> Cell {
        Cell {
            value,
            keyed: false,
        }
    }

    /// A list entry (at least 1).
    pub fn keyed(value: u64) -> Cell {
        Cell { value, keyed: true }
    }
}

/// A sum between cells: `total = parts[0] + parts[1] + …` (indices into the cell values).
///
/// The equation must hold exactly; a caller adds a group only when it does, since a reader may
/// rely on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub total: usize,
    pub parts: Vec<usize>,
}

/// Decides which cells are printed (see the module documentation): cells below `k` are
/// [`Mark::Small`], keyed parts of a small total [`Mark::Withheld`], and as few further cells
/// as this greedy rule finds [`Mark::Hidden`], so that no masked cell can be worked out. `k`
/// must be at least 3: with `k = 2`, a keyed `<2` would itself say "1".
pub fn suppress(cells: &[Cell], groups: &[Group], k: u64) -> Vec<Mark> {
    assert!(k >= 3, "suppression needs k >= 3");
    let values: Vec<u64> = cells.iter().map(|c| c.value).collect();
    for g in groups {
        debug_assert_eq!(
            values[g.total],
            g.parts.iter().map(|&p| values[p]).sum::<u64>(),
            "a group's total is the sum of its parts"
        );
    }
    debug_assert!(cells.iter().all(|c| !c.keyed || c.value > 0));
    let mut marks: Vec<Mark> = values
        .iter()
        .map(|&v| {
            if v > 0 && v < k {
                Mark::Small
            } else {
                Mark::Shown
            }
        })
        .collect();
    for g in groups {
        if marks[g.total] == Mark::Small {
            for &p in &g.parts {
                marks[p] = if cells[p].keyed {
                    Mark::Withheld
                } else {
                    Mark::Small
                };
            }
        }
    }
    let mut groups_of: Vec<Vec<usize>> = vec![Vec::new(); values.len()];
    for (gi, g) in groups.iter().enumerate() {
        groups_of[g.total].push(gi);
        for &p in &g.parts {
            groups_of[p].push(gi);
        }
    }
    loop {
        let disclosed = audit(cells, groups, &marks, k);
        if disclosed.is_empty() {
            break;
        }
        // One new hidden cell per group and round: two cells pinned in the same group (`1 + 1`)
        // usually need one more hidden neighbour, not two.
        let mut touched: BTreeSet<usize> = BTreeSet::new();
        let mut changed = false;
        for cell in disclosed {
            if groups_of[cell].iter().any(|g| touched.contains(g)) {
                continue;
            }
            if let Some(next) = next_to_hide(&values, groups, &groups_of, &marks, cell) {
                marks[next] = Mark::Hidden;
                touched.extend(groups_of[cell].iter().copied());
                touched.extend(groups_of[next].iter().copied());
                changed = true;
            }
        }
        if !changed {
            // Nothing printed is left around the cells still pinned: withhold their
            // components whole, which takes away the bounds their markers imply.
            let mut withheld = false;
            for cell in audit(cells, groups, &marks, k) {
                for c in component(groups, &groups_of, &marks, cell) {
                    if marks[c].is_masked() {
                        marks[c] = Mark::Withheld;
                        withheld = true;
                    }
                }
            }
            if !withheld {
                break;
            }
        }
    }
    // The search only clears a cell by showing another table that agrees with everything
    // printed, so an empty audit means no masked count can be pinned, whatever the shape.
    debug_assert!(
        audit(cells, groups, &marks, k).is_empty(),
        "suppression stopped with a count that can be worked out"
    );
    marks
}

/// The cells linked to `cell` through groups and unknown cells (including printed ones at the
/// edge).
fn component(
    groups: &[Group],
    groups_of: &[Vec<usize>],
    marks: &[Mark],
    cell: usize,
) -> BTreeSet<usize> {
    let mut cells = BTreeSet::from([cell]);
    let mut seen_groups = BTreeSet::new();
    let mut stack = vec![cell];
    while let Some(c) = stack.pop() {
        for &gi in &groups_of[c] {
            if !seen_groups.insert(gi) {
                continue;
            }
            let g = &groups[gi];
            for m in g.parts.iter().copied().chain([g.total]) {
                if cells.insert(m) && marks[m].is_unknown() {
                    stack.push(m);
                }
            }
        }
    }
    cells
}

/// The cell to hide next to `cell`: the smallest printed non-zero part of one of its groups,
/// or, when none is left, the smallest printed total; when its groups have nothing printed
/// left at all, the same one group further out (groups linked through masked cells), and so
/// on. Zeros are never hidden: a hidden cell is read as "at least k", and every printed
/// non-zero count is.
fn next_to_hide(
    values: &[u64],
    groups: &[Group],
    groups_of: &[Vec<usize>],
    marks: &[Mark],
    cell: usize,
) -> Option<usize> {
    let printed = |c: usize| c != cell && marks[c] == Mark::Shown && values[c] > 0;
    let mut seen_groups: BTreeSet<usize> = groups_of[cell].iter().copied().collect();
    let mut seen_cells: BTreeSet<usize> = BTreeSet::from([cell]);
    let mut layer: Vec<usize> = groups_of[cell].clone();
    while !layer.is_empty() {
        let smallest = |parts: bool| {
            layer
                .iter()
                .flat_map(|&gi| {
                    let g = &groups[gi];
                    if parts {
                        g.parts.clone()
                    } else {
                        vec![g.total]
                    }
                })
                .filter(|&c| printed(c))
                .min_by_key(|&c| (values[c], c))
        };
        if let Some(c) = smallest(true).or_else(|| smallest(false)) {
            return Some(c);
        }
        let mut next = Vec::new();
        for &gi in &layer {
            let g = &groups[gi];
            for c in g.parts.iter().copied().chain([g.total]) {
                if marks[c].is_unknown() && seen_cells.insert(c) {
                    next.extend(groups_of[c].iter().filter(|&&h| seen_groups.insert(h)));
                }
            }
        }
        layer = next;
    }
    None
}

/// Masked non-zero cells a reader can work out (sorted, without repeats).
fn audit(cells: &[Cell], groups: &[Group], marks: &[Mark], k: u64) -> Vec<usize> {
    // A group with a keyed part left out of its list teaches nothing: its parts are not all
    // listed. (A withheld slot is printed as `–`: its group is known, its value is not.)
    let known: Vec<&Group> = groups
        .iter()
        .filter(|g| {
            g.parts
                .iter()
                .all(|&p| !(cells[p].keyed && marks[p] == Mark::Withheld))
        })
        .collect();
    // What a reader knows of a `<k` cell's lower end: 0 under a small total (zeros are masked
    // there), else 1 (zeros are printed).
    let mut floor: Vec<i128> = vec![1; cells.len()];
    for g in groups {
        if marks[g.total] == Mark::Small {
            for &p in &g.parts {
                floor[p] = 0;
            }
        }
    }
    let mut found: BTreeSet<usize> = intervals(cells, &floor, &known, marks, k);
    found.extend(linear(&known, marks));
    // The two quick audits miss bounds that only bite across several equations; the search
    // settles every cell they let through.
    found.extend(moves(cells, &floor, &known, marks, k, &found));
    // A zero is no secret (zeros are printed); it is masked under a small total only so that
    // the counts beside it keep their room, and those are checked for themselves.
    found.into_iter().filter(|&c| cells[c].value > 0).collect()
}

/// "Unbounded" for interval arithmetic; far above any count, far below overflow when summed.
const INF: i128 = 1 << 100;

/// Interval propagation: each masked cell starts with what its mark says (`[floor, k−1]` or
/// `[k, ∞)`), each group narrows its members from the others, until nothing
/// changes. Cells whose interval closes to one value are disclosed. (An empty interval could
/// only come from a group whose equation does not hold; it is reported too, to be safe.)
fn intervals(
    cells: &[Cell],
    floor: &[i128],
    groups: &[&Group],
    marks: &[Mark],
    k: u64,
) -> BTreeSet<usize> {
    let k = i128::from(k);
    let (mut lo, mut hi): (Vec<i128>, Vec<i128>) = cells
        .iter()
        .zip(marks)
        .zip(floor)
        .map(|((c, m), &floor)| match m {
            Mark::Shown => (i128::from(c.value), i128::from(c.value)),
            Mark::Small => (floor, k - 1),
            Mark::Hidden => (k, INF),
            Mark::Withheld => (0, INF),
        })
        .unzip();
    // Only groups with a masked member can teach anything.
    let active: Vec<&Group> = groups
        .iter()
        .copied()
        .filter(|g| marks[g.total].is_unknown() || g.parts.iter().any(|&p| marks[p].is_unknown()))
        .collect();
    // Each round narrows at least one bound by at least 1 or stops; the cap only guards
    // against slow creeping on wide intervals, and stopping early is still sound.
    for _ in 0..64 {
        let mut changed = false;
        for g in &active {
            let sum_lo: i128 = g.parts.iter().map(|&p| lo[p]).sum();
            let sum_hi: i128 = g.parts.iter().map(|&p| hi[p].min(INF)).sum();
            let t = g.total;
            if sum_lo > lo[t] {
                lo[t] = sum_lo;
                changed = true;
            }
            if sum_hi < hi[t] {
                hi[t] = sum_hi;
                changed = true;
            }
            for &p in &g.parts {
                let others_lo = sum_lo - lo[p];
                let others_hi = sum_hi - hi[p].min(INF);
                let new_lo = lo[t] - others_hi;
                let new_hi = hi[t].min(INF) - others_lo;
                if new_lo > lo[p] {
                    lo[p] = new_lo;
                    changed = true;
                }
                if new_hi < hi[p] {
                    hi[p] = new_hi;
                    changed = true;
                }
            }
        }
        // Bounds only close in on the true values, so they cannot cross; if they ever did (a
        // group whose equation does not hold), stop: the crossed cells are reported below.
        if !changed || (0..cells.len()).any(|c| lo[c] > hi[c]) {
            break;
        }
    }
    (0..cells.len())
        .filter(|&c| marks[c].is_unknown() && lo[c] >= hi[c])
        .collect()
}

/// How many steps one search for a move may take before the cell counts as pinned.
const SEARCH_BUDGET: usize = 20_000;

/// The exhaustive audit: a masked cell is safe when another table the reader must consider
/// possible gives it another value. The search looks for one that differs from the true table
/// by −1, 0 or +1 in each masked cell: start by moving the cell, then, while some equation is
/// out of balance, move another masked cell of that equation the way that restores it, within
/// its bounds, backtracking on dead ends. For lists and two-way tables that is exact (any
/// other solution differs from the true one by a sum of such steps, each possible alone); for
/// other shapes, and when the budget runs out, a cell without a move found counts as pinned,
/// which can only hide more. A move found clears every cell it changes, so a few searches
/// usually clear a whole report.
fn moves(
    cells: &[Cell],
    floor: &[i128],
    groups: &[&Group],
    marks: &[Mark],
    k: u64,
    already: &BTreeSet<usize>,
) -> BTreeSet<usize> {
    let k = i128::from(k);
    let masked: Vec<usize> = (0..cells.len())
        .filter(|&c| marks[c].is_unknown())
        .collect();
    if masked.is_empty() {
        return BTreeSet::new();
    }
    // Equations over masked cells: (cell, +1 for a part, −1 for the total).
    let equations: Vec<Vec<(usize, i8)>> = groups
        .iter()
        .map(|g| {
            let mut e: Vec<(usize, i8)> = g
                .parts
                .iter()
                .filter(|&&p| marks[p].is_unknown())
                .map(|&p| (p, 1))
                .collect();
            if marks[g.total].is_unknown() {
                e.push((g.total, -1));
            }
            e
        })
        .filter(|e| !e.is_empty())
        .collect();
    let mut in_equations: Vec<Vec<(usize, i8)>> = vec![Vec::new(); cells.len()];
    for (i, e) in equations.iter().enumerate() {
        for &(c, a) in e {
            in_equations[c].push((i, a));
        }
    }
    let room = |c: usize, step: i8| -> bool {
        let v = i128::from(cells[c].value) + i128::from(step);
        match marks[c] {
            Mark::Small => v >= floor[c] && v < k,
            Mark::Hidden => v >= k,
            Mark::Withheld => v >= 0,
            Mark::Shown => false,
        }
    };

    struct Search<'a> {
        equations: &'a [Vec<(usize, i8)>],
        in_equations: &'a [Vec<(usize, i8)>],
        step: Vec<i8>,
        balance: Vec<i32>,
        changed: Vec<usize>,
        budget: usize,
    }

    impl Search<'_> {
        fn apply(&mut self, c: usize, step: i8) {
            self.step[c] = step;
            self.changed.push(c);
            for &(e, a) in &self.in_equations[c] {
                self.balance[e] += i32::from(a) * i32::from(step);
            }
        }

        fn undo(&mut self, c: usize) {
            let step = self.step[c];
            self.step[c] = 0;
            self.changed.pop();
            for &(e, a) in &self.in_equations[c] {
                self.balance[e] -= i32::from(a) * i32::from(step);
            }
        }

        /// Restores every equation, or returns false.
        fn close(&mut self, room: &dyn Fn(usize, i8) -> bool) -> bool {
            if self.budget == 0 {
                return false;
            }
            self.budget -= 1;
            // The unbalanced equation with the fewest ways out first.
            let open = self
                .changed
                .iter()
                .flat_map(|&c| self.in_equations[c].iter().map(|&(e, _)| e))
                .filter(|&e| self.balance[e] != 0)
                .min_by_key(|&e| self.equations[e].len());
            let Some(e) = open else {
                return true;
            };
            let need = -self.balance[e].signum();
            for i in 0..self.equations[e].len() {
                let (c, a) = self.equations[e][i];
                let step = (need * i32::from(a)) as i8;
                if self.step[c] != 0 || !room(c, step) {
                    continue;
                }
                self.apply(c, step);
                if self.close(room) {
                    return true;
                }
                self.undo(c);
            }
            false
        }
    }

    let mut search = Search {
        equations: &equations,
        in_equations: &in_equations,
        step: vec![0; cells.len()],
        balance: vec![0; equations.len()],
        changed: Vec::new(),
        budget: 0,
    };
    let mut cleared = vec![false; cells.len()];
    let mut pinned = BTreeSet::new();
    for &c in &masked {
        if cleared[c] || already.contains(&c) || cells[c].value == 0 {
            continue;
        }
        if in_equations[c].is_empty() {
            // In no usable equation: its bounds alone leave it at least two values (k >= 3).
            continue;
        }
        let mut found = false;
        for step in [1i8, -1] {
            if !room(c, step) {
                continue;
            }
            search.budget = SEARCH_BUDGET;
            search.apply(c, step);
            if search.close(&room) {
                for &m in &search.changed {
                    cleared[m] = true;
                }
                found = true;
            }
            while let Some(&m) = search.changed.last() {
                search.undo(m);
            }
            if found {
                break;
            }
        }
        if !found {
            pinned.insert(c);
        }
    }
    pinned
}

/// The prime of the field the elimination works in (2^61 − 1).
const P: u64 = (1 << 61) - 1;

fn mul(a: u64, b: u64) -> u64 {
    ((u128::from(a) * u128::from(b)) % u128::from(P)) as u64
}

fn sub(a: u64, b: u64) -> u64 {
    (a + P - b) % P
}

fn inverse(a: u64) -> u64 {
    // Fermat: a^(P−2).
    let (mut base, mut exp, mut acc) = (a, P - 2, 1u64);
    while exp > 0 {
        if exp & 1 == 1 {
            acc = mul(acc, base);
        }
        base = mul(base, base);
        exp >>= 1;
    }
    acc
}

/// Linear algebra: a hidden cell is disclosed when the groups' equations, with printed cells
/// moved to the right-hand side, combine into "this cell = a number". That is the case exactly
/// when, in the reduced row echelon form of the equations over the hidden cells, a row has a
/// single non-zero entry.
///
/// The elimination runs in the integers modulo a 61-bit prime rather than in the rationals, so
/// entries never grow. It can only err by finding a combination that does not exist over the
/// rationals (the rank can drop modulo the prime, never rise), which hides more, never less.
/// Equations are split into independent components (hidden cells linked by shared groups)
/// first, so each elimination stays small.
fn linear(groups: &[&Group], marks: &[Mark]) -> BTreeSet<usize> {
    let hidden = |c: usize| marks[c].is_unknown();
    let members = |g: &Group| -> Vec<(usize, u64)> {
        // +1 for parts, −1 for the total; printed members are constants.
        let mut m: Vec<(usize, u64)> = g
            .parts
            .iter()
            .filter(|&&p| hidden(p))
            .map(|&p| (p, 1))
            .collect();
        if hidden(g.total) {
            m.push((g.total, P - 1));
        }
        m
    };
    let equations: Vec<Vec<(usize, u64)>> = groups
        .iter()
        .map(|g| members(g))
        .filter(|m| !m.is_empty())
        .collect();
    // Union-find over hidden cells that share an equation.
    let mut parent: Vec<usize> = (0..marks.len()).collect();
    fn root(parent: &mut [usize], mut c: usize) -> usize {
        while parent[c] != c {
            parent[c] = parent[parent[c]];
            c = parent[c];
        }
        c
    }
    for eq in &equations {
        let first = root(&mut parent, eq[0].0);
        for &(c, _) in &eq[1..] {
            let r = root(&mut parent, c);
            parent[r] = first;
        }
    }
    let mut components: std::collections::BTreeMap<usize, Vec<&Vec<(usize, u64)>>> =
        std::collections::BTreeMap::new();
    for eq in &equations {
        let r = root(&mut parent, eq[0].0);
        components.entry(r).or_default().push(eq);
    }
    let mut found = BTreeSet::new();
    for eqs in components.values() {
        let mut cells: Vec<usize> = eqs.iter().flat_map(|e| e.iter().map(|&(c, _)| c)).collect();
        cells.sort_unstable();
        cells.dedup();
        let column = |c: usize| cells.binary_search(&c).expect("a cell of the component");
        let mut rows: Vec<Vec<u64>> = eqs
            .iter()
            .map(|e| {
                let mut row = vec![0u64; cells.len()];
                for &(c, coef) in e.iter() {
                    let j = column(c);
                    row[j] = (row[j] + coef) % P;
                }
                row
            })
            .collect();
        let mut pivot_row = 0;
        let mut pivots: Vec<(usize, usize)> = Vec::new();
        for col in 0..cells.len() {
            let Some(r) = (pivot_row..rows.len()).find(|&r| rows[r][col] != 0) else {
                continue;
            };
            rows.swap(pivot_row, r);
            let inv = inverse(rows[pivot_row][col]);
            for x in rows[pivot_row].iter_mut() {
                *x = mul(*x, inv);
            }
            let pivot = rows[pivot_row].clone();
            for (r, row) in rows.iter_mut().enumerate() {
                if r != pivot_row && row[col] != 0 {
                    let f = row[col];
                    for (x, &p) in row.iter_mut().zip(&pivot) {
                        if p != 0 {
                            *x = sub(*x, mul(f, p));
                        }
                    }
                }
            }
            pivots.push((pivot_row, col));
            pivot_row += 1;
            if pivot_row == rows.len() {
                break;
            }
        }
        for (r, col) in pivots {
            if rows[r].iter().filter(|&&x| x != 0).count() == 1 {
                found.insert(cells[col]);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    use Mark::*;

    const K: u64 = 10;

    /// A slot total (cell 0) over keyed parts, like the languages under the sessions started.
    fn list(parts: &[u64]) -> (Vec<Cell>, Vec<Group>) {
        let mut cells = vec![Cell::slot(parts.iter().sum())];
        cells.extend(parts.iter().map(|&v| Cell::keyed(v)));
        let group = Group {
            total: 0,
            parts: (1..cells.len()).collect(),
        };
        (cells, vec![group])
    }

    fn marks_of_list(parts: &[u64]) -> Vec<Mark> {
        let (cells, groups) = list(parts);
        suppress(&cells, &groups, K)
    }

    #[test]
    fn counts_below_k_are_small_and_zero_is_printed() {
        let cells: Vec<Cell> = [0, 1, 9, 10, 500].map(Cell::slot).to_vec();
        assert_eq!(
            suppress(&cells, &[], K),
            vec![Shown, Small, Small, Shown, Shown]
        );
    }

    #[test]
    fn the_zeros_under_a_small_total_are_masked_too() {
        // Nine days with one session each and the rest of the month at zero: with the zeros
        // printed, each `<10` would be exactly 1.
        let mut days = vec![1u64; 9];
        days.extend([0; 21]);
        let mut cells = vec![Cell::slot(9)];
        cells.extend(days.iter().map(|&v| Cell::slot(v)));
        let group = Group {
            total: 0,
            parts: (1..cells.len()).collect(),
        };
        assert!(suppress(&cells, &[group], K).iter().all(|&m| m == Small));
    }

    #[test]
    fn a_lone_small_part_under_a_printed_total_takes_the_next_smallest_with_it() {
        // 30 is the next smallest: 209 − 120 − 55 = 34 is all one can say of the two.
        assert_eq!(
            marks_of_list(&[120, 4, 30, 55]),
            vec![Shown, Shown, Small, Hidden, Shown]
        );
    }

    #[test]
    fn two_small_parts_that_add_up_to_their_minimum_are_protected_too() {
        // 1 + 1 under a printed total: each keyed `<10` is at least 1, so both would be 1.
        let m = marks_of_list(&[50, 1, 1]);
        assert_eq!(m, vec![Shown, Hidden, Small, Small]);
        // 9 + 9 = 18 pins both at their maximum the same way.
        assert_eq!(marks_of_list(&[50, 9, 9])[1], Hidden);
        // 3 + 4 = 7 leaves each anywhere from 1 to 6: nothing more to hide.
        assert_eq!(marks_of_list(&[50, 3, 4])[1], Shown);
    }

    #[test]
    fn when_no_part_is_left_the_total_is_hidden() {
        // 1 under a total of 11 beside a hidden 10: the hidden part is at least 10, so the 1
        // would be exactly 1; no part is left to hide, so the total goes.
        assert_eq!(marks_of_list(&[1, 10]), vec![Hidden, Small, Hidden]);
        // With more room (3 under 43 beside 40), hiding the 40 is enough.
        assert_eq!(marks_of_list(&[40, 3]), vec![Shown, Hidden, Small]);
    }

    #[test]
    fn a_small_total_is_not_broken_down() {
        // Nine languages with one session each under a total of 9: listed as `<10`, each
        // would be exactly 1.
        let m = marks_of_list(&[1; 9]);
        assert_eq!(m[0], Small);
        assert!(m[1..].iter().all(|&m| m == Withheld), "{m:?}");
    }

    #[test]
    fn a_cell_hidden_in_one_group_is_protected_in_its_other_groups() {
        // Two lists under the same total (languages and sources of the same sessions):
        // cell 3 (4) hides cell 1 (30) in the first list; the second list is clean.
        let cells = vec![
            Cell::slot(100),
            Cell::keyed(30),
            Cell::keyed(66),
            Cell::keyed(4),
            Cell::keyed(50),
            Cell::keyed(50),
        ];
        let groups = vec![
            Group {
                total: 0,
                parts: vec![1, 2, 3],
            },
            Group {
                total: 0,
                parts: vec![4, 5],
            },
        ];
        assert_eq!(
            suppress(&cells, &groups, K),
            vec![Shown, Hidden, Shown, Small, Shown, Shown]
        );
    }

    #[test]
    fn a_small_cell_of_a_two_way_table_hides_a_rectangle() {
        // A two-way table with all margins printed: one small cell needs three others hidden
        // with it, a rectangle, so that every row and every column has two.
        let t = Table::new(vec![vec![20, 30], vec![40, 3]]);
        let m = suppress(&t.cells, &t.groups, K);
        assert!(m[..4].iter().all(|m| !m.is_shown()), "{m:?}");
        assert!(m[4..].iter().all(|m| m.is_shown()), "{m:?}");
    }

    #[test]
    fn the_linear_audit_combines_equations() {
        // a + b = T1 and a + b + c = T2 with T1, T2 printed: c = T2 − T1 even though c's own
        // group has two hidden cells.
        let groups = [
            Group {
                total: 2,
                parts: vec![0, 1],
            },
            Group {
                total: 4,
                parts: vec![0, 1, 3],
            },
        ];
        let m = [Small, Small, Shown, Small, Shown];
        let found = linear(&groups.iter().collect::<Vec<_>>(), &m);
        assert!(found.contains(&3));
        assert!(!found.contains(&0));
    }

    /// A two-way table of slot counts (statuses by outcome, periods by status) with its row
    /// totals, column totals and grand total, laid out as one list of cells: the inner cells
    /// row by row, then the row totals, the column totals and the grand total.
    struct Table {
        inner: usize,
        cells: Vec<Cell>,
        groups: Vec<Group>,
    }

    impl Table {
        fn new(rows: Vec<Vec<u64>>) -> Table {
            let (r, c) = (rows.len(), rows[0].len());
            let mut values: Vec<u64> = rows.iter().flatten().copied().collect();
            values.extend(rows.iter().map(|row| row.iter().sum::<u64>()));
            values.extend((0..c).map(|j| rows.iter().map(|row| row[j]).sum::<u64>()));
            values.push(rows.iter().flatten().sum());
            let (row_total, col_total, grand) = (r * c, r * c + r, r * c + r + c);
            let mut groups: Vec<Group> = (0..r)
                .map(|i| Group {
                    total: row_total + i,
                    parts: (0..c).map(|j| i * c + j).collect(),
                })
                .collect();
            groups.extend((0..c).map(|j| Group {
                total: col_total + j,
                parts: (0..r).map(|i| i * c + j).collect(),
            }));
            groups.push(Group {
                total: grand,
                parts: (row_total..row_total + r).collect(),
            });
            groups.push(Group {
                total: grand,
                parts: (col_total..col_total + c).collect(),
            });
            Table {
                inner: r * c,
                cells: values.into_iter().map(Cell::slot).collect(),
                groups,
            }
        }

        /// A list: keyed parts (the inner cells) under one slot total, laid out last.
        fn list(parts: Vec<u64>) -> Table {
            let n = parts.len();
            let mut cells: Vec<Cell> = parts.iter().map(|&v| Cell::keyed(v)).collect();
            cells.push(Cell::slot(parts.iter().sum()));
            Table {
                inner: n,
                cells,
                groups: vec![Group {
                    total: n,
                    parts: (0..n).collect(),
                }],
            }
        }
    }

    /// Which masked cells an attacker can pin, found by brute force: every integer table the
    /// printed cells, the marks' bounds and the sums allow, within one step of the true table
    /// in each masked inner cell (the totals follow from the inner cells). One step is enough
    /// for these shapes: their equations are those of a transportation problem, so any other
    /// solution differs from the true one by a sum of cycles, each of which can be walked one
    /// step alone. So this is exact.
    fn pinned_by_search(t: &Table, marks: &[Mark], k: u64) -> Vec<usize> {
        // A group with a keyed part left out is unknown to the reader: drop it.
        let known: Vec<&Group> = t
            .groups
            .iter()
            .filter(|g| {
                g.parts
                    .iter()
                    .all(|&p| !(t.cells[p].keyed && marks[p] == Withheld))
            })
            .collect();
        let free: Vec<usize> = (0..t.inner).filter(|&c| marks[c].is_unknown()).collect();
        let truth: Vec<i64> = t.cells.iter().map(|c| c.value as i64).collect();
        let mut moved = vec![false; t.cells.len()];
        // The reader's lower end of a `<k`: 0 under a total they see is `<k`, else 1.
        let floor = |c: usize| {
            let small = t
                .groups
                .iter()
                .any(|g| marks[g.total] == Small && g.parts.contains(&c));
            if small { 0 } else { 1 }
        };
        let allowed = |c: usize, v: i64| match marks[c] {
            Shown => v == truth[c],
            Small => (floor(c)..k as i64).contains(&v),
            Hidden => v >= k as i64,
            Withheld => v >= 0,
        };
        for code in 0..3usize.pow(free.len() as u32) {
            let mut table = truth.clone();
            let mut rest = code;
            for &c in &free {
                table[c] += (rest % 3) as i64 - 1;
                rest /= 3;
            }
            // Totals in the order they are laid out: each group's parts come before it.
            for g in &t.groups {
                table[g.total] = g.parts.iter().map(|&p| table[p]).sum();
            }
            let consistent = known
                .iter()
                .all(|g| table[g.total] == g.parts.iter().map(|&p| table[p]).sum::<i64>());
            if consistent && (0..table.len()).all(|c| allowed(c, table[c])) {
                for c in 0..table.len() {
                    moved[c] |= table[c] != truth[c];
                }
            }
        }
        (0..t.cells.len())
            .filter(|&c| marks[c].is_unknown() && !moved[c] && truth[c] > 0)
            .filter(|&c| {
                // A masked cell only in groups the reader cannot use is not pinned by them;
                // it is pinned only if its own bounds leave one value, which k >= 3 rules out.
                known.iter().any(|g| g.total == c || g.parts.contains(&c))
            })
            .collect()
    }

    /// Counts a report would see: many small ones, some zeros, some large.
    fn count() -> impl Strategy<Value = u64> {
        prop_oneof![3 => 0u64..12, 2 => 1u64..6, 1 => 10u64..60]
    }

    fn check(t: &Table, k: u64) -> Result<(), TestCaseError> {
        let m = suppress(&t.cells, &t.groups, k);
        for (c, (cell, &mark)) in t.cells.iter().zip(&m).enumerate() {
            let v = cell.value;
            // No printed count is from 1 to k−1, and the marks tell the truth.
            prop_assert!(
                !(mark.is_shown() && v > 0 && v < k),
                "cell {} = {} shown",
                c,
                v
            );
            prop_assert!(mark != Small || v < k, "cell {} = {} marked small", c, v);
            prop_assert!(mark != Hidden || v >= k, "hidden cell {} = {}", c, v);
        }
        let pinned = pinned_by_search(t, &m, k);
        prop_assert!(
            pinned.is_empty(),
            "cells {:?} can be worked out from {:?} marked {:?}",
            pinned,
            t.cells.iter().map(|c| c.value).collect::<Vec<_>>(),
            m
        );
        Ok(())
    }

    /// Tables the property tests once found leaks in: a zero column total beside a small
    /// row total; bounds that pin three cells only when five equations are combined
    /// (x00 + x10 + x01 = 9 with each at its lower end), with nothing printed left in
    /// their own rows and columns; a table where masking everything is not enough.
    #[test]
    fn tables_that_once_leaked() {
        for (rows, k) in [
            (vec![vec![1], vec![3], vec![0]], 3),
            (vec![vec![0, 3], vec![0, 1]], 3),
            (vec![vec![4, 1, 1], vec![4, 0, 5], vec![1, 5, 4]], 4),
            // Every cell masked, and the bounds alone pin them all: withheld.
            (vec![vec![2, 2], vec![1, 1]], 3),
        ] {
            if let Err(e) = check(&Table::new(rows.clone()), k) {
                panic!("{rows:?}, k = {k}: {e}");
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// A list under its total (languages, sources, choices, expiries).
        #[test]
        fn no_masked_cell_of_a_list_can_be_worked_out(
            parts in prop::collection::vec(count().prop_map(|v| v.max(1)), 1..8),
            k in 3u64..12,
        ) {
            check(&Table::list(parts), k)?;
        }

        /// A two-way table with all its margins (outcomes by status, periods by status).
        #[test]
        fn no_masked_cell_of_a_table_can_be_worked_out(
            (rows, cols) in (1usize..4, 1usize..4),
            seed in prop::collection::vec(count(), 9),
            k in 3u64..12,
        ) {
            let inner: Vec<Vec<u64>> =
                (0..rows).map(|r| (0..cols).map(|c| seed[r * 3 + c]).collect()).collect();
            check(&Table::new(inner), k)?;
        }
    }
}
