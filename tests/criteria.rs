//! The shipped rules against the research note, path by path.
//!
//! `Oracle` below is a second, independent encoding of the team's research note on the
//! programmes (`domain-criteria.md`: section a for who was eligible, c for what changed when,
//! d for where the sources disagree). It was written from that note, not from
//! `rules/safe-mobility.yaml`: it uses the rules file's question and choice ids only as its
//! vocabulary (what a person can answer), never its conditions. Every `[Sn]` and `§dn` below
//! points into the note.
//!
//! The test walks every answer path of the shipped rules (`review::walk_each`, the real
//! engine) on one day of every stretch in which neither the rules nor the note change anything,
//! and asserts that each outcome's status is the oracle's. So a scenario case made from the
//! engine's output (`rules/tests/rows/`) is checked here against the note for every path its
//! row stands for, on every date.
//!
//! Policy that is the bot's, not the sources' (the rules file's header and docs/rules.md),
//! is encoded here the same way, once, in `status`:
//! - a programme not yet open is `upcoming` for the people who would (or might) qualify; one
//!   that has closed is `closed` for the people it was for (its basic criteria: nationality and
//!   where they are), since its detailed questions are no longer asked;
//! - a criterion the sources leave open, or an "I don't know" answer, gives `maybe`, never
//!   `open`; a month without a day (SMO closures in "January 2025") is read so the bot never
//!   says open on a day the sources do not support (closed from the 1st);
//! - people in the United States and minors are stopped before anything else;
//! - `no_pathway_found` is shown, open, when nothing is open or maybe.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rumbo::check;
use rumbo::date::Date;
use rumbo::engine::Status;
use rumbo::files;
use rumbo::review;

/// Three-valued truth: `U` is "the sources, or the person, leave it open".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum T {
    Yes,
    No,
    U,
}

use T::{No, U, Yes};

fn and(parts: &[T]) -> T {
    if parts.contains(&No) {
        No
    } else if parts.contains(&U) {
        U
    } else {
        Yes
    }
}

fn or(parts: &[T]) -> T {
    if parts.contains(&Yes) {
        Yes
    } else if parts.contains(&U) {
        U
    } else {
        No
    }
}

fn when(b: bool) -> T {
    if b { Yes } else { No }
}

fn day(s: &str) -> Date {
    s.parse().unwrap()
}

/// A day the oracle compares with: it must be one of `NOTE_DATES`, so that the oracle changes
/// only on the days the test walks (between two of them, nothing it says can change).
fn on(s: &str) -> Date {
    assert!(NOTE_DATES.contains(&s), "{s} is not in NOTE_DATES");
    day(s)
}

/// One answer path: question id → choice id, for the questions asked.
struct Answers<'a>(BTreeMap<&'a str, &'a str>);

impl Answers<'_> {
    fn get(&self, q: &str) -> Option<&str> {
        self.0.get(q).copied()
    }

    fn is(&self, q: &str, choices: &[&str]) -> bool {
        self.get(q).is_some_and(|c| choices.contains(&c))
    }

    /// A yes/no/"I don't know" question; `U` when it was not asked (so a result that hangs on
    /// an answer the interview never asked cannot be `open`).
    fn yes(&self, q: &str) -> T {
        match self.get(q) {
            Some("yes") => Yes,
            Some("no") => No,
            _ => U,
        }
    }
}

/// What the oracle says about one outcome on one path: shown with a status, or not shown.
type Verdict<'a> = BTreeMap<&'a str, Status>;

/// An outcome's status from who qualifies (`who`, not `No`) and its dates: `opens` the first
/// day it took applications for these people, `closes` the first day it no longer did.
/// `who_closed` is who it was for (its basic criteria), listed as closed after it closed.
fn status(
    today: Date,
    who: T,
    opens: Option<Date>,
    closes: Option<Date>,
    who_closed: bool,
) -> Option<Status> {
    if let Some(c) = closes
        && today >= c
    {
        return who_closed.then_some(Status::Closed);
    }
    match who {
        No => None,
        _ if opens.is_some_and(|o| today < o) => Some(Status::Upcoming),
        Yes => Some(Status::Open),
        U => Some(Status::Maybe),
    }
}

const CHNV: &[&str] = &["cuba", "haiti", "nicaragua", "venezuela"];

