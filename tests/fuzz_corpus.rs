//! Replays the fuzzers' saved inputs on stable Rust, so `cargo test` guards against a
//! regression of anything a fuzzer once found: every file of `fuzz/corpus/<target>/` (inputs
//! that reach new code) and `fuzz/regressions/<target>/` (inputs that once crashed, kept after
//! the fix) goes through the very function the target calls (`rumbo::fuzz`). The shipped rules,
//! locales and every `rumbo check` fixture are replayed too: they are the seeds a fuzzing run
//! starts from. Longer runs: see docs/fuzzing.md.

use std::path::{Path, PathBuf};

type Target = fn(&[u8]);

const TARGETS: [(&str, Target); 3] = [
    ("rules", rumbo::fuzz::rules),
    ("fluent", rumbo::fuzz::fluent),
    ("callback", rumbo::fuzz::callback),
];

/// Every file directly under `dir` (none when it does not exist), in a stable order.
fn files_in(dir: &Path) -> Vec<PathBuf> {
    entries_of(dir, Path::is_file)
}

/// Every folder directly under `dir`, in a stable order.
fn files_in_dirs(dir: &Path) -> Vec<PathBuf> {
    entries_of(dir, Path::is_dir)
}

fn entries_of(dir: &Path, keep: fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| keep(p))
                .collect()
        })
        .unwrap_or_default();
    paths.sort();
    paths
}

fn replay(target: Target, files: &[PathBuf]) -> usize {
    for file in files {
        let data = std::fs::read(file).expect("a corpus file is readable");
        // A panic names the input that caused it.
        let outcome = std::panic::catch_unwind(|| target(&data));
        assert!(outcome.is_ok(), "{} makes the target panic", file.display());
    }
    files.len()
}

#[test]
fn every_saved_input_of_every_target_runs_to_completion() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (name, target) in TARGETS {
        let mut files = files_in(&root.join("fuzz/corpus").join(name));
        files.extend(files_in(&root.join("fuzz/regressions").join(name)));
        let n = replay(target, &files);
        assert!(n > 0, "no saved inputs for the {name} target");
    }
}

#[test]
fn the_seeds_run_to_completion() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut rules = vec![
        root.join("rules/safe-mobility.yaml"),
        root.join("rules/example/example.yaml"),
    ];
    for fixture in files_in_dirs(&root.join("tests/fixtures/check")) {
        rules.push(fixture.join("rules.yaml"));
    }
    rules.retain(|p| p.is_file());
    assert!(replay(rumbo::fuzz::rules, &rules) > 40);
    let mut ftl = Vec::new();
    for lang in ["es", "en"] {
        ftl.extend(files_in(&root.join("locales").join(lang)));
    }
    assert!(replay(rumbo::fuzz::fluent, &ftl) >= 4);
}

/// Random bytes, and random mutations of valid inputs, for each target: a small fuzzing
/// run on stable with a fixed seed, so it is the same run every time.
#[test]
fn mutations_of_valid_inputs_run_to_completion() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for (name, target) in TARGETS {
        let seeds = files_in(&root.join("fuzz/corpus").join(name));
        for seed in &seeds {
            let original = std::fs::read(seed).expect("readable");
            for _ in 0..20 {
                let mut data = original.clone();
                for _ in 0..=(next() % 4) {
                    if data.is_empty() {
                        data.push(next() as u8);
                        continue;
                    }
                    let at = (next() % data.len() as u64) as usize;
                    match next() % 4 {
                        0 => data[at] = next() as u8,
                        1 => {
                            data.remove(at);
                        }
                        2 => data.insert(at, b"{}[]:-&*!|>'\"\n #"[(next() % 16) as usize]),
                        _ => {
                            let end = (at + (next() % 16) as usize).min(data.len());
                            let chunk = data[at..end].to_vec();
                            data.splice(at..at, chunk);
                        }
                    }
                }
                let outcome = std::panic::catch_unwind(|| target(&data));
                assert!(
                    outcome.is_ok(),
                    "the {name} target panics on a mutation of {}: {:?}",
                    seed.display(),
                    String::from_utf8_lossy(&data)
                );
            }
        }
    }
}