fn oracle(today: Date, a: &Answers) -> Verdict<'static> {
    let mut v = Verdict::new();
    // These pathways were for people outside the U.S. (CHNV, FRP [S34][S40][S42]; SMO host
    // countries; CBP One from Mexico). The interview stops there, and for minors: SMO
    // applicants were 18 or older [S6][S12] and a CHNV child travelled with a parent [S34].
    if a.is("location", &["united_states"]) {
        v.insert("in_united_states", Status::Open);
        return v;
    }
    if a.is("age", &["minor"]) {
        v.insert("minor_referral", Status::Open);
        return v;
    }
    let loc = a.get("location").unwrap_or("");
    let nat = a.get("nationality").unwrap_or("");
    let mut put = |id: &'static str, s: Option<Status>| {
        if let Some(s) = s {
            v.insert(id, s);
        }
    };

    // The SMO presence cutoffs (a.1): "on or before" the date in Colombia and Ecuador,
    // "physically present ... on the date of this announcement" in Costa Rica.
    let arrived = match a.get("arrived_by_cutoff") {
        Some("yes") => Yes,
        Some("no") => No,
        _ => U,
    };
    let status_is = |choices: &[&str]| match a.get("host_status") {
        Some("unsure") | None => U,
        Some(s) => when(choices.contains(&s)),
    };
    // SMOs closed in January 2025 [S18][S22], day not given (§d17): closed from 1 January.
    let smo_closed = on("2025-01-01");

    // a.1 Colombia: Cubans, Haitians, Venezuelans (not Colombians) in Colombia on or before
    // 11 June 2023, with "a regular status or ... in the process of regularization" at the
    // time of application (§d1: the official page's wording). Whether an asylum seeker or a
    // refugee counts as "in the process of regularization" is not defined (§d2): open. Portal
    // from 28 June 2023 [S2]. "Closed to new applications by late 2024" (USAHello), people told
    // "from November" (Dejusticia) [S6][S25b]: open question from 1 November 2024.
    {
        let basic = loc == "colombia" && ["cuba", "haiti", "venezuela"].contains(&nat);
        let late = when(today < on("2024-11-01")).or_u();
        let who = if basic {
            and(&[
                arrived,
                or(&[
                    status_is(&["regular", "regularizing"]),
                    and(&[status_is(&["asylum_seeker", "refugee"]), U]),
                ]),
                late,
            ])
        } else {
            No
        };
        put(
            "smo_colombia",
            status(today, who, Some(on("2023-06-28")), Some(smo_closed), basic),
        );
    }

    // a.1 Costa Rica: Nicaraguans and Venezuelans "physically present in Costa Rica" on
    // 12 June 2023, "currently registered as asylum seekers" [S7]. Ecuadorians added in 2024,
    // day not found (§d5): open question for all of 2024. Officials said the request had to be
    // filed before 12 June and that recognised refugees were excluded [S8]; the State
    // Department says neither (§d4): both open. Announced 12 June 2023; extended to December
    // 2024 [S9]; closed January 2025.
    {
        let principal = loc == "costa_rica" && ["nicaragua", "venezuela"].contains(&nat);
        let ecuadorian = loc == "costa_rica" && nat == "ecuador" && today >= on("2024-01-01");
        let registered = match a.get("registered_by_cutoff") {
            Some("yes") => Yes,
            _ => U,
        };
        let who = if principal || ecuadorian {
            and(&[
                if ecuadorian { U } else { Yes },
                arrived,
                or(&[
                    and(&[status_is(&["asylum_seeker"]), registered]),
                    and(&[status_is(&["refugee"]), U]),
                ]),
            ])
        } else {
            No
        };
        // Ecuadorians were added in 2024: the office was for them only from then.
        let was_for = loc == "costa_rica" && ["nicaragua", "venezuela", "ecuador"].contains(&nat);
        put(
            "smo_costa_rica",
            status(
                today,
                who,
                Some(on("2023-06-12")),
                Some(smo_closed),
                was_for,
            ),
        );
    }

    // a.1 Ecuador: Cubans, Haitians, Nicaraguans, Venezuelans and Colombians "in Ecuador on or
    // before 18 October 2023" who (1) "applied to Ecuador's regularization process" or (2) are
    // "Asylum-seekers and refugees registered in Ecuador on or before the 18 October" [S14]
    // (§d7: on or before). A regular status already held is not named: open. From 18 October
    // 2023 the office contacted registered asylum applicants; online form from 20 November
    // 2023 [S14]. Late 2024 no new applications (USAHello) [S6]: open from 1 November 2024.
    {
        let basic = loc == "ecuador"
            && ["cuba", "haiti", "nicaragua", "venezuela", "colombia"].contains(&nat);
        let late = when(today < on("2024-11-01")).or_u();
        let registered = match a.get("registered_by_cutoff") {
            Some("yes") => Yes,
            Some("no") => No,
            _ => U,
        };
        let online = on("2023-11-20");
        // Route by route: who, and from when.
        let asylum = and(&[status_is(&["asylum_seeker", "refugee"]), registered]);
        let regularizing = status_is(&["regularizing"]);
        let regular = and(&[status_is(&["regular"]), U]);
        let who = if basic {
            and(&[arrived, or(&[asylum, regularizing, regular]), late])
        } else {
            No
        };
        // Only the online routes wait for 20 November; a person who may be on the asylum
        // route (or whose status is unknown) could be contacted from 18 October.
        let opens = if asylum == No && a.get("host_status") != Some("unsure") {
            online
        } else {
            on("2023-10-18")
        };
        put(
            "smo_ecuador",
            status(today, who, Some(opens), Some(smo_closed), basic),
        );
    }

    // a.1 Guatemala: Guatemalans (in Guatemala); at launch also nationals of the other CA-4
    // countries, "in their countries" (AP), ambiguous; "only Guatemalans" by 2024, day not
    // found (§d6). Form from 12 June 2023 [S11]; closed January 2025.
    {
        let guatemalan = loc == "guatemala" && nat == "guatemala";
        let ca4 = ["guatemala", "other"].contains(&loc)
            && ["el_salvador", "honduras", "nicaragua"].contains(&nat);
        let who = if guatemalan {
            Yes
        } else if ca4 && today < on("2024-01-01") {
            U
        } else {
            No
        };
        put(
            "smo_guatemala",
            status(
                today,
                who,
                Some(on("2023-06-12")),
                Some(smo_closed),
                guatemalan || ca4,
            ),
        );
    }

    // a.2 CHNV: nationals of the four countries outside the U.S.; a U.S.-based supporter
    // (I-134A); an unexpired passport. Ineligible: "a dual national or permanent resident of,
    // or refugee in, another country" (a refugee in the host country too; a regular status
    // there may or may not be permanent residence, §d10); removal within 5 years; irregular
    // entry after the cutoff except one voluntary departure or withdrawal; interdicted at sea
    // after 27 April 2023 (published for Cubans and Haitians only, §d9). Venezuelans from
    // 18 October 2022, the others from 6 January 2023. Paused 6 July (Venezuelans) / 18 July
    // 2024 (others) until "about late Aug 2024" [S38]; EO 14165 of 20 January 2025 ordered its
    // termination; terminated by the notice of 25 March 2025 [S39].
    // Immediate family of any nationality could be included [S34]: their case follows the
    // CHNV national's, which the interview does not ask about: open question.
    {
        let principal = CHNV.contains(&nat);
        let who = if principal {
            let host_refugee = status_is(&["refugee"]);
            let host_regular = status_is(&["regular"]);
            let asked_status = a.get("host_status").is_some();
            let sea = match (a.get("interdicted_at_sea"), nat) {
                (Some("yes"), "cuba" | "haiti") => No,
                (Some("yes"), _) => U,
                _ => Yes,
            };
            let paused = if nat == "venezuela" {
                on("2024-07-06")
            } else {
                on("2024-07-18")
            };
            and(&[
                if asked_status {
                    host_refugee.not()
                } else {
                    Yes
                },
                if asked_status && host_regular != No {
                    U
                } else {
                    Yes
                },
                a.yes("other_citizenship").not(),
                a.yes("us_supporter"),
                a.yes("passport"),
                match a.get("irregular_entry") {
                    Some("no" | "yes_once_returned") => Yes,
                    Some("yes") => No,
                    _ => U,
                },
                sea,
                a.yes("removal_order").not(),
                when(!(paused <= today && today < on("2024-09-01"))).or_u(),
                when(today < on("2025-01-20")).or_u(),
            ])
        } else if a.is("chnv_family", &["yes"]) {
            U
        } else {
            No
        };
        let opens = match nat {
            "cuba" | "haiti" | "nicaragua" => on("2023-01-06"),
            // Venezuelans, and family members of a CHNV national of any of the four.
            _ => on("2022-10-18"),
        };
        // A family member is shown the programme only while it takes cases.
        let closes = if principal {
            Some(on("2025-03-25"))
        } else {
            None
        };
        put(
            "chnv_parole",
            status(today, who, Some(opens), closes, principal),
        );
    }

    // a.2 FRP: by invitation only (the NVC invites the U.S. citizen or LPR petitioner of an
    // approved I-130). Cuba and Haiti: modernised 11 August 2023, since when the beneficiary
    // may be anywhere outside the U.S. (before, in Cuba or Haiti: "another country" may be
    // either); Colombia, El Salvador, Guatemala, Honduras: announced 7 July 2023, invitations
    // from 31 July [S40]; Ecuador: announced 18 October 2023, I-134A from 16 November (Federal
    // Register) or 17 November (USCIS) (§d12). Termination announced 12 December 2025,
    // published 15 December 2025 [S43].
    {
        let (who_nat, opens) = match nat {
            "cuba" | "haiti" if today >= on("2023-08-11") => (Yes, None),
            "cuba" | "haiti" if loc == "other" => (U, None),
            "colombia" | "el_salvador" | "guatemala" | "honduras" if today >= on("2023-07-07") => {
                (Yes, Some(on("2023-07-31")))
            }
            "ecuador" if today >= on("2023-10-18") => (
                if today == on("2023-11-16") { U } else { Yes },
                Some(on("2023-11-16")),
            ),
            _ => (No, None),
        };
        // An approved petition without an invitation: only invited petitioners could file.
        let invited = match a.get("us_family_petition") {
            Some("invited") => Yes,
            Some("no") => No,
            _ => U,
        };
        let who = and(&[who_nat, invited, when(today < on("2025-12-12")).or_u()]);
        let was_for = [
            "cuba",
            "haiti",
            "colombia",
            "el_salvador",
            "guatemala",
            "honduras",
            "ecuador",
        ]
        .contains(&nat);
        put(
            "family_reunification_parole",
            status(today, who, opens, Some(on("2025-12-15")), was_for),
        );
    }

    // a.2 CBP One: any nationality, physically in central or northern Mexico (north of the
    // 19th parallel). From 23 August 2024 also Chiapas and Tabasco, and Mexicans anywhere
    // (a "south" answer may or may not be one of these). Scheduling from 12 January 2023;
    // ended 20 January 2025 [S50][S53][S54].
    {
        let in_mexico = loc == "mexico";
        let who = if in_mexico {
            match a.get("mexico_region") {
                Some("north_or_central") => Yes,
                Some("south") if today >= on("2024-08-23") => U,
                Some("south") => No,
                _ => U,
            }
        } else {
            No
        };
        put(
            "cbp_one",
            status(
                today,
                who,
                Some(on("2023-01-12")),
                Some(on("2025-01-20")),
                in_mexico,
            ),
        );
    }

    // a.2 Canada: Colombian, Haitian or Venezuelan nationals residing in Central or South
    // America, Mexico or the Caribbean ("another country" may or may not be there), with a
    // Canadian citizen or PR close relative who supports them. Announced 10 October 2023,
    // opened 17 November 2023, intake paused 30 December 2023 [S60].
    {
        let in_region = match loc {
            "colombia" | "costa_rica" | "ecuador" | "guatemala" | "mexico" => Yes,
            "other" => U,
            _ => No,
        };
        let basic = ["colombia", "haiti", "venezuela"].contains(&nat)
            && in_region != No
            && today >= on("2023-10-10");
        let who = if basic {
            and(&[in_region, a.yes("canada_relative")])
        } else {
            No
        };
        put(
            "canada_family_pathway",
            status(
                today,
                who,
                Some(on("2023-11-17")),
                Some(on("2023-12-30")),
                basic,
            ),
        );
    }

    if !v
        .values()
        .any(|s| matches!(s, Status::Open | Status::Maybe))
    {
        v.insert("no_pathway_found", Status::Open);
    }
    v
}

trait Tri {
    fn not(self) -> T;
    /// `Yes` stays `Yes`; `No` becomes `U` (a date after which a criterion may have changed).
    fn or_u(self) -> T;
}

impl Tri for T {
    fn not(self) -> T {
        match self {
            Yes => No,
            No => Yes,
            U => U,
        }
    }

    fn or_u(self) -> T {
        match self {
            Yes => Yes,
            _ => U,
        }
    }
}

/// Every day on which the note says something changed (a.1, a.2, c, d).
const NOTE_DATES: &[&str] = &[
    "2022-10-18", // CHNV Venezuela opens
    "2023-01-06", // CHNV Cuba, Haiti, Nicaragua open
    "2023-01-12", // CBP One scheduling
    "2023-04-28", // interdiction at sea (after 27 April 2023)
    "2023-06-12", // SMO Costa Rica announced, Guatemala form
    "2023-06-28", // SMO Colombia portal
    "2023-07-07", // FRP CO/SV/GT/HN announced
    "2023-07-31", // FRP CO/SV/GT/HN invitations
    "2023-08-11", // FRP Cuba/Haiti modernised
    "2023-10-10", // Canada pathway announced
    "2023-10-18", // SMO Ecuador; FRP Ecuador announced
    "2023-11-16", // FRP Ecuador (Federal Register)
    "2023-11-17", // FRP Ecuador (USCIS); Canada opens
    "2023-11-20", // SMO Ecuador online form
    "2023-12-30", // Canada paused
    "2024-01-01", // "2024": Costa Rica adds Ecuadorians; Guatemala only Guatemalans
    "2024-07-06", // CHNV pause (Venezuelans)
    "2024-07-18", // CHNV pause (others)
    "2024-08-23", // CBP One Chiapas and Tabasco
    "2024-09-01", // CHNV resumed "about late Aug 2024"
    "2024-11-01", // SMO Colombia, Ecuador: no new applications "late 2024", "from November"
    "2025-01-01", // SMOs closed "January 2025"
    "2025-01-20", // CBP One ended; EO 14165
    "2025-03-25", // CHNV terminated
    "2025-12-12", // FRP termination announced
    "2025-12-15", // FRP terminated
];

fn shown(status: &BTreeMap<&str, Status>) -> String {
    if status.is_empty() {
        return "nothing".into();
    }
    status
        .iter()
        .map(|(o, s)| format!("{o}: {}", s.name()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Walks every answer path on each date; returns the paths walked, how many disagree, and the
/// first disagreements, readable.
fn compare(rules: &rumbo::rules::Rules, dates: &[Date]) -> (usize, usize, Vec<String>) {
    let mut failures = Vec::new();
    let mut disagreements = 0usize;
    let mut checked = 0usize;
    for &date in dates {
        review::walk_each(rules, date, review::DEFAULT_BUDGET, |path, outcomes| {
            checked += 1;
            let answers = Answers(
                path.iter()
                    .map(|&(q, c)| {
                        let question = rules.question(q);
                        (
                            question.id.as_str(),
                            question.choices[usize::from(c)].id.as_str(),
                        )
                    })
                    .collect(),
            );
            let engine: BTreeMap<&str, Status> = outcomes
                .iter()
                .map(|s| (s.outcome.as_str(), s.status))
                .collect();
            let expected = oracle(date, &answers);
            if engine == expected {
                return;
            }
            disagreements += 1;
            if failures.len() < 40 {
                // In asking order.
                let asked = path
                    .iter()
                    .map(|&(q, c)| {
                        let question = rules.question(q);
                        format!("{}={}", question.id, question.choices[usize::from(c)].id)
                    })
                    .collect::<Vec<_>>()
                    .join(" ");
                failures.push(format!(
                    "on {date}, {asked}\n    engine: {}\n    note:   {}",
                    shown(&engine),
                    shown(&expected)
                ));
            }
        })
        .expect("within the walk budget");
    }
    (checked, disagreements, failures)
}

#[test]
fn every_path_of_the_shipped_rules_agrees_with_the_research_note() {
    let input = files::read(Path::new("rules/safe-mobility.yaml"), None).expect("readable");
    let set = check::load(&input, day("2026-11-28"))
        .rule_set
        .expect("the shipped rules are clean");
    let rules = &set.rules;

    // One day of every stretch in which neither the rules nor the note change anything: each
    // change day of either, and the day before the first.
    let mut dates: BTreeSet<Date> = review::change_dates(rules).into_iter().collect();
    dates.extend(NOTE_DATES.iter().map(|d| day(d)));
    let first = *dates.first().unwrap();
    dates.insert(first.add_days(-1));

    // Two threads, each taking every other date (CI machines have at least two cores).
    let dates: Vec<Date> = dates.into_iter().collect();
    let results: Vec<(usize, usize, Vec<String>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..2)
            .map(|k| {
                let mine: Vec<Date> = dates.iter().copied().skip(k).step_by(2).collect();
                scope.spawn(move || compare(rules, &mine))
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let checked: usize = results.iter().map(|r| r.0).sum();
    let disagreements: usize = results.iter().map(|r| r.1).sum();
    let mut failures: Vec<String> = results.into_iter().flat_map(|r| r.2).collect();
    failures.sort();
    failures.truncate(40);
    eprintln!("{checked} answer paths compared on {} dates", dates.len());
    assert!(checked > 100_000, "only {checked} paths walked");
    assert!(
        failures.is_empty(),
        "{disagreements} path(s) where the rules and the research note disagree (first 40):\n{}",
        failures.join("\n")
    );
}
